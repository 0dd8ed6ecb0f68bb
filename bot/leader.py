"""Scheduled jobs in one worker only: the one holding the scheduler's advisory lock leads.

Every `cunshe run` worker runs the outbox dispatcher, but the APScheduler jobs (SLA checks,
digests, cron pushes, push progress) must fire once per deployment: a job store shared by
several running schedulers would run each job in each of them. So a worker starts its
scheduler only while it holds the PostgreSQL advisory lock (storage/locks.py Leadership);
when that worker dies its connection and its lock go with it, and another worker, checking
every `interval` seconds, takes over. On SQLite the one process always leads.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from storage.locks import LeaderElection, Leadership

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

# Seconds between leadership checks: a dead leader's jobs resume elsewhere within about this.
CHECK_SECONDS = 2.0


class LeadingScheduler:
    """Starts the scheduled jobs when this worker is elected and stops them when it is not."""

    def __init__(self, app: App, interval: float = CHECK_SECONDS) -> None:
        self.app = app
        self.scheduler: Any = None
        self.election = LeaderElection(Leadership(app.engine), lambda: self._switch(True),
                                       lambda: self._switch(False), interval=interval)
        self._change: asyncio.Task[None] | None = None

    def _switch(self, lead: bool) -> None:
        # Changes run one after another (a start still under way finishes before a stop).
        self._change = asyncio.create_task(self._apply(self._change, lead), name="scheduler-switch")

    async def _apply(self, before: asyncio.Task[None] | None, lead: bool) -> None:
        if before is not None:
            await asyncio.gather(before, return_exceptions=True)
        if lead and self.scheduler is None:
            from apscheduler.schedulers.background import BackgroundScheduler

            from bot.jobs import start_scheduler

            # Its own thread, not the event loop: the job store is our database.
            self.scheduler = await asyncio.to_thread(start_scheduler, self.app, BackgroundScheduler())
        elif not lead and self.scheduler is not None:
            scheduler, self.scheduler = self.scheduler, None
            scheduler.shutdown(wait=False)  # no new jobs; one under way finishes in its thread

    async def run(self) -> None:
        """Take part in the election until `stop`; the jobs stop and the lock is given up."""
        try:
            await self.election.run()
        finally:
            if self._change is not None:
                await asyncio.gather(self._change, return_exceptions=True)

    def stop(self) -> None:
        """End `run` (another worker takes over at its next check)."""
        self.election.stop()
