"""A watchdog for the event loop: one log line when it is blocked, saying where it was stuck.

Why a thread: a loop that is blocked cannot report on itself. The loop touches a heartbeat
every `tick` seconds; a daemon thread notices when the heartbeat is older than `threshold`
and logs the code locations the loop's thread is executing at that moment (file, line and
function only: never arguments or values, so no personal data reaches the log).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class LoopLagMonitor:
    """Watches one running event loop; `worst` is the longest stall seen (seconds)."""

    threshold: float = 0.1
    tick: float = 0.02
    worst: float = 0.0
    stalls: int = 0
    _beat: float = field(default_factory=time.monotonic)
    _loop_thread: int | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _task: asyncio.Task[None] | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    @property
    def thread_name(self) -> str:
        """The watching thread's name (log records carry it: one monitor's lines are told apart)."""
        return f"loop-lag-watch-{id(self):x}"

    async def start(self) -> None:
        """Start beating on the running loop and watching from a daemon thread."""
        self._loop_thread = threading.get_ident()
        self._loop = asyncio.get_running_loop()
        self._beat = time.monotonic()
        self._task = self._loop.create_task(self._heartbeat(), name="loop-lag")
        threading.Thread(target=self._watch, name=self.thread_name, daemon=True).start()

    async def stop(self) -> None:
        """Stop watching (the thread ends at its next check)."""
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _heartbeat(self) -> None:
        while True:
            now = time.monotonic()
            self.worst = max(self.worst, now - self._beat - self.tick)
            self._beat = now
            await asyncio.sleep(self.tick)

    def _watch(self) -> None:
        reported = False  # one line per stall, however long it lasts
        while not self._stop.wait(self.tick):
            if self._loop is None or not self._loop.is_running():
                return  # its loop is gone (a stop that never said so): nothing left to watch
            stalled = time.monotonic() - self._beat
            if stalled <= self.threshold:
                reported = False
                continue
            if not reported:
                reported = True
                self.stalls += 1
                log.warning("event loop blocked for more than %.0f ms, in: %s",
                            self.threshold * 1000, self.where())

    def where(self) -> str:
        """The innermost frames the loop's thread is executing: file:line function, no values."""
        frame = sys._current_frames().get(self._loop_thread or 0)
        if frame is None:
            return "unknown"
        frames = traceback.extract_stack(frame)[-4:]
        return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))
