"""Several `cunshe run` workers on one PostgreSQL behave like one bot for sending and scheduling.

Real worker processes (each with its own engine) against the local stand-in for the Bot API:
they share one outbox (claims with FOR UPDATE SKIP LOCKED, whole chats at a time), one
Telegram budget, and one scheduler leader. PostgreSQL only: on SQLite there is one process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import load_config
from bot.events import Reply
from bot.outbox import BULK, to_payload
from domain.ports import OutboxMessage
from storage import migrate
from tests.fixtures import REPO, SECRET, database, make_config_file
from tests.support.botapi_model import SentMessage
from tests.support.cunshe_proc import RunningBot, TrackingBotApi, cunshe_env

pytestmark = pytest.mark.postgres

# Each worker sends to at most this many chats at once, and so has at most this many messages
# between "sending" and "marked sent" (bot/outbox_marks.py): what a kill -9 can send twice.
CONCURRENCY = 16


class CountingBotApi(TrackingBotApi):
    """The stand-in, keeping what each chat got in order, and when (by its own clock)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.per_chat: defaultdict[int, list[str]] = defaultdict(list)
        self.arrivals: list[float] = []

    def record_sent(self, msg: SentMessage) -> None:
        self.per_chat[msg.chat_id].append(msg.text)
        self.arrivals.append(time.monotonic())

    @property
    def count(self) -> int:
        return len(self.arrivals)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL schema (skipped without CUNSHE_TEST_DATABASE_URL)."""
    yield from database("postgres", tmp_path)


def deployment(tmp_path: Path, url: str, **changes: Any) -> tuple[App, dict[str, str]]:
    """A migrated database and the environment of its workers (config changes by dotted key)."""
    config = make_config_file(tmp_path / "etc", url, changes={
        "seals.page_port": None, "outbox.concurrency": CONCURRENCY, **changes})
    app = App(load_config(config, environ=False).model_copy(update={"secret_key": SECRET}))
    migrate.upgrade(app.engine)
    # PYTHONPATH: the workers can import the test job (tests/support/jobprobe.py).
    return app, cunshe_env(config, SECRET, PYTHONPATH=str(REPO))


def queue(app: App, rows: list[tuple[int, str]]) -> None:
    """Queue bulk messages (as a push does: one transaction) in this order."""
    now = datetime.now(UTC)
    with app.uow() as uow:
        uow.outbox.add_many([
            OutboxMessage(chat_id=chat, payload=to_payload(Reply(text)), key=f"t:{chat}:{text}",
                          created_at=now, not_before=now, priority=BULK)
            for chat, text in rows])
        uow.commit()


async def start_workers(n: int, env: dict[str, str], tg: TrackingBotApi) -> list[RunningBot]:
    """`n` workers of one deployment, sending to the stand-in.

    Started one after another (each once it asked the stand-in who it is): the start itself
    (migrations, the staff list from config) is not what these tests are about.
    """
    worker_env = dict(env, CUNSHE_TELEGRAM_TOKEN=tg.token, CUNSHE_TELEGRAM_BASE_URL=tg.base_url)
    workers = []
    for _ in range(n):
        workers.append(await RunningBot.start(worker_env))
        await until(lambda: tg.calls["getMe"] >= len(workers) or workers[-1].proc.returncode is not None,
                    "the worker starts")
    return workers


async def until(check: Any, what: Any, seconds: float = 150) -> None:
    """Wait for a condition (a readiness wait, not a timing assertion: the bound only stops a
    hung test; three workers start in seconds on a quiet machine, in half a minute on a busy one)."""
    end = time.monotonic() + seconds
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what()}" if callable(what) else f"never happened: {what}")
        await asyncio.sleep(0.05)


async def stop_all(workers: list[RunningBot]) -> None:
    """Stop the workers still running (their output is printed when a test fails)."""
    for w in workers:
        if w.proc.returncode is None:
            await w.stop()


def broadcast(chats: int, per_chat: int) -> list[tuple[int, str]]:
    """`per_chat` numbered messages to each chat, queued round-robin (each chat's spread out)."""
    return [(7_000_000 + c, f"第{i}条") for i in range(per_chat) for c in range(chats)]


def check_delivery(tg: CountingBotApi, rows: list[tuple[int, str]]) -> int:
    """Nobody missed anything and each chat got its messages in order; returns duplicates."""
    wanted: defaultdict[int, list[str]] = defaultdict(list)
    for chat, text in rows:
        wanted[chat].append(text)
    missing = sum(1 for chat, texts in wanted.items() for t in texts if t not in tg.per_chat[chat])
    assert missing == 0
    for chat, texts in wanted.items():
        got = tg.per_chat[chat]
        # In order: a message sent again repeats one already there, never jumps ahead of it.
        firsts = sorted(set(got), key=got.index)
        assert firsts == texts, f"chat {chat} got {got}"
    return tg.count - len(rows)


def test_three_workers_drain_a_broadcast_once_each_chat_in_order(tmp_path: Path, pg_url: str) -> None:
    app, env = deployment(tmp_path, pg_url, **{"telegram.rate_limit_per_second": 0})
    rows = broadcast(chats=2_500, per_chat=4)  # 10,000 messages
    queue(app, rows)

    async def run() -> CountingBotApi:
        async with CountingBotApi() as tg:
            workers = await start_workers(3, env, tg)
            try:
                await until(lambda: tg.count >= len(rows), lambda: f"every message delivered ({tg.count})")
                await asyncio.sleep(1.0)  # a message sent twice would arrive by now
            finally:
                await stop_all(workers)
            assert all(not w.unclean() for w in workers), "\n".join(w.log for w in workers if w.unclean())[-6000:]
            return tg

    tg = asyncio.run(run())
    assert check_delivery(tg, rows) == 0
    with app.uow() as uow:
        assert uow.outbox.due(datetime.now(UTC)) == []
    assert len(senders(app)) >= 2  # the work was shared
    app.close()


def senders(app: App) -> set[str]:
    """The workers that sent rows (a sent row keeps the name of its last claim)."""
    from sqlalchemy import select

    from storage.models import OutboxRow

    with app.engine.connect() as conn:
        return set(conn.scalars(select(OutboxRow.claimed_by).where(OutboxRow.status == "sent").distinct()))


def test_a_worker_killed_mid_broadcast_leaves_nobody_missed(tmp_path: Path, pg_url: str) -> None:
    # The default lease (15 s): the dead worker's rows are taken once its lock is gone.
    app, env = deployment(tmp_path, pg_url, **{"telegram.rate_limit_per_second": 0})
    rows = broadcast(chats=5_000, per_chat=2)  # 10,000 messages
    queue(app, rows)

    async def run() -> CountingBotApi:
        async with CountingBotApi() as tg:
            workers = await start_workers(3, env, tg)
            try:
                await until(lambda: tg.count >= 4_000, "the broadcast is under way")
                workers[0].proc.send_signal(signal.SIGKILL)  # kill -9 mid-way
                await workers[0].proc.wait()
                await until(lambda: len(tg.per_chat) >= 5_000 and tg.count >= len(rows),
                            "the other workers finish, the dead one's claims included")
                await asyncio.sleep(1.0)
            finally:
                await stop_all(workers)
            return tg

    tg = asyncio.run(run())
    duplicates = check_delivery(tg, rows)
    print(f"\nkill -9 of one of three workers: {duplicates} of {len(rows)} sent twice")
    # At least once: only what the dead worker had in its window (sends in flight and marks not
    # yet committed, at most outbox.concurrency) can go twice.
    assert duplicates <= CONCURRENCY
    app.close()


def test_three_workers_together_keep_the_deployments_rate(tmp_path: Path, pg_url: str) -> None:
    rate = 40
    app, env = deployment(tmp_path, pg_url, **{"telegram.rate_limit_per_second": rate,
                                                "telegram.paid_broadcasts": True})
    rows = [(8_000_000 + c, "台风蓝色预警") for c in range(800)]  # 20 s at the rate
    queue(app, rows)

    async def run() -> CountingBotApi:
        # The stand-in refuses (429) what goes beyond the rate, as Telegram's flood control does.
        async with CountingBotApi(flood_limit=rate, retry_after=1) as tg:
            workers = await start_workers(3, env, tg)
            try:
                await until(lambda: tg.count >= len(rows), "every message delivered")
            finally:
                await stop_all(workers)
            return tg

    tg = asyncio.run(run())
    assert check_delivery(tg, rows) == 0
    busiest = max(_per_window(tg.arrivals, 2.0))
    print(f"\nthree workers at a deployment rate of {rate}/s: busiest 2 s {busiest}, "
          f"429s {len(tg.too_many)}")
    # Each worker alone would send `rate` a second: three together would triple it. Allowed
    # above 2 s at the rate: the bucket's saved-up fifth of a second, the few tokens each
    # worker holds, and the stand-in's own scheduling on a busy machine.
    assert busiest <= 2 * rate * 1.5
    assert tg.too_many == []
    app.close()


def _per_window(times: list[float], width: float) -> list[int]:
    """How many arrivals each sliding window of `width` seconds (starting at an arrival) holds."""
    counts, j = [], 0
    for i, t in enumerate(times):
        while j < len(times) and times[j] < t + width:
            j += 1
        counts.append(j - i)
    return counts


def test_scheduled_jobs_run_in_one_worker_and_another_takes_over(tmp_path: Path, pg_url: str) -> None:
    from bot.jobs import job_store

    app, env = deployment(tmp_path, pg_url)
    beats = tmp_path / "beats.txt"
    store = job_store(app)  # as `cunshe pushes send --at` adds a job: the leader runs it
    store.add_job("tests.support.jobprobe:beat", "interval", seconds=0.3, args=[str(beats)],
                  id="probe", replace_existing=True)
    store.shutdown()

    def runners() -> list[int]:
        return [int(x) for x in beats.read_text().split()] if beats.exists() else []

    async def run() -> None:
        async with CountingBotApi() as tg:
            workers = await start_workers(3, env, tg)
            try:
                await until(lambda: len(runners()) >= 10, "the job runs")
                first = set(runners())
                assert len(first) == 1  # one leader runs it, the others do not
                (leader,) = first
                dead = next(w for w in workers if w.proc.pid == leader)
                dead.proc.send_signal(signal.SIGKILL)
                await dead.proc.wait()
                seen = len(runners())
                await until(lambda: len(runners()) >= seen + 10, "another worker runs it")
                after = set(runners()[seen:])
                assert leader not in after and len(after) == 1
                assert os.getpid() not in after
            finally:
                await stop_all(workers)

    asyncio.run(run())
    app.close()
