"""Several `cunshe run --port` workers behind the test proxy, with the webhook set (tests, benchmarks)."""

from __future__ import annotations

import asyncio
import socket

from tests.fixtures import run_cunshe
from tests.support.cunshe_proc import RunningBot

HOOK_PATH = "/telegram/hook"
HOOK_SECRET = "hook-secret_13"


def free_ports(n: int) -> list[int]:
    """`n` ports nothing listens on (bound together, then released)."""
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def worker_changes(ports: list[int], hook_url: str) -> dict[str, object]:
    """Config changes for webhook workers (dotted paths, for make_config_file)."""
    return {"telegram.mode": "webhook",
            "telegram.webhook": {"listen": "127.0.0.1", "port": ports[0], "url": hook_url}}


async def listening(bot: RunningBot, timeout: float = 120) -> None:
    """Readiness: wait for the worker's "listening" line (it fails fast if the worker died)."""
    async with asyncio.timeout(timeout):
        while "webhook worker listening" not in bot.log:
            assert bot.proc.returncode is None, bot.log[-3000:]
            await asyncio.sleep(0.1)


async def start_workers(env: dict[str, str], ports: list[int], *, max_connections: int = 40) -> list[RunningBot]:
    """Start one worker per port, wait until all listen, then `cunshe webhook set` once."""
    workers = [await RunningBot.start(env, "--port", str(p)) for p in ports]
    try:
        for w in workers:
            await listening(w)
        hooked = await asyncio.to_thread(
            run_cunshe, ["webhook", "set", "--max-connections", str(max_connections)], env=env)
        assert hooked.code == 0, hooked.err
    except BaseException:
        for w in workers:
            await w.stop()
        raise
    return workers


def migrate(env: dict[str, str]) -> None:
    """`cunshe db upgrade` for the config in env."""
    done = run_cunshe(["db", "upgrade"], env=env)
    assert done.code == 0, done.err
