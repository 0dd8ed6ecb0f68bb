"""Bot benchmark (not a timed test): residents in a closed loop against the local stand-in for the Bot API.

    python tests/benchmarks/bench_bot.py [--users 100 300] [--rounds 12]

For each user count it measures (a) a bare PTB echo bot written the way most bots are
(`concurrent_updates(True)`, nothing tuned) and (b) the product: `build_application`
around the fully wired engine. Each bot runs in its own process, so the bot's CPU is
not shared with the simulated residents and the server (both in this process).
Only 127.0.0.1 traffic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.botapi import BotApiServer  # noqa: E402

# A realistic cycle: greet, report in one sentence, drop it, ask for one's reports.
CYCLE = ("你好", "3幢2单元楼道灯坏了", "算了", "查一下我的报修")
FIRST_CHAT = 100_000


# ---- the bot processes ----------------------------------------------------------------
def run_baseline(token: str, base_url: str) -> None:
    """The bare echo bot, exactly as most PTB bots are written."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = ApplicationBuilder().token(token).base_url(base_url).concurrent_updates(True).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.run_polling()


class EchoEngine:
    """Fallback when the product engine is not available yet."""

    def handle(self, event: object) -> list[object]:
        from bot.events import Inbound, Reply

        assert isinstance(event, Inbound)
        return [Reply(text=event.text or event.kind)]


def run_product(token: str, base_url: str, status_file: str, concurrency: int, threads: int) -> None:
    """The product: tuned transport around the fully wired engine (rate limiter off: local stand-in)."""
    from bot.channels.telegram import build_application, run_polling

    status: dict[str, str] = {"engine": "product"}
    try:
        from bot.app import build_bench_engine

        db = Path(status_file).with_suffix(".sqlite3")
        engine = build_bench_engine(f"sqlite:///{db}")
    except ImportError as exc:
        engine = EchoEngine()  # type: ignore[assignment]
        status = {"engine": "echo-fallback", "reason": f"{type(exc).__name__}: {exc}"}
    Path(status_file).write_text(json.dumps(status))
    app = build_application(
        engine,
        token,
        base_url=base_url,
        concurrent_updates=concurrency,
        pool_size=concurrency + 8,
        rate_limit=False,
        engine_threads=threads,
    )
    run_polling(app)


# ---- the residents --------------------------------------------------------------------
@dataclass
class Result:
    """Figures of one run."""

    name: str
    users: int
    turns: int = 0
    messages: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    mismatches: int = 0
    bot_cpu: float = 0.0  # CPU seconds of the bot process during the run
    sim_cpu: float = 0.0  # CPU seconds of this process (server + residents)

    def pct(self, q: float) -> float:
        """Latency percentile in seconds (nan if nothing measured)."""
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q / 100 * len(data)))]

    @property
    def turns_per_s(self) -> float:
        """Completed turns (a resident message fully answered) per second."""
        return self.turns / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """One printable row."""
        return (
            f"{self.name:<9} users={self.users:<4} turns/s={self.turns_per_s:7.1f}  "
            f"replies/s={self.messages / self.seconds if self.seconds else 0:7.1f}  "
            f"p50={self.pct(50) * 1000:7.1f}ms  p95={self.pct(95) * 1000:7.1f}ms  "
            f"p99={self.pct(99) * 1000:7.1f}ms  timeouts={self.timeouts} mismatches={self.mismatches}  "
            f"cpu: bot {self.bot_cpu / self.seconds if self.seconds else 0:.0%} "
            f"server+residents {self.sim_cpu / self.seconds if self.seconds else 0:.0%}"
        )


async def calibrate(server: BotApiServer, rounds: int, quiet: float = 0.4) -> list[int]:
    """How many messages the bot sends per turn: one resident, alone, waiting for silence."""
    chat = FIRST_CHAT - 1
    counts = []
    for r in range(rounds):
        await server.inject_text(chat, CYCLE[r % len(CYCLE)])
        got = await server.wait_messages(chat, 1, timeout=60)
        while True:
            try:
                got += await server.wait_messages(chat, 1, timeout=quiet)
            except TimeoutError:
                break
        counts.append(len(got))
    return counts


async def resident(server: BotApiServer, chat: int, counts: list[int], deadline: float, result: Result) -> None:
    """Send, wait for the whole answer, send the next; until rounds or time run out."""
    await asyncio.sleep(random.random() * 0.5)  # residents don't all start in the same ms
    for r, expected in enumerate(counts):
        if time.perf_counter() > deadline:
            return
        if server.drain(chat):
            result.mismatches += 1  # late extra replies of the previous turn
        t0 = time.perf_counter()
        await server.inject_text(chat, CYCLE[r % len(CYCLE)])
        try:
            got = await server.wait_messages(chat, 1, timeout=30)
        except TimeoutError:
            result.timeouts += 1
            continue
        if expected > 1:
            try:
                got += await server.wait_messages(chat, expected - 1, timeout=5)
            except TimeoutError:
                result.mismatches += 1  # fewer replies than calibrated
        result.turns += 1
        result.messages += len(got)
        result.latencies.append(got[-1].received_at - t0)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process, from /proc; 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


async def measure(
    name: str, users: int, rounds: int, max_seconds: float, concurrency: int, threads: int
) -> tuple[Result, str]:
    """Start a server and a bot process, calibrate, then run `users` residents."""
    async with BotApiServer() as server:
        with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
            status_file = os.path.join(tmp, "status.json")
            # BENCH_PROFILE=dir writes a cProfile of each bot process there (for tuning).
            prof = os.environ.get("BENCH_PROFILE")
            prefix = ["-m", "cProfile", "-o", os.path.join(prof, f"{name}-{users}.prof")] if prof else []
            args = [
                sys.executable,
                *prefix,
                __file__,
                "--serve",
                name,
                "--token",
                server.token,
                "--base-url",
                server.base_url,
            ]
            args += ["--status-file", status_file, "--concurrency", str(concurrency)]
            args += ["--engine-threads", str(threads)]
            proc = subprocess.Popen(args, cwd=ROOT)
            try:
                await server.wait_polling(timeout=300)
                counts = await calibrate(server, rounds)
                engine = json.loads(Path(status_file).read_text()) if name == "product" else {"engine": "echo"}
                result = Result(name, users)
                deadline = time.perf_counter() + max_seconds
                bot_cpu0, sim_cpu0 = _cpu_seconds(proc.pid), time.process_time()
                t0 = time.perf_counter()
                chats = range(FIRST_CHAT, FIRST_CHAT + users)
                await asyncio.gather(*(resident(server, c, counts, deadline, result) for c in chats))
                result.seconds = time.perf_counter() - t0
                result.bot_cpu = _cpu_seconds(proc.pid) - bot_cpu0
                result.sim_cpu = time.process_time() - sim_cpu0
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(proc.wait, 20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            note = engine.get("engine", "?")
            if engine.get("reason"):
                note += f" ({engine['reason']})"
            return result, f"{note}; replies per turn {counts}"


async def main(args: argparse.Namespace) -> None:
    """Run both bots for each user count and print the figures."""
    print(f"bench-bot: {args.rounds} turns per resident, cycle {' / '.join(CYCLE)}; 127.0.0.1 only")
    print(
        f"product: build_application(concurrent_updates={args.concurrency}, pool_size={args.concurrency + 8});"
        " rate limiter OFF (local stand-in: Telegram's limits do not apply)"
    )
    print("baseline: ApplicationBuilder().token().base_url().concurrent_updates(True).build() + echo MessageHandler")
    for users in args.users:
        if args.product_only:
            base = Result("baseline", users)
        else:
            base, _ = await measure(
                "baseline", users, args.rounds, args.max_seconds, args.concurrency, args.engine_threads
            )
            print(base.line(), flush=True)
        prod, note = await measure(
            "product", users, args.rounds, args.max_seconds, args.concurrency, args.engine_threads
        )
        if not note.startswith("product"):
            print(f"WARNING: bot.app.build_bench_engine unavailable, product figures use an ECHO engine: {note}")
        print(prod.line(), flush=True)
        ratio = prod.turns_per_s / base.turns_per_s if base.turns_per_s else float("inf")
        print(f"ratio product/baseline (turns/s) at {users} users: {ratio:.2f}   [{note}]", flush=True)


def parse() -> argparse.Namespace:
    """Command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", type=int, nargs="+", default=[100, 300])
    p.add_argument("--rounds", type=int, default=12, help="turns per resident")
    p.add_argument("--max-seconds", type=float, default=90.0, help="stop a run after this long")
    p.add_argument("--concurrency", type=int, default=32, help="product concurrent_updates")
    p.add_argument("--engine-threads", type=int, default=2, help="product engine worker threads")
    p.add_argument("--product-only", action="store_true", help="skip the baseline (for tuning)")
    # Internal: run one bot process.
    p.add_argument("--serve", choices=["baseline", "product"], help=argparse.SUPPRESS)
    p.add_argument("--token", help=argparse.SUPPRESS)
    p.add_argument("--base-url", help=argparse.SUPPRESS)
    p.add_argument("--status-file", help=argparse.SUPPRESS)
    return p.parse_args()


if __name__ == "__main__":
    ns = parse()
    if ns.serve == "baseline":
        run_baseline(ns.token, ns.base_url)
    elif ns.serve == "product":
        run_product(ns.token, ns.base_url, ns.status_file, ns.concurrency, ns.engine_threads)
    else:
        asyncio.run(main(ns))
