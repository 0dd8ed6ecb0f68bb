"""Start-up benchmark (not a timed test): how long each command takes to be ready.

- `cunshe chat` on a terminal (a pty): until its first prompt, then how long the first reply takes;
- `cunshe chat` from a pipe: one message answered, start to exit;
- `cunshe run` with a token: until it polls the local stand-in Bot API server
  (tests/support/botapi.py), then until it answers a first message;
- `cunshe staff list` and `cunshe reports list`: start to exit;
- once, the very first start when the NLU artefact is missing (it is trained and saved).

Each figure is the median of --rounds runs (min and the child's CPU seconds beside it).
Run from the repository root: python tests/benchmarks/bench_start.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import pty
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures import SECRET, make_config_file  # noqa: E402
from tests.support.botapi import BotApiServer  # noqa: E402

PROMPT = "你：".encode()
GREETING = "小助手".encode()


def cunshe() -> list[str]:
    """The installed console script, as `make run` starts it."""
    script = Path(sys.executable).parent / "cunshe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def children_cpu() -> float:
    """User + system CPU seconds of every waited-for child so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_model() -> str:
    """The CPU model name (Linux), else the platform's processor string."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def read_until(fd: int, marker: bytes, seen: bytearray, timeout: float = 120) -> None:
    """Read a pty until marker has appeared in everything read so far."""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError(f"no {marker.decode()!r} in: {seen.decode(errors='replace')[-500:]}")
        seen += os.read(fd, 65536)


def chat_on_a_terminal(env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to the first prompt, seconds for the first reply, CPU seconds) of `cunshe chat`."""
    master, slave = pty.openpty()
    cpu0 = children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen([*cunshe(), "chat", "--user", "4242", "--no-jobs"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT, close_fds=True)
    os.close(slave)
    seen = bytearray()
    try:
        read_until(master, PROMPT, seen)
        prompt = time.perf_counter() - started
        seen.clear()
        typed = time.perf_counter()
        os.write(master, "你好\n".encode())
        read_until(master, GREETING, seen)
        reply = time.perf_counter() - typed
        os.write(master, b"/quit\n")
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return prompt, reply, children_cpu() - cpu0


def timed_run(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command to its exit."""
    cpu0 = children_cpu()
    started = time.perf_counter()
    proc = subprocess.run([*cunshe(), *args], input=stdin, env=env, cwd=ROOT, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"cunshe {' '.join(args)} failed: {proc.stderr[-500:]}")
    return wall, children_cpu() - cpu0


async def run_until_polling(env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds until `cunshe run` polls, seconds to answer a first message, CPU seconds)."""
    async with BotApiServer() as tg:
        full = dict(env, CUNSHE_TELEGRAM_TOKEN=tg.token, CUNSHE_TELEGRAM_BASE_URL=tg.base_url)
        cpu0 = children_cpu()
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(*cunshe(), "run", env=full, cwd=ROOT,
                                                    stdin=asyncio.subprocess.DEVNULL,
                                                    stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.DEVNULL)
        try:
            await tg.wait_polling(timeout=120)
            polling = time.perf_counter() - started
            sent = time.perf_counter()
            await tg.inject_text(4343, "你好")
            await tg.wait_messages(4343, 1, timeout=60)
            answer = time.perf_counter() - sent
        finally:
            proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(proc.wait(), timeout=60)
        return polling, answer, children_cpu() - cpu0


def summary(label: str, runs: list[tuple[float, ...]], names: tuple[str, ...]) -> None:
    """One line per figure: median, min; CPU of the whole command last."""
    cols = list(zip(*runs, strict=True))
    parts = []
    for name, col in zip(names, cols[:-1], strict=True):
        parts.append(f"{name} {statistics.median(col):.2f} s (min {min(col):.2f})")
    parts.append(f"CPU {statistics.median(cols[-1]):.2f} s")
    print(f"{label:<34} " + ", ".join(parts))


def repeat(rounds: int, fn: Callable[[], tuple[float, ...]]) -> list[tuple[float, ...]]:
    """Run fn `rounds` times."""
    return [fn() for _ in range(rounds)]


def main() -> int:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f} at start "
          "(wall figures include contention)")
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        folder = Path(tmp)
        config = make_config_file(folder, f"sqlite:///{folder / 'db' / 'cunshe.db'}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CUNSHE_")}
        env.update(CUNSHE_CONFIG=str(config), CUNSHE_SECRET_KEY=SECRET)
        timed_run(["db", "upgrade"], env)
        timed_run(["nlu", "build"], env)  # what `make setup` does
        summary("cunshe chat (terminal)", repeat(args.rounds, lambda: chat_on_a_terminal(env)),
                ("first prompt", "first reply"))
        summary("cunshe chat (pipe, one message)",
                repeat(args.rounds, lambda: timed_run(["chat", "--no-jobs"], env, "你好\n")), ("start to exit",))
        summary("cunshe run (Telegram stand-in)",
                repeat(args.rounds, lambda: asyncio.run(run_until_polling(env))), ("polling", "first answer"))
        for command in (["staff", "list"], ["reports", "list"]):
            summary(f"cunshe {' '.join(command)}", repeat(args.rounds, lambda c=command: timed_run(c, env)),
                    ("start to exit",))
        cold = dict(env, CUNSHE_NLU_CACHE=str(folder / "empty-nlu-cache"))
        summary("cunshe chat, no NLU artefact yet", [chat_on_a_terminal(cold)], ("first prompt", "first reply"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
