"""The durable outbox: replies as stored payloads, and the dispatcher that delivers them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.events import Button, ChatUnreachable, Document, Location, Reply, Sender
from bot.outbox_marks import GroupCommit
from domain.ports import ANSWER, BULK, NOTICE, OutboxMessage, UnitOfWork
from storage.locks import WORKERS, Leadership

__all__ = ["ANSWER", "BULK", "NOTICE", "Dispatcher", "enqueue", "from_payload", "to_payload"]

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


def message(chat_id: int, reply: Reply, key: str, now: datetime, priority: int = NOTICE,
            push_id: int | None = None) -> OutboxMessage:
    """The outbox message of a reply for a chat (ANSWER, NOTICE or BULK; `push_id`: the push
    it is one recipient of)."""
    return OutboxMessage(chat_id=chat_id, payload=to_payload(reply), key=key, created_at=now,
                         not_before=now, priority=priority, push_id=push_id)


def enqueue(uow: UnitOfWork, chat_id: int, reply: Reply, key: str, now: datetime,
            priority: int = NOTICE, push_id: int | None = None) -> None:
    """Queue a reply for a chat inside the current transaction (see `message`)."""
    uow.outbox.add(message(chat_id, reply, key, now, priority, push_id))


# Seconds the last round at a stop may take (a clean stop must not wait on a group's limit).
STOP_GRACE = 5.0


def backoff(attempts: int) -> timedelta:
    """Wait longer after each failure: 5 s, 10 s, 20 s … capped at 10 minutes."""
    return timedelta(seconds=min(600, 5 * 2 ** max(0, attempts)))


def round_size(rate: float) -> int:
    """Rows read per round: about a second's sending, so a new notice waits at most that long."""
    return 1000 if rate <= 0 else max(50, min(1000, int(rate)))


def worker_name(key: int) -> str:
    """A worker's name in outbox claims: the key of its session lock, host and pid."""
    return f"{key}:{socket.gethostname()[:40]}:{os.getpid()}"


class Dispatcher:
    """Delivers due outbox messages through a channel; a crash resumes with what is unsent.

    A round claims the due rows (most urgent first, then oldest), sends to up to `concurrency`
    chats at once (one chat's messages one after another, in order) and marks sent rows in
    group commits while it sends. Delivery is at least once: a message whose answer was in
    flight, or whose mark was not yet committed, when the process died is sent again.

    On PostgreSQL every worker process runs one: the claim leases a round's rows (and whole
    chats) to this worker, renewed while it sends, so two workers never send the same row;
    a killed worker's rows are taken by another at once (its session lock went with it), those
    of a worker cut off from the database once its lease has run out.
    """

    def __init__(self, app: App, sender: Sender, *, accepts: Callable[[int], bool] | None = None,
                 interval: float = 0.5, clock: Callable[[], datetime] | None = None,
                 max_attempts: int | None = None, concurrency: int | None = None) -> None:
        self.app = app
        self.max_attempts = max_attempts or app.config.outbox.max_attempts
        self.concurrency = concurrency or app.config.outbox.concurrency
        self.batch = round_size(app.config.telegram.rate_limit_per_second)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sender = sender
        self.accepts = accepts or (lambda _chat: True)
        self.interval = interval
        key = secrets.randbits(31)
        self.worker = worker_name(key)
        self.lease = timedelta(seconds=app.config.outbox.lease_seconds)
        # Claims only where several processes may send: PostgreSQL, and a dispatcher for every
        # chat (the terminal's own-chat dispatcher reads without taking anything).
        self.claims = accepts is None and app.engine.dialect.name == "postgresql"
        # This worker's sign of life: while its session lock is held its claims stand; when the
        # process is killed the lock goes with its connection and others take its rows at once.
        self.alive = Leadership(app.engine, namespace=WORKERS, key=key)
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Deliver now rather than at the next tick (called after a turn queued something)."""
        self._wake.set()

    async def deliver_due(self) -> int:
        """Send every due message once; returns how many were sent.

        The database work runs in worker threads, never on the event loop: while an engine
        thread holds SQLite's write lock, a commit on the loop would stall every chat's replies
        and every button's answer.
        """
        due = await asyncio.to_thread(self._due, self.clock())
        if not due:
            return 0
        chats: dict[int, list[OutboxMessage]] = {}
        for msg in due:  # in order of each chat's most urgent message
            chats.setdefault(msg.chat_id, []).append(msg)
        waiting = deque(chats.values())
        marks = GroupCommit(self._mark_sent, self.concurrency)

        async def worker() -> None:
            while waiting:
                await self._deliver_chat(waiting.popleft(), marks)

        leases = asyncio.create_task(self._keep_leases(), name="outbox-leases") if self.claims else None
        try:
            await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(chats)))))
        finally:
            try:
                await marks.close()
            finally:
                if leases is not None:
                    leases.cancel()
                    await asyncio.gather(leases, return_exceptions=True)
                    await self._db(self._release)  # what was not sent goes back (a 403's chat)
        return marks.count

    async def _keep_leases(self) -> None:
        """Renew this round's leases while it sends (a slow chat's messages are still ours)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            await self._db(self._renew)

    def _renew(self) -> None:
        now = self.clock()
        with self.app.uow() as uow:
            uow.outbox.renew(self.worker, now, now + self.lease)
            uow.commit()

    def _release(self) -> None:
        with self.app.uow() as uow:
            uow.outbox.release(self.worker)
            uow.commit()

    async def _deliver_chat(self, messages: list[OutboxMessage], marks: GroupCommit) -> None:
        """One chat's messages in order; a chat that blocked the bot gets none of the rest."""
        for msg in messages:
            assert msg.id is not None
            try:
                reply = await self._reply(msg.payload)
                await marks.slot()
            except Exception as exc:
                await self._db(self._failed, msg, exc)
                continue
            try:
                await self.sender.send(msg.chat_id, reply, priority=msg.priority)
            except ChatUnreachable as exc:
                marks.free()
                log.warning("outbox %s: chat %s blocked the bot; its messages are held",
                            msg.id, msg.chat_id)
                await self._db(self._block, msg.chat_id, f"blocked: {exc}")
                return
            except BaseException as exc:
                marks.free()
                if not isinstance(exc, Exception):
                    raise  # cancelled (a stop): the row stays due
                await self._db(self._failed, msg, exc)
                continue
            marks.add(msg.id)

    @staticmethod
    async def _db(work: Callable[..., None], *args: Any) -> None:
        """Database bookkeeping in a thread; a failure is logged (the row stays due)."""
        try:
            await asyncio.to_thread(work, *args)
        except Exception:
            log.exception("outbox bookkeeping failed")

    def _due(self, now: datetime) -> list[OutboxMessage]:
        with self.app.uow() as uow:
            if not self.claims:
                return [m for m in uow.outbox.due(now, limit=self.batch) if self.accepts(m.chat_id)]
            if not self.alive.try_lead():  # without the lock our claims would look dead
                log.warning("outbox: no worker lock (database connection); nothing claimed")
                return []
            claimed = uow.outbox.claim(self.worker, now, now + self.lease, limit=self.batch)
            uow.commit()
            return claimed

    def _mark_sent(self, ids: list[int]) -> None:
        with self.app.uow() as uow:
            uow.outbox.sent_many(ids, self.clock())
            uow.commit()

    def _block(self, chat_id: int, reason: str) -> None:
        with self.app.uow() as uow:
            uow.outbox.block_chat(chat_id, reason, self.clock())
            uow.commit()

    async def _reply(self, payload: dict[str, Any]) -> Reply:
        """The stored reply; a certificate or a poll's chart is made in a thread (database, CPU)."""
        if not payload.get("seal_pdf") and payload.get("poll_chart") is None:
            return from_payload(payload)
        return await asyncio.to_thread(self._with_document, payload)

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

    async def _last_round(self) -> None:
        """One more round at a stop, for at most STOP_GRACE seconds.

        Sends still waiting for the rate limit then (a busy group's 20 a minute) stay queued
        for the next start; marks of what was sent are committed.
        """
        try:
            await asyncio.wait_for(self.deliver_due(), STOP_GRACE)
        except TimeoutError:
            log.info("outbox: messages still waiting for the rate limit are sent at the next start")

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
            full = False
            try:
                if last:
                    await self._last_round()
                    await asyncio.to_thread(self.alive.release)
                    return
                full = await self.deliver_due() >= self.batch
            except Exception:
                log.exception("outbox delivery round failed")
            if last:
                return
            if full:
                continue  # a backlog (a push): the next round at once
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
