"""Update processor: bounded concurrency across chats, strict order within one chat."""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to, or None for chat-less updates."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most N updates in flight; updates of one chat run one at a time, in arrival order.

    A per-chat lock held while waiting would let one chatty chat occupy all N slots.
    Instead the first update of a busy chat becomes that chat's worker and drains a
    FIFO queue; later updates of the same chat only enqueue and return at once, freeing
    their slot. Arrival order is kept because PTB starts one task per update in fetch
    order, the base class's semaphore wakes waiters first-in-first-out, and the
    check-and-enqueue below runs without yielding to the event loop.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, deque[Awaitable[Any]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update now, or queue it behind the running update of its chat."""
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(coroutine)
            return
        queue = deque([coroutine])
        self._queues[key] = queue
        try:
            while queue:
                try:
                    await queue.popleft()
                except Exception:  # PTB routes handler errors itself; this is a last guard
                    log.exception("update of chat %s failed", key)
        finally:
            del self._queues[key]
            for left in queue:  # only on cancellation (shutdown): avoid never-awaited warnings
                if inspect.iscoroutine(left):
                    left.close()

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free: Application.stop() already waited for the workers."""
