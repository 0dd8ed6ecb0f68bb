"""No head-of-line blocking: chats stuck on a slow database wait alone; everyone else is answered.

The real engine on a real SQLite file, PTB polling the local stand-in. Another connection holds
the database's write lock (a slow writer), so the turns that must write wait for it; a resident
who only reads is answered meanwhile, and the waiting chats are answered once the lock is free.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.telegram import build_application
from bot.config import Telegram
from bot.events import Inbound, Reply
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.ptb_harness import polling

READER = 5101  # already talked to the bot: asking for the progress only reads
WRITERS = (5102, 5103)  # first words: the bot must write their conversation


class Watched:
    """The real engine, counting the turns that have started (readiness for the test)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        self.started: dict[int, threading.Event] = {}

    def handle(self, event: Inbound) -> list[Reply]:
        """Note the start, then run the real turn."""
        self.started.setdefault(event.chat_id, threading.Event()).set()
        return self.engine.handle(event)  # type: ignore[attr-defined, no-any-return]

    async def wait_started(self, chat_id: int) -> None:
        """Until a turn of this chat is in the engine."""
        ready = self.started.setdefault(chat_id, threading.Event())
        assert await asyncio.to_thread(ready.wait, 60)


@asynccontextmanager
async def write_lock(database: Path) -> AsyncIterator[None]:
    """Another connection holds SQLite's write lock until the block ends."""
    conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.mark.asyncio
async def test_chats_waiting_for_the_database_do_not_hold_up_a_resident_who_only_reads(
        sqlite_app: App) -> None:  # noqa: F811
    url = sqlite_app.config.database.url
    database = Path(url.split("///", 1)[1])
    engine = Watched(sqlite_app.dialogue)
    async with BotApiServer() as tg:
        # As `cunshe run` builds it: the configured number of engine threads.
        application = build_application(engine, tg.token, base_url=tg.base_url, rate_limit=False,  # type: ignore[arg-type]
                                        engine_threads=Telegram().engine_threads)
        async with polling(application):
            await tg.inject_text(READER, "你好")
            await tg.wait_messages(READER, 2, timeout=30)
            async with write_lock(database):
                for chat in WRITERS:
                    await tg.inject_text(chat, "你好")
                for chat in WRITERS:
                    await engine.wait_started(chat)  # both are in the engine, waiting for the lock
                await tg.inject_text(READER, "查进度我的报修")
                [progress] = await tg.wait_messages(READER, 1, timeout=30)
                assert all(tg.messages_in(chat) == [] for chat in WRITERS)  # still waiting
            for chat in WRITERS:  # the lock is free: they are answered, not given an error
                greeting, _ask = await tg.wait_messages(chat, 2, timeout=30)
                assert "小助手" in greeting.text
    assert "还没有报修" in progress.text
