"""The stand-in's webhook delivery: after setWebhook it POSTs updates to the URL, like Telegram.

As Telegram does: the secret token in the X-Telegram-Bot-Api-Secret-Token header; up to
max_connections deliveries at once across chats, but one chat's updates one at a time, in
order, the next only after the previous one was answered with a 2xx; a failed delivery (an
error status, a dropped connection) is tried again after a pause, and nothing later of that
chat overtakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import aiohttp

from tests.support.botapi_model import JsonDict

if TYPE_CHECKING:
    from tests.support.botapi import BotApiServer

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def chat_of(update: JsonDict) -> int | None:
    """The chat an update belongs to (a message's, or the pressed message's)."""
    for key in ("message", "edited_message", "channel_post"):
        if key in update:
            return int(update[key]["chat"]["id"])
    query = update.get("callback_query")
    if query and "message" in query:
        return int(query["message"]["chat"]["id"])
    return None


class WebhookDelivery:
    """Posts the server's pending updates to its webhook until stopped."""

    def __init__(self, server: BotApiServer, url: str, secret: str | None, max_connections: int = 40,
                 retry_delay: float = 0.2) -> None:
        self.server = server
        self.url = url
        self.secret = secret
        self.max_connections = max_connections
        self.retry_delay = retry_delay
        self.failures = 0  # deliveries answered with an error or dropped (each tried again)
        self.answered: list[int] = []  # update ids answered 2xx, in answer order
        self._busy: set[int | None] = set()  # chats with a delivery under way
        self._inflight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin delivering (in the server's event loop)."""
        self._loop = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop delivering; deliveries under way are cancelled."""
        tasks = [t for t in (self._loop, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.max_connections),
            timeout=aiohttp.ClientTimeout(total=60))
        while not self.server.closing:
            blocked: set[int | None] = set()
            for update in list(self.server.pending_updates()):
                chat = chat_of(update)
                if update["update_id"] in self._inflight or chat in self._busy or chat in blocked:
                    blocked.add(chat)  # a chat's later updates wait for its earlier one
                    continue
                if len(self._inflight) >= self.max_connections:
                    break
                self._busy.add(chat)
                self._inflight.add(update["update_id"])
                task = asyncio.get_running_loop().create_task(self._deliver(update, chat))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            await self.server.wait_change(1.0)

    async def _deliver(self, update: JsonDict, chat: int | None) -> None:
        assert self._session is not None
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        try:
            while True:
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    async with self._session.post(self.url, json=update, headers=headers) as resp:
                        await resp.read()
                        if 200 <= resp.status < 300:
                            break
                self.failures += 1
                await asyncio.sleep(self.retry_delay)
            self.answered.append(update["update_id"])
            self.server.confirm_update(update)
        finally:
            self._busy.discard(chat)
            self._inflight.discard(update["update_id"])
            self.server.wake()
