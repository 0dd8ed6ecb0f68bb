"""`make bench-push`, delivery half (not a timed test): 20,000 bulk messages through the real bot.

The outbox gets 20,000 rows of priority 2 (one per resident, as a push writes them) in one
transaction; then the real `cunshe run` delivers them to the local stand-in for the Bot API,
which answers like Telegram's flood control (429 with parameters.retry_after) above
BENCH_PUSH_LIMIT sends a second (1,000). The bot's budget is the same 1,000/s
(telegram.rate_limit_per_second, paid broadcasts on).

Printed per database: the achieved rate (first to last delivery; target ≥ 90 % of the limit),
429s, duplicates and missing recipients (the stand-in counts per chat) and the load average;
then the same for a run where the bot is killed with SIGKILL mid-way and started again (the
rate there leaves out the restart, which is printed on its own).
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks.bench_hostile import _cpu_seconds
from tests.fixtures import SECRET, _pg_schema, make_config_file, run_cunshe
from tests.support.botapi_model import SentMessage
from tests.support.cunshe_proc import RunningBot, TrackingBotApi, cunshe_env

MESSAGES = int(os.environ.get("BENCH_PUSH_MESSAGES", "20000"))
LIMIT = float(os.environ.get("BENCH_PUSH_LIMIT", "1000"))
FIRST_CHAT = 5_000_000
TEXT = "【台风红色预警】今夜台风将在我市沿海登陆，请尽量留在家中。最近的避灾点：第一避灾点（社区文化礼堂），约350米。"


class CountingBotApi(TrackingBotApi):
    """The stand-in with Telegram's flood limit, counting deliveries per chat and timing them."""

    def __init__(self) -> None:
        super().__init__(flood_limit=LIMIT, retry_after=1)
        self.per_chat: Counter[int] = Counter()
        self.first = self.last = 0.0
        self.progress = asyncio.Event()

    def record_sent(self, msg: SentMessage) -> None:
        # Not the base class's bookkeeping (wait queues per chat): only what the bench reads.
        now = time.monotonic()
        self.first = self.first or now
        self.last = now
        self.per_chat[msg.chat_id] += 1
        if len(self.per_chat) % 500 == 0:
            self.progress.set()


def queue_push(config: Path) -> float:
    """Write the push's outbox rows (one transaction, as a push does); returns seconds taken."""
    from bot.app import App
    from bot.config import load_config
    from bot.dialogue.turn import reply
    from bot.outbox import BULK, to_payload
    from domain.ports import OutboxMessage

    started = time.monotonic()
    cfg = load_config(config, environ=False).model_copy(update={"secret_key": SECRET})
    app = App(cfg)
    now = datetime.now(UTC)
    payload = to_payload(reply(TEXT))
    with app.uow() as uow:  # as bot/pushes.py writes a push's rows: add_many
        uow.outbox.add_many([
            OutboxMessage(chat_id=FIRST_CHAT + i, payload=payload, key=f"push:1:{FIRST_CHAT + i}",
                          created_at=now, not_before=now, priority=BULK)
            for i in range(MESSAGES)])
        uow.commit()
    app.close()
    return time.monotonic() - started


async def deliver(label: str, database_url: str, *, kill_at: int | None) -> None:
    """One run: queue the push, start the bot, (kill it at `kill_at` and restart), count."""
    with tempfile.TemporaryDirectory() as tmp:
        config = make_config_file(Path(tmp), database_url, changes={
            "telegram.rate_limit_per_second": LIMIT, "telegram.paid_broadcasts": True})
        env = cunshe_env(config, SECRET)
        migrated = await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=env)
        assert migrated.code == 0, migrated.err
        queued = await asyncio.to_thread(queue_push, config)
        async with CountingBotApi() as tg:
            bot_env = dict(env, CUNSHE_TELEGRAM_TOKEN=tg.token, CUNSHE_TELEGRAM_BASE_URL=tg.base_url)
            bot = await RunningBot.start(bot_env)
            restart, at_kill = 0.0, 0
            if kill_at is not None:
                while len(tg.per_chat) < kill_at:
                    await tg.progress.wait()
                    tg.progress.clear()
                bot.proc.send_signal(signal.SIGKILL)
                await bot.proc.wait()
                killed_at, at_kill = time.monotonic(), len(tg.per_chat)
                bot = await RunningBot.start(bot_env)
                while tg.last < killed_at:  # the restarted bot's first delivery
                    await asyncio.sleep(0.05)
                restart = tg.last - killed_at
            own = time.process_time()
            try:
                while len(tg.per_chat) < MESSAGES and bot.proc.returncode is None:
                    await tg.wait_change(1.0)
                cpu = (_cpu_seconds(bot.proc.pid), time.process_time() - own)
                await asyncio.sleep(1.0)  # anything sent twice arrives now
            finally:
                code = await bot.stop()
        report(label, tg, queued, restart, code, at_kill or None)
        print(f"CPU during delivery: bot {cpu[0]:.1f} s (whole process), stand-in {cpu[1]:.1f} s")


def report(label: str, tg: CountingBotApi, queued: float, restart: float, code: int,
           killed: int | None) -> None:
    """Print one run's figures."""
    expected = {FIRST_CHAT + i for i in range(MESSAGES)}
    missing = len(expected - set(tg.per_chat))
    duplicates = sum(n - 1 for n in tg.per_chat.values() if n > 1)
    span = tg.last - tg.first - restart
    rate = sum(tg.per_chat.values()) / span if span > 0 else float("nan")
    load = os.getloadavg()
    how = f"killed (SIGKILL) after {killed} and restarted" if killed else "one run"
    print(f"\n== delivery, {label}, {how}: {MESSAGES} messages, stand-in limit {LIMIT:.0f}/s")
    print(f"queued in {queued:.1f} s; delivered at {rate:.0f}/s ({rate / LIMIT:.0%} of the limit)"
          + (f"; restart took {restart:.1f} s (not counted)" if killed else ""))
    print(f"missing {missing}, duplicates {duplicates}, 429s {len(tg.too_many)}, "
          f"other 4xx {len(tg.errors) - len(tg.too_many)}; bot exit {code}; "
          f"load average {load[0]:.1f} / {load[1]:.1f}")


async def main() -> None:
    """SQLite, then PostgreSQL when CUNSHE_BENCH_DATABASE_URL is set; each plain and killed."""
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the start")
    runs = [("SQLite", None)]
    if pg := os.environ.get("CUNSHE_BENCH_DATABASE_URL"):
        runs.append(("PostgreSQL", pg))
    for label, url in runs:
        for kill_at in (None, MESSAGES * 2 // 5):
            if url is None:
                with tempfile.TemporaryDirectory() as tmp:
                    await deliver(label, f"sqlite:///{tmp}/bench.sqlite", kill_at=kill_at)
            else:
                with _pg_schema(url) as schema_url:
                    await deliver(label, schema_url, kill_at=kill_at)
