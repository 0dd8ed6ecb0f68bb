"""One webhook worker of several behind a reverse proxy: answers Telegram after the turn.

Why not PTB's own webhook server: it answers 200 as soon as an update is queued, before the
turn runs. Telegram then sends the chat's next update at once, and a proxy in front of several
workers may hand it to another worker, which can take the chat's database lock first: the
second message would be answered before the first. Here the HTTP answer comes only after the
turn is written and its replies sent, so Telegram (which delivers one chat's updates one after
the other, each after the previous answer) cannot deliver the next one of that chat earlier,
whichever worker gets it. The chat's advisory lock (storage/locks.py) still guards a redelivery
racing its first try. A worker never calls setWebhook: `cunshe webhook set` does, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_routes(application: Any, path: str, secret: str, concurrency: int,
                   base: web.Application | None = None) -> web.Application:
    """The aiohttp app (`base` plus): POST `path` with the secret header runs one update to its end."""
    slots = asyncio.Semaphore(concurrency)
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)  # forged: refused before it reaches the bot
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        async with slots:
            await application.process_update(update)
        return web.Response()

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")  # for the proxy's and systemd's checks

    web_app = base if base is not None else web.Application()
    web_app.router.add_post("/" + path.lstrip("/"), receive)
    web_app.router.add_get("/healthz", health)
    return web_app


async def serve(application: Any, *, listen: str, port: int, path: str, secret: str,
                concurrency: int, pages: web.Application | None = None) -> None:
    """Start the bot, serve its webhook on listen:port until SIGINT/SIGTERM, then stop cleanly.

    `pages` (the certificate verification page) is served on the same port: every worker
    serves it, so the proxy sends /v/ to the same upstream as the webhook.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner: web.AppRunner | None = None
    started = False
    try:
        if not await _until_stopped(_start(application), stop):
            return  # stopped (or the token refused) before the bot was up
        started = True
        runner = web.AppRunner(webhook_routes(application, path, secret, concurrency, pages),
                               access_log=None, handle_signals=False, shutdown_timeout=30)
        await runner.setup()
        await web.TCPSite(runner, listen, port, backlog=1024).start()
        log.info("webhook worker listening on %s:%d", listen, port)
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()  # no new updates; those being handled finish first
        if started:
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        with contextlib.suppress(Exception):
            await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _start(application: Any) -> bool:
    try:
        await application.initialize()  # retries while the Bot API is unreachable
    except SystemExit:  # the token was refused (said in one line by the application)
        return False
    if application.post_init:
        await application.post_init(application)
    await application.start()
    return True


async def _until_stopped(work: Any, stop: asyncio.Event) -> bool:
    """Run `work` unless a stop comes first; its result, or False when stopped."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if not task.done():
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        return bool(await task)
    return False


async def set_webhook(bot: Any, url: str, secret: str, max_connections: int) -> None:
    """Register the one webhook URL (the proxy's) with Telegram; done once per deployment."""
    async with bot:
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES,
                              max_connections=max_connections)


async def delete_webhook(bot: Any) -> None:
    """Remove the webhook (back to polling, or before moving the bot elsewhere)."""
    async with bot:
        await bot.delete_webhook()
