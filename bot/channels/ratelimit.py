"""The bot's own Bot API rate limiter: one global budget, served by priority, spaced per chat.

Why not PTB's AIORateLimiter: it serves waiting requests first come, first served, so an
answer to a resident queued behind staff cards and bulk pushes, and a button's edit waited
behind its own chat's queued sends (`make bench-hostile`, previous round). Here every waiting
request carries a priority (`rate_limit_args={"priority": p}`; 0 answers, 1 personal notices,
2 bulk) and the highest waits least; answerCallbackQuery and requests without a chat pass
straight through. Telegram's guidance, kept: about 30 messages a second overall (more with
paid broadcasts), about one a second per chat (answers may burst a little), 20 a minute per
group; a 429 pauses every send for its retry_after, then the request is tried again.

Answers are never held by the global budget, only counted in it: a resident who just wrote
is not a bulk notification, and at 30 residents' messages a second a 30/s budget is full with
answers alone (`make bench-hostile`: every turn needs at least one message), so holding them
would queue every answer behind the others. What they use is borrowed from the next seconds
(at most DEBT_SECONDS' worth), so notices and pushes slow down while residents are busy and
the total over any longer stretch stays within the budget plus the residents' own demand.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.channels.pooled_budget import Exchange, PooledBudget
from domain.ports import ANSWER, BULK, NOTICE

log = logging.getLogger(__name__)

PRIORITIES = (ANSWER, NOTICE, BULK)
# Never waits: a pressed button's spinner must stop within a second.
UNTHROTTLED = frozenset({"answerCallbackQuery", "getUpdates"})
CHAT_SPACING = 1.0  # seconds between two messages to one chat (notices and bulk)
ANSWER_BURST = 3  # an answer of up to this many messages goes out at once
GROUP_PER_MINUTE = 20
# The global bucket holds this much of a second's budget: short bursts pass, a long stream
# is held to the rate (a server counting per second sees no more than the rate plus this).
BURST_SECONDS = 0.2
# Answers beyond the budget are borrowed from the next seconds, at most this many seconds'
# worth: after a rush, notices and pushes wait at most this long for the budget to recover.
DEBT_SECONDS = 10.0
MAX_CHATS = 10_000  # chat states kept before the idle ones are dropped
IDLE_FORGET = ANSWER_BURST * CHAT_SPACING  # by then a chat's burst bucket is full again


class _Budget(Protocol):
    def ready_at(self, now: float, need: float = 1.0) -> float: ...
    def take(self, now: float, floor: float = 0.0) -> None: ...


@dataclass
class _Bucket:
    """A token bucket: `capacity` tokens, refilled at `rate` a second."""

    rate: float
    capacity: float
    tokens: float | None = None  # full at first use; below 0 when answers borrowed
    at: float = 0.0

    def level(self, now: float) -> float:
        if self.tokens is None:
            self.tokens, self.at = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return self.tokens

    def take(self, now: float, floor: float = 0.0) -> None:
        """Use a token (answers may go below zero, down to `floor`)."""
        self.tokens = max(floor, self.level(now) - 1)

    def ready_at(self, now: float, need: float = 1.0) -> float:
        """When `need` tokens will be there (now if they are)."""
        level = self.level(now)
        return now if level >= need else now + (need - level) / self.rate


class _Window:
    """At most `limit` grants in any `period` seconds (Telegram: 20 a minute per group)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.times: deque[float] = deque(maxlen=limit)

    def ready_at(self, now: float) -> float:
        return now if len(self.times) < self.limit else max(now, self.times[0] + self.period)

    def take(self, now: float) -> None:
        self.times.append(now)

    def idle(self, now: float) -> bool:
        return not self.times or self.times[-1] + self.period <= now


@dataclass
class _Chat:
    """One chat's sending state: its burst bucket and when it last got a message."""

    bucket: _Bucket
    last: float = float("-inf")
    group: _Window | None = None


@dataclass(eq=False)
class _Waiter:
    chat_id: int | None
    priority: int
    future: asyncio.Future[None] = field(repr=False)


class PriorityRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Throttles Bot API requests to `rate` a second, highest priority (lowest number) first.

    `shared`: the deployment's bucket (several workers), else this process's own.
    """

    def __init__(self, rate: float = 30.0, *, max_retries: int = 5, paid_broadcast: bool = False,
                 clock: Callable[[], float] = time.monotonic, shared: Exchange | None = None) -> None:
        self.rate = rate
        self.max_retries = max_retries
        self.paid_broadcast = paid_broadcast
        self._clock = clock
        self._global: _Budget | None = None
        if rate and shared is not None:
            self._global = PooledBudget(shared, rate, clock=clock, on_change=self.pump)
        elif rate:
            self._global = _Bucket(rate, max(1.0, rate * BURST_SECONDS))
        self._queues: dict[int, deque[_Waiter]] = {p: deque() for p in PRIORITIES}
        self._chats: dict[int, _Chat] = {}
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.retries = 0  # 429s retried (for tests and benchmarks)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Release anyone still waiting (the bot is closing; their sends fail as cancelled)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for queue in self._queues.values():
            while queue:
                queue.popleft().future.cancel()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for this request's turn, send it, and try again after a 429's retry_after."""
        priority = _priority(rate_limit_args)
        chat_id = _chat(data)
        if endpoint in UNTHROTTLED:  # a late callback answer is useless: never held
            return await callback(*args, **kwargs)
        throttled = self.rate > 0 and chat_id is not None
        if self.paid_broadcast and priority == BULK and endpoint.lower().startswith("send"):
            # Only bulk needs more than the free ~30/s; Telegram charges Stars for these.
            data["allow_paid_broadcast"] = True
        for attempt in range(self.max_retries + 1):
            if throttled:
                assert chat_id is not None
                await self._turn(chat_id, priority)
            else:
                await self._unpaused()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    raise
                self.retries += 1
                # The timedelta PTB keeps (its own limiter reads it too): the public attribute
                # warns that its type will change.
                wait = exc._retry_after.total_seconds()
                log.warning("Telegram asked to wait %.0f s (429); all sends pause", wait)
                self._paused_until = max(self._paused_until, self._clock() + wait)
                self.pump()
        raise AssertionError("unreachable")

    async def _unpaused(self) -> None:
        while (left := self._paused_until - self._clock()) > 0:
            await asyncio.sleep(left)

    async def _turn(self, chat_id: int, priority: int) -> None:
        """Wait until this chat may be sent to and no more urgent request is waiting."""
        waiter = _Waiter(chat_id, priority, asyncio.get_running_loop().create_future())
        self._queues[priority].append(waiter)
        self.pump()
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter in self._queues[priority]:
                self._queues[priority].remove(waiter)
            raise

    def _state(self, chat_id: int) -> _Chat:
        state = self._chats.get(chat_id)
        if state is None:
            group = _Window(GROUP_PER_MINUTE, 60.0) if chat_id < 0 else None
            state = self._chats[chat_id] = _Chat(_Bucket(1 / CHAT_SPACING, ANSWER_BURST), group=group)
        return state

    def _ready_at(self, waiter: _Waiter, now: float) -> float:
        """When this waiter's chat allows it a message."""
        assert waiter.chat_id is not None
        chat = self._state(waiter.chat_id)
        at = chat.bucket.ready_at(now)
        if waiter.priority != ANSWER:
            at = max(at, chat.last + CHAT_SPACING)
        if chat.group is not None:
            at = max(at, chat.group.ready_at(now))
        return at

    def pump(self) -> None:
        """Let through every waiter whose turn it is; set a timer for the next one."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = self._clock()
        wake = float("inf")
        assert self._global is not None
        while True:
            if now < self._paused_until:
                wake = self._paused_until
                break
            # Answers are not held by the budget (they only use it up); the rest wait for it
            # (asked only when they wait: a shared budget is fetched when asked).
            others = bool(self._queues[NOTICE] or self._queues[BULK])
            budget_at = self._global.ready_at(now) if others else float("inf")
            waiter, chat_wake = self._next(now, PRIORITIES if budget_at <= now else (ANSWER,))
            wake = min(wake, chat_wake)
            if waiter is None:
                if budget_at > now and others:
                    wake = min(wake, budget_at)
                break
            self._grant(waiter, now)
        if wake != float("inf"):
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(loop.time() + max(0.0, wake - now), self.pump)

    def _next(self, now: float, priorities: tuple[int, ...]) -> tuple[_Waiter | None, float]:
        """The most urgent waiter whose chat may be sent to now, and else when one may be."""
        wake = float("inf")
        for priority in priorities:
            queue = self._queues[priority]
            # Chats seen here already had an older waiter held back: keep each chat in order.
            held: set[int] = set()
            for waiter in queue:
                assert waiter.chat_id is not None
                if waiter.future.done() or waiter.chat_id in held:
                    continue
                at = self._ready_at(waiter, now)
                if at <= now:
                    queue.remove(waiter)
                    return waiter, wake
                held.add(waiter.chat_id)
                wake = min(wake, at)
        return None, wake

    def _grant(self, waiter: _Waiter, now: float) -> None:
        assert self._global is not None and waiter.chat_id is not None
        if len(self._chats) > MAX_CHATS:
            self._forget_idle(now)
        self._global.take(now, floor=-self.rate * DEBT_SECONDS)
        chat = self._state(waiter.chat_id)
        chat.bucket.take(now)
        chat.last = now
        if chat.group is not None:
            chat.group.take(now)
        if not waiter.future.done():
            waiter.future.set_result(None)

    def _forget_idle(self, now: float) -> None:
        """Drop chats whose limits have fully recovered (a broadcast touches every chat once)."""
        idle = [c for c, s in self._chats.items()
                if now - s.last > IDLE_FORGET and (s.group is None or s.group.idle(now))]
        for chat_id in idle:
            del self._chats[chat_id]


def _priority(args: dict[str, Any] | None) -> int:
    value = (args or {}).get("priority", NOTICE)
    return value if value in PRIORITIES else NOTICE


def _chat(data: dict[str, Any]) -> int | None:
    """The chat a request goes to (channel usernames count as groups), or None."""
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return -abs(hash(chat_id)) or -1  # "@channel": a group-like chat
