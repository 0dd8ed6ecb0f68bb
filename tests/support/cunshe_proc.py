"""`cunshe run` as a real process against the local Bot API stand-in (tests and benchmarks)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.support.botapi import BotApiServer
from tests.support.botapi_model import JsonDict

# What a clean run never prints: asyncio's complaints about tasks and sessions left behind,
# PTB's, and tracebacks.
UNCLEAN = ("Traceback", "Warning: ", "Task was destroyed", "Task exception was never retrieved", "Unclosed",
           "never awaited", " ERROR ", " CRITICAL ")


def cunshe_env(config: Path, secret: str, **extra: str) -> dict[str, str]:
    """The environment of a `cunshe` process: this config and key, no CUNSHE_* from the shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUNSHE_")}
    env.update(CUNSHE_CONFIG=str(config), CUNSHE_SECRET_KEY=secret, **extra)
    return env


def cunshe_command() -> list[str]:
    """The installed console script, or `python -m bot.cli` without one."""
    script = Path(sys.executable).parent / "cunshe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


class RunningBot:
    """A `cunshe run` process; its output (stdout and stderr) is collected line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], *args: str) -> RunningBot:
        """Start `cunshe run` (with extra args) in `env`."""
        proc = await asyncio.create_subprocess_exec(
            *cunshe_command(), "run", *args, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.lines.append(line.decode(errors="replace"))

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send the signal and wait for the exit code (and the last line of output)."""
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        await asyncio.wait_for(self._reader, timeout)
        return code

    @property
    def log(self) -> str:
        """Everything printed so far."""
        return "".join(self.lines)

    def unclean(self) -> list[str]:
        """Lines a clean run never prints."""
        return [x for x in self.lines if any(u in x for u in UNCLEAN)]


class TrackingBotApi(BotApiServer):
    """The stand-in, also noting which updates the bot confirmed it fetched (getUpdates offset)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.confirmed_below = 0  # every update with a smaller id reached the bot
        self.injected: list[JsonDict] = []

    def take_updates(self, offset: int, limit: int) -> list[JsonDict]:
        """Confirm updates below offset (noted) and return up to limit of the rest."""
        self.confirmed_below = max(self.confirmed_below, offset)
        return super().take_updates(offset, limit)

    def _push_update(self, update: JsonDict) -> JsonDict:
        self.injected.append(update)
        return super()._push_update(update)

    def reached_the_bot(self) -> list[JsonDict]:
        """Updates the bot fetched and confirmed (so it must have handled them)."""
        return [u for u in self.injected if u["update_id"] < self.confirmed_below]
