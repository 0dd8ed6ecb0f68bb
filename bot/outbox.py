"""The durable outbox: replies as stored payloads, and the dispatcher that delivers them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.events import Button, ChatUnreachable, Document, Location, Reply, Sender
from domain.ports import OutboxMessage, UnitOfWork

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def to_payload(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-ready data (documents are not copied into the outbox: see `seal_pdf`)."""
    return {
        "text": reply.text,
        "buttons": [[[b.text, b.data] for b in row] for row in reply.buttons],
        "request": reply.request,
        "photos": list(reply.photos),
        # a map pin (a warning's nearest shelter) travels with its text
        **({"location": [reply.location.latitude, reply.location.longitude, reply.location.title]}
           if reply.location is not None else {}),
        **({"edit_message_id": reply.edit_message_id} if reply.edit_message_id else {}),
    }


def from_payload(payload: dict[str, Any]) -> Reply:
    """The reply back from stored data."""
    rows = tuple(tuple(Button(t, d) for t, d in row) for row in payload.get("buttons") or [])
    pin = payload.get("location")
    return Reply(text=payload.get("text", ""), buttons=rows, request=payload.get("request"),
                 photos=tuple(payload.get("photos") or ()),
                 location=Location(float(pin[0]), float(pin[1]), str(pin[2])) if pin else None,
                 edit_message_id=payload.get("edit_message_id"))


def enqueue(uow: UnitOfWork, chat_id: int, reply: Reply, key: str, now: datetime,
            priority: int = 1, push_id: int | None = None) -> None:
    """Queue a reply for a chat inside the current transaction (`push_id`: one push recipient).

    `priority` (0 answer, 1 notice, 2 bulk push) is stored by ws-send's outbox column.
    """
    del priority  # until the outbox has its priority column (merged from ws-send)
    uow.outbox.add(OutboxMessage(chat_id=chat_id, payload=to_payload(reply), key=key,
                                 created_at=now, not_before=now, push_id=push_id))


# Sent rows marked per transaction: fewer commits, and at most this many re-sent after a crash.
SENT_BATCH = 20


def backoff(attempts: int) -> timedelta:
    """Wait longer after each failure: 5 s, 10 s, 20 s … capped at 10 minutes."""
    return timedelta(seconds=min(600, 5 * 2 ** max(0, attempts)))


class Dispatcher:
    """Delivers due outbox messages through a channel; a crash resumes with what is unsent."""

    def __init__(self, app: App, sender: Sender, *, accepts: Callable[[int], bool] | None = None,
                 interval: float = 0.5, clock: Callable[[], datetime] | None = None,
                 max_attempts: int | None = None) -> None:
        self.app = app
        self.max_attempts = max_attempts or app.config.outbox.max_attempts
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sender = sender
        self.accepts = accepts or (lambda _chat: True)
        self.interval = interval
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Deliver now rather than at the next tick (called after a turn queued something)."""
        self._wake.set()

    async def deliver_due(self) -> int:
        """Send every due message once; returns how many were sent.

        The database work runs in a worker thread, never on the event loop: while an engine
        thread holds SQLite's write lock, a commit on the loop would stall every chat's replies
        and every button's answer. Sent rows are marked in one transaction per batch (flushed
        every SENT_BATCH messages, so a crash re-sends at most that many).
        """
        due = await asyncio.to_thread(self._due, self.clock())
        sent: list[int] = []
        blocked: set[int] = set()
        for msg in due:
            assert msg.id is not None
            if msg.chat_id in blocked:
                continue  # held with the rest of the chat's messages
            try:
                await self.sender.send(msg.chat_id, self._with_document(msg.payload))
            except ChatUnreachable as exc:
                blocked.add(msg.chat_id)
                log.warning("outbox %s: chat %s blocked the bot; its messages are held",
                            msg.id, msg.chat_id)
                await asyncio.to_thread(self._block, msg.chat_id, f"blocked: {exc}")
                continue
            except Exception as exc:
                await asyncio.to_thread(self._failed, msg, exc)
                continue
            sent.append(msg.id)
            if len(sent) % SENT_BATCH == 0:
                await asyncio.to_thread(self._mark_sent, sent[-SENT_BATCH:])
        if rest := sent[len(sent) - len(sent) % SENT_BATCH:]:
            await asyncio.to_thread(self._mark_sent, rest)
        return len(sent)

    def _due(self, now: datetime) -> list[OutboxMessage]:
        with self.app.uow() as uow:
            return [m for m in uow.outbox.due(now, limit=100) if self.accepts(m.chat_id)]

    def _mark_sent(self, ids: list[int]) -> None:
        at = self.clock()
        with self.app.uow() as uow:
            for message_id in ids:
                uow.outbox.sent(message_id, at)
            uow.commit()

    def _block(self, chat_id: int, reason: str) -> None:
        with self.app.uow() as uow:
            uow.outbox.block_chat(chat_id, reason, self.clock())
            uow.commit()

    def _with_document(self, payload: dict[str, Any]) -> Reply:
        """The reply, with the signed certificate loaded (it is kept encrypted, not in the outbox)."""
        reply = from_payload(payload)
        if (poll := payload.get("poll_chart")) is not None:  # drawn when sent, from the closed count
            from bot.polls import chart_image

            return replace(reply, image=chart_image(self.app, int(poll)))
        number = payload.get("seal_pdf")
        if not number:
            return reply
        with self.app.uow() as uow:
            pdf = uow.seals.pdf(str(number))
        if pdf is None:
            raise LookupError(f"certificate {number} is missing")
        return replace(reply, document=Document(f"{number}.pdf", pdf))

    def _failed(self, msg: OutboxMessage, exc: Exception) -> None:
        """Count a failed try; after max_attempts the message is kept as failed for staff."""
        assert msg.id is not None
        # The error's type and Telegram's reason only: an exception may quote what was sent.
        error = f"{type(exc).__name__}: {getattr(exc, 'message', '') or ''}".rstrip(": ")
        give_up = msg.attempts + 1 >= self.max_attempts
        log.warning("outbox %s to chat %s failed (try %d of %d): %s", msg.id, msg.chat_id,
                    msg.attempts + 1, self.max_attempts, error)
        with self.app.uow() as uow:
            uow.outbox.failed(msg.id, error, None if give_up else self.clock() + backoff(msg.attempts))
            uow.commit()

    def stop(self) -> None:
        """Ask `run` to end after one more round (what was queued until now is sent first)."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Deliver every `interval` seconds or when woken, until `stop` (then one last round)."""
        while True:
            # Read before the round: a stop asked during a round still gets a round of its own,
            # so what the last turns queued after this round's read is not left behind.
            last = self._stopping
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox delivery round failed")
            if last:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
