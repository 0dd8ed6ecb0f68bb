"""Drive a PTB Application by long polling against the local stand-in for the Bot API, for tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application

AnyApp = Application[Any, Any, Any, Any, Any, Any]


@asynccontextmanager
async def polling(app: AnyApp, poll_timeout: int = 1) -> AsyncIterator[AnyApp]:
    """Initialise, start polling and start the app; stop and shut it down on exit."""
    await app.initialize()
    assert app.updater is not None
    # A short long-poll timeout keeps shutdown quick; updates still arrive at once.
    await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
    await app.start()
    try:
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


@asynccontextmanager
async def served(bot: Any) -> AsyncIterator[Any]:
    """A bot App live against a fresh stand-in Bot API server, its outbox delivering; yields the server."""
    import asyncio

    from bot.channels.telegram import build_application
    from bot.outbox import Dispatcher
    from tests.support.botapi import BotApiServer

    async with BotApiServer() as server:
        application = build_application(bot.dialogue, server.token, base_url=server.base_url,
                                        concurrent_updates=8, rate_limit=False)
        dispatcher = Dispatcher(bot, application.sender, interval=0.05)
        async with polling(application):
            task = asyncio.create_task(dispatcher.run())
            try:
                yield server
            finally:
                task.cancel()
