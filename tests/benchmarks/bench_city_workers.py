"""City benchmark, workers part (issue 13 point 7): dialogue throughput with 1, 2 and 4 workers.

    CUNSHE_BENCH_DATABASE_URL=postgresql://… make bench-city-workers

For each worker count: a fresh PostgreSQL schema, N `cunshe run --port` processes behind the
test proxy (round robin, in a process of its own), the local stand-in for the Bot API posting updates to the webhook as
Telegram does. BENCH_WORKER_RESIDENTS residents (default 120) each send a message, wait for the
first answer, and send the next, for BENCH_WORKER_SECONDS (default 30) after a warm-up. Printed:
turns a second, first-answer latency p50/p99, the workers' CPU, and what the figures predict for
a machine with more cores. Not a timed test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_hostile import _cpu_seconds  # noqa: E402
from tests.fixtures import SECRET, _pg_schema, make_config_file  # noqa: E402
from tests.support.botapi_model import SentMessage  # noqa: E402
from tests.support.cunshe_proc import TrackingBotApi, cunshe_env  # noqa: E402
from tests.support.workers import HOOK_PATH, HOOK_SECRET, free_ports, migrate, start_workers, worker_changes  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_WORKER_RESIDENTS", "120"))
SECONDS = float(os.environ.get("BENCH_WORKER_SECONDS", "30"))
WARMUP = 5.0
COUNTS = tuple(int(n) for n in os.environ.get("BENCH_WORKER_COUNTS", "1,2,4").split(","))
FIRST_CHAT = 8_100_000
# What residents say: questions, reports started and left, menus (each gets an answer).
SENTENCES = ("你好", "查进度", "帮助", "菜单", "我家楼道灯坏了好几天了", "算了", "附近有没有避难的地方",
             "最近有什么养老政策", "我想预约上门助浴", "取消", "谢谢你们", "3幢2单元门口垃圾没人清理", "取消")


class TimedBotApi(TrackingBotApi):
    """The stand-in, timing the first answer to each resident's waiting message."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, float] = {}
        self.answered: dict[int, asyncio.Event] = {}
        self.latencies: list[tuple[float, float]] = []  # (answered at, took)

    def record_sent(self, msg: SentMessage) -> None:
        # Not the base class's lists and queues: only the timing this bench reads.
        at = self.waiting.pop(msg.chat_id, None)
        if at is not None:
            now = time.monotonic()
            self.latencies.append((now, now - at))
            self.answered[msg.chat_id].set()


async def resident(tg: TimedBotApi, chat: int, until: float, rng: random.Random) -> None:
    """Send, wait for the first answer (at most 30 s), send the next, until the end."""
    event = tg.answered.setdefault(chat, asyncio.Event())
    while time.monotonic() < until:
        event.clear()
        tg.waiting[chat] = time.monotonic()
        await tg.inject_text(chat, rng.choice(SENTENCES))
        try:
            await asyncio.wait_for(event.wait(), 30)
        except TimeoutError:
            tg.waiting.pop(chat, None)


@contextlib.asynccontextmanager
async def proxy_process(ports: list[int]) -> AsyncIterator[str]:
    """The test proxy in a process of its own (so it does not share this one's loop); its URL."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.proxy", ",".join(map(str, ports)), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        port = int(await asyncio.wait_for(proc.stdout.readline(), 60))
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        await proc.wait()


async def run(workers_n: int, base_url: str) -> None:
    """One worker count: start, drive, print."""
    with tempfile.TemporaryDirectory() as tmp, _pg_schema(base_url) as url:
        ports = free_ports(workers_n)
        tg = TimedBotApi()
        async with tg, proxy_process(ports) as proxy_url:
            config = make_config_file(Path(tmp), url, changes={
                **worker_changes(ports, proxy_url + HOOK_PATH), "telegram.rate_limit_per_second": 0})
            env = cunshe_env(config, SECRET, CUNSHE_TELEGRAM_TOKEN=tg.token,
                             CUNSHE_TELEGRAM_BASE_URL=tg.base_url, CUNSHE_WEBHOOK_SECRET=HOOK_SECRET)
            await asyncio.to_thread(migrate, env)
            workers = await start_workers(env, ports, max_connections=100)
            try:
                start = time.monotonic()
                measured_from, until = start + WARMUP, start + WARMUP + SECONDS
                cpu0: list[float] = []
                own0: list[float] = []
                rng = random.Random(workers_n)

                async def mark() -> None:
                    await asyncio.sleep(WARMUP)
                    cpu0.extend(_cpu_seconds(w.proc.pid) for w in workers)
                    own0.append(time.process_time())

                marker = asyncio.ensure_future(mark())
                await asyncio.gather(*(resident(tg, FIRST_CHAT + i, until, random.Random(rng.random()))
                                       for i in range(RESIDENTS)))
                await marker
                cpu = sum(_cpu_seconds(w.proc.pid) for w in workers) - sum(cpu0)
                own = time.process_time() - own0[0]
            finally:
                for w in workers:
                    await w.stop()
    took = [t for at, t in tg.latencies if measured_from <= at <= until]
    rate = len(took) / SECONDS
    p50, p99 = _pct(took, 50), _pct(took, 99)
    per_core = len(took) / cpu if cpu else float("nan")
    print(f"{workers_n} worker{'s' if workers_n > 1 else ' '}: {rate:6.1f} turns/s, first answer "
          f"p50 {p50 * 1000:5.0f} ms, p99 {p99 * 1000:5.0f} ms; workers' CPU {cpu / SECONDS:.2f} cores "
          f"({per_core:.0f} turns per CPU-second); stand-in and residents {own / SECONDS:.2f} "
          f"cores; load {os.getloadavg()[0]:.1f}")
    RESULTS.append((workers_n, rate, per_core))


RESULTS: list[tuple[int, float, float]] = []


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def predict() -> None:
    """What the measured cost of a turn says about machines with more cores."""
    if not RESULTS:
        return
    cores = os.cpu_count() or 1
    per_core = max(r[2] for r in RESULTS)
    best = max(RESULTS, key=lambda r: r[1])
    print(f"\nthis machine: {cores} cores shared by the workers, PostgreSQL, the stand-in and the proxy "
          f"(best {best[1]:.0f} turns/s with {best[0]} workers).")
    print(f"a turn costs the workers about {1000 / per_core:.1f} ms of CPU: with one worker per core and "
          f"PostgreSQL on its own cores, that predicts about {per_core:.0f} turns/s per worker core")
    for more in (4, 8, 16):
        print(f"  {more} worker cores: ~{per_core * more:,.0f} turns/s "
              f"(until PostgreSQL's commits or Telegram's limits bind first)")


async def main() -> None:
    """Each worker count in turn (PostgreSQL only: SQLite is one process)."""
    base = os.environ.get("CUNSHE_BENCH_DATABASE_URL")
    print(f"\n== dialogue throughput with several workers ({RESIDENTS} residents, {SECONDS:.0f} s each)")
    if not base:
        print("skipped: set CUNSHE_BENCH_DATABASE_URL to a PostgreSQL database (workers share it)")
        return
    for n in COUNTS:
        await run(n, base)
    predict()


if __name__ == "__main__":
    asyncio.run(main())
