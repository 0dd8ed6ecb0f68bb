"""Bursts: plain texts one chat sends close together are handled as one message.

Elderly residents send a report as ten short lines. Each line alone says too little (a place,
half a sentence), so a chat's texts are held until it has been quiet for a short gap and then
handled as one turn, joined in order. Anything else from that chat (a button, a contact, a
photo, a command) first lets the held text through, so the order of what was said is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.events import Inbound

log = logging.getLogger(__name__)

Handler = Callable[[Inbound], Awaitable[None]]
# A chat that never pauses still gets answers: at most this many lines are held.
MAX_PARTS = 30


@dataclass
class _Held:
    parts: list[Inbound]
    timer: asyncio.Task[None] | None = None


@dataclass
class _Gate:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class Bursts:
    """Holds each chat's plain texts until a quiet gap, then hands them on as one Inbound."""

    def __init__(self, gap: float, handle: Handler) -> None:
        self.gap = gap
        self.handle = handle
        self._held: dict[int, _Held] = {}
        self._gates: dict[int, _Gate] = {}
        self._timers: set[asyncio.Task[None]] = set()  # kept until done: a stop awaits them

    @property
    def enabled(self) -> bool:
        """A gap of 0 turns bursts off: every text is its own turn."""
        return self.gap > 0

    def holding(self, chat_id: int) -> int:
        """How many of the chat's lines are held, waiting for the gap."""
        held = self._held.get(chat_id)
        return len(held.parts) if held else 0

    async def add(self, event: Inbound) -> None:
        """Hold a plain text; it is handled once the chat is quiet for `gap` seconds."""
        held = self._held.get(event.chat_id)
        if held is not None and held.parts[0].user_id != event.user_id:
            await self.flush(event.chat_id)  # in a group, one person's lines are not another's
            held = None
        if held is None:
            held = self._held[event.chat_id] = _Held([])
        held.parts.append(event)
        if held.timer is not None:
            held.timer.cancel()
        if len(held.parts) >= MAX_PARTS:
            await self.flush(event.chat_id)
            return
        held.timer = asyncio.get_running_loop().create_task(self._after_gap(event.chat_id, held))
        self._timers.add(held.timer)
        held.timer.add_done_callback(self._timers.discard)

    async def flush(self, chat_id: int) -> None:
        """Handle the chat's held text now (and wait for one being handled) to keep order."""
        async with self._gate(chat_id):
            held = self._held.pop(chat_id, None)
            if held is None:
                return
            if held.timer is not None and held.timer is not asyncio.current_task():
                held.timer.cancel()
            await self._handle(held)

    async def flush_all(self) -> None:
        """Handle everything still held, and wait for the turns already under way (at a stop).

        A gap that just ended has taken its texts out of `_held` and is in the engine: it is
        awaited too, so the stop neither drops its answer nor leaves a task pending.
        """
        # All chats at once, as they would have been answered (each chat's order is its gate's).
        await asyncio.gather(*(self.flush(chat_id) for chat_id in list(self._held)))
        while self._timers:
            await asyncio.gather(*self._timers, return_exceptions=True)

    async def _after_gap(self, chat_id: int, held: _Held) -> None:
        await asyncio.sleep(self.gap)
        if self._held.get(chat_id) is held:
            await self.flush(chat_id)

    async def _handle(self, held: _Held) -> None:
        first = held.parts[0]
        text = "\n".join(p.text for p in held.parts)
        try:
            await self.handle(replace(first, text=text))
        except Exception:  # one chat's failure must not stop the others' timers
            log.exception("burst of chat %s failed", first.chat_id)

    @contextlib.asynccontextmanager
    async def _gate(self, chat_id: int) -> AsyncIterator[None]:
        """One handling at a time per chat; the lock lives only while someone uses it."""
        gate = self._gates.setdefault(chat_id, _Gate())
        gate.users += 1
        try:
            async with gate.lock:
                yield
        finally:
            gate.users -= 1
            if gate.users == 0:
                del self._gates[chat_id]
