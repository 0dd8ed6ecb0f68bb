"""Several workers' limiters share one budget: together they keep the rate, answers never wait.

The shared bucket here is an in-memory stand-in for the database row (storage/ratebudget.py
on PostgreSQL); each limiter is one worker's. Time is the test's clock.
"""

from __future__ import annotations

import asyncio
import threading

from bot.channels.ratelimit import PriorityRateLimiter
from domain.ports import ANSWER, BULK
from tests.unit.test_ratelimit import Calls, Clock


class Bucket:
    """The deployment's bucket: `rate` a second on the test clock, at most `capacity` saved."""

    def __init__(self, clock: Clock, rate: float, capacity: float, floor: float) -> None:
        self.clock, self.rate, self.capacity, self.floor = clock, rate, capacity, floor
        self.tokens, self.at = capacity, clock()
        self.lock = threading.Lock()

    def exchange(self, want: float, debt: float) -> tuple[float, float]:
        with self.lock:
            now = self.clock()
            level = min(self.capacity, self.tokens + self.rate * (now - self.at)) - debt
            granted = min(want, float(max(0, int(level))))
            self.tokens, self.at = max(self.floor, level - granted), now
            return granted, self.tokens


async def settle(*workers: Calls) -> None:
    """Let fetches (in threads) and what they let through finish."""
    for _ in range(20):
        await asyncio.sleep(0.01)
        for w in workers:
            await w.settle()


async def test_three_workers_together_send_no_more_than_the_shared_rate() -> None:
    clock = Clock()
    bucket = Bucket(clock, rate=20, capacity=4, floor=-200)
    workers = [Calls(PriorityRateLimiter(20, clock=clock, shared=bucket.exchange), clock)
               for _ in range(3)]
    for n, w in enumerate(workers):
        for chat in range(100):
            w.start(1000 * n + chat, BULK)
    await settle(*workers)
    for _ in range(20):  # one second of the test clock
        clock.now += 0.05
        for w in workers:
            w.limiter.pump()
        await settle(*workers)
    sent = sum(len(w.made) for w in workers)
    # What the bucket held at the start and a second at the rate: not three workers' worth.
    assert 20 <= sent <= 4 + 20
    assert all(w.made for w in workers)  # each worker got a part of it
    for w in workers:
        await w.close()


async def test_an_answer_goes_at_once_with_the_budget_spent_and_others_pay_for_it() -> None:
    clock = Clock()
    bucket = Bucket(clock, rate=10, capacity=2, floor=-100)
    one = Calls(PriorityRateLimiter(10, clock=clock, shared=bucket.exchange), clock)
    other = Calls(PriorityRateLimiter(10, clock=clock, shared=bucket.exchange), clock)
    for chat in range(5):
        other.start(chat, BULK)
    await settle(one, other)
    assert len(other.made) == 2  # the saved-up budget; the rest wait
    for chat in range(10, 15):
        one.start(chat, ANSWER)
    await settle(one, other)
    assert len(one.made) == 5  # answers are never held by the spent budget
    assert bucket.tokens <= -5 + 0.01  # their debt is in the shared bucket
    clock.now += 0.4  # four tokens' worth: all of it pays the answers' debt back
    other.limiter.pump()
    await settle(one, other)
    assert len(other.made) == 2
    for w in (one, other):
        await w.close()
