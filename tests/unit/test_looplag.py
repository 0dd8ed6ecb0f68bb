"""The event-loop watchdog and the dispatcher that keeps database work off the loop."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.dialogue.turn import reply
from bot.events import Reply
from bot.looplag import LoopLagMonitor
from bot.outbox import Dispatcher, enqueue
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401


def a_blocking_call_on_the_loop() -> None:
    time.sleep(0.35)  # what a synchronous commit under a held SQLite lock does to the loop


async def test_a_blocked_loop_is_one_log_line_naming_where(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LoopLagMonitor(threshold=0.1, tick=0.01)
    await monitor.start()
    with caplog.at_level(logging.WARNING, logger="bot.looplag"):
        await asyncio.sleep(0.05)
        a_blocking_call_on_the_loop()
        await asyncio.sleep(0.05)
    await monitor.stop()
    lines = [r.getMessage() for r in caplog.records if r.threadName == monitor.thread_name]
    assert len(lines) == 1 and "a_blocking_call_on_the_loop" in lines[0]
    assert monitor.stalls == 1 and monitor.worst >= 0.3


async def test_a_loop_that_keeps_turning_is_not_reported(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LoopLagMonitor(threshold=0.1, tick=0.01)
    await monitor.start()
    with caplog.at_level(logging.WARNING, logger="bot.looplag"):
        for _ in range(20):
            await asyncio.sleep(0.01)
    await monitor.stop()
    assert monitor.stalls == 0 and not [r for r in caplog.records if r.threadName == monitor.thread_name]


class Recorder:
    """A sender that records deliveries, and on which thread the outbox's database work ran."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, Reply]] = []

    async def send(self, chat_id: int, message: Reply, priority: int = 1) -> None:
        self.sent.append((chat_id, message))


@pytest.fixture
def counted(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[App, list[str]]]:  # noqa: F811
    """The app, with the thread name of every unit of work it opens (and every commit)."""
    opened: list[str] = []
    make = sqlite_app.uow

    def uow() -> object:
        work = make()
        commit = work.commit

        def counting_commit() -> None:
            opened.append(f"commit:{threading.current_thread().name}")
            commit()

        work.commit = counting_commit  # type: ignore[method-assign]
        opened.append(threading.current_thread().name)
        return work

    monkeypatch.setattr(sqlite_app, "uow", uow)
    yield sqlite_app, opened


def test_the_dispatcher_never_touches_the_database_on_the_loop_and_marks_sent_in_batches(
        counted: tuple[App, list[str]]) -> None:
    app, opened = counted
    n = 25
    with app.uow() as uow:
        for i in range(n):
            enqueue(uow, 42, reply(f"第{i}条"), f"k:{i}", datetime.now(UTC))
        uow.commit()
    opened.clear()
    sender = Recorder()

    async def deliver() -> tuple[int, str]:
        return await Dispatcher(app, sender).deliver_due(), threading.current_thread().name

    delivered, loop_thread = asyncio.run(deliver())
    assert delivered == n and len(sender.sent) == n
    assert opened and loop_thread not in {name.removeprefix("commit:") for name in opened}
    assert 1 <= len([o for o in opened if o.startswith("commit:")]) < n  # group commits
    with app.uow() as uow:
        assert uow.outbox.due(datetime.now(UTC)) == []  # every one marked sent
