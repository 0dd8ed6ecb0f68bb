"""The outbox's sent marks: group commits, and a bound on what a kill -9 can send twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class GroupCommit:
    """Marks sent rows in as few commits as keep up: ids that arrive during a commit go in the next.

    So a row is marked sent a few milliseconds after its answer, whatever the rate. And at most
    `window` messages are between "sending" and "marked sent" at any time: a send takes a slot
    that is freed when its mark is committed, so a kill -9 re-sends at most `window` messages
    (the sends in flight and the marks not yet committed), however slow the database is then.
    """

    def __init__(self, mark: Callable[[list[int]], None], window: int) -> None:
        self._mark = mark
        self._ids: list[int] = []
        self._task: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(window)
        self.count = 0

    async def slot(self) -> None:
        """Wait for room in the window before a send."""
        await self._slots.acquire()

    def free(self, n: int = 1) -> None:
        """Give slots back (a send that failed, or marks committed)."""
        for _ in range(n):
            self._slots.release()

    def add(self, message_id: int) -> None:
        """Note a delivered row; a commit starts unless one is under way."""
        self._ids.append(message_id)
        self.count += 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush(), name="outbox-marks")

    async def _flush(self) -> None:
        while self._ids:
            ids, self._ids = self._ids, []
            try:
                await asyncio.to_thread(self._mark, ids)
            except Exception:
                self._ids[:0] = ids  # tried again at close; unmarked rows are sent again later
                log.exception("marking %d outbox rows sent failed", len(ids))
                self.free(len(ids))  # sending goes on: they stay due and may go twice
                return
            self.free(len(ids))

    async def close(self) -> None:
        """Wait for the marks under way and commit what is left (an error is raised)."""
        if self._task is not None:
            await asyncio.shield(self._task)
        if self._ids:
            ids, self._ids = self._ids, []
            await asyncio.to_thread(self._mark, ids)
