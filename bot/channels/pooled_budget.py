"""This worker's part of a deployment-wide send budget, for the priority rate limiter.

Several `cunshe run` workers share one Telegram bot, so `telegram.rate_limit_per_second`
must hold for all of them together. The budget itself is a token bucket in the database
(storage/ratebudget.py); here a worker holds a few of its tokens at a time (FETCH_SECONDS of
the budget), fetched in a thread when notices or pushes wait for them. Answers never wait
for a fetch: they take a token or go into debt, and the debt is paid into the shared bucket
at once, so every worker's notices and pushes slow down while residents are busy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# Tokens fetched at a time, in seconds of the budget (at 1,000/s: 50 per fetch).
FETCH_SECONDS = 0.05
# A fetch that got nothing is tried again after at most this (when the bucket refills).
MAX_RETRY = 0.5

Exchange = Callable[[float, float], tuple[float, float]]


class PooledBudget:
    """The limiter's global budget (`ready_at`, `take`) backed by a shared bucket."""

    def __init__(self, exchange: Exchange, rate: float, *, clock: Callable[[], float],
                 on_change: Callable[[], None]) -> None:
        self.exchange = exchange
        self.rate = rate
        self.batch = max(1.0, rate * FETCH_SECONDS)
        self.tokens = 0.0  # held by this worker; below 0 when answers borrowed
        self._clock = clock
        self._on_change = on_change
        self._fetching: asyncio.Task[None] | None = None
        self._retry_at = 0.0
        self._wanted = False

    def ready_at(self, now: float, need: float = 1.0) -> float:
        """Now when a token is held; else a fetch starts and the limiter is pumped when it ends."""
        if self.tokens >= need:
            return now
        self._wanted = True
        if self._fetching is None and now >= self._retry_at:
            self._fetch()
        return float("inf") if self._fetching is not None else self._retry_at

    def take(self, now: float, floor: float = 0.0) -> None:
        """Use a token; an answer may borrow (its debt is reported to the shared bucket now)."""
        self.tokens = max(floor, self.tokens - 1)
        if self.tokens < 0 and self._fetching is None:
            self._fetch()

    def _fetch(self) -> None:
        self._fetching = asyncio.get_running_loop().create_task(self._run(), name="rate-budget")

    async def _run(self) -> None:
        want = self.batch if self._wanted else 0.0
        self._wanted = False
        debt = max(0.0, -self.tokens)
        try:
            granted, level = await asyncio.to_thread(self.exchange, want, debt)
        except Exception:
            # The database is away: this worker goes on alone at the full rate meanwhile.
            log.warning("shared send budget unavailable; this worker keeps the rate on its own")
            await asyncio.sleep(want / self.rate)
            granted, level = want, 0.0
        self.tokens += debt + granted
        if want and granted < 1:  # the bucket is empty (or in debt): when it has a token again
            self._retry_at = self._clock() + min(MAX_RETRY, max(0.01, (1 - level) / self.rate))
        self._fetching = None
        if self.tokens < 0:  # answers borrowed while this fetch was under way
            self._fetch()
        self._on_change()
