"""Conversation state, the outbox and the audit log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from domain.ports import OutboxMessage
from storage.bulk import among, insert_rows
from storage.crypto import Crypto
from storage.locks import NAMESPACE, live_workers, lock_key
from storage.models import AuditRow, ConversationRow, OutboxRow, UnreachableChatRow

UNDELIVERED = ("failed", "blocked")
BULK_CHUNK = 500  # rows per key lookup (well under SQLite's bound-parameter limit)
CLAIM_LOCK = lock_key("outbox-claim")
PG_CHUNK = 5000  # PostgreSQL takes up to 65,535 parameters per statement


class SqlConversationStore:
    """Per-chat dialogue state, encrypted (slots hold what residents typed)."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    def load(self, chat_id: int) -> tuple[dict[str, Any], datetime] | None:
        """The stored state and when it was last written."""
        row = self.session.get(ConversationRow, chat_id)
        if row is None:
            return None
        return json.loads(self.crypto.decrypt(row.state_enc) or "{}"), row.updated_at

    def store(self, chat_id: int, state: dict[str, Any], at: datetime) -> None:
        """Replace the chat's state."""
        row = self.session.get(ConversationRow, chat_id) or ConversationRow(chat_id=chat_id)
        row.state_enc = self.crypto.encrypt(json.dumps(state, ensure_ascii=False)) or b""
        row.form = state.get("form") or None
        row.updated_at = at
        self.session.add(row)

    def idle_since(self, before: datetime, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        """Chats with a form open and untouched since `before` (for expiring idle forms)."""
        rows = self.session.scalars(
            select(ConversationRow)
            .where(ConversationRow.form.is_not(None), ConversationRow.updated_at < before)
            .limit(limit))
        return [(r.chat_id, json.loads(self.crypto.decrypt(r.state_enc) or "{}")) for r in rows]

    def clear(self, chat_id: int) -> None:
        """Forget the chat's state."""
        self.session.execute(delete(ConversationRow).where(ConversationRow.chat_id == chat_id))


class SqlOutbox:
    """Messages owed to chats; sent by the dispatcher after the transaction commits.

    A message is never deleted unsent: it ends `sent`, or `failed` (tries used up) or
    `blocked` (the person blocked the bot), both kept for staff to see and resend.
    """

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    def add(self, message: OutboxMessage) -> None:
        """Queue a message (a repeated key is ignored: it is already queued)."""
        if message.key and self.session.scalars(
            select(OutboxRow.id).where(OutboxRow.key == message.key)
        ).first():
            return
        at = message.created_at
        assert at is not None, "outbox messages carry their creation time"
        # To a chat that blocked the bot it is kept, not tried: a 403 would only repeat.
        status = "blocked" if self.is_blocked(message.chat_id) else "pending"
        self.session.add(OutboxRow(
            chat_id=message.chat_id,
            payload_enc=self.crypto.encrypt(json.dumps(message.payload, ensure_ascii=False)) or b"",
            key=message.key or None, created_at=at, not_before=message.not_before or at,
            attempts=0, status=status, push_id=message.push_id, priority=message.priority,
        ))
        self.session.flush()

    def add_many(self, messages: list[OutboxMessage], *, fresh: bool = False) -> int:
        """Queue many messages at once (a push's recipients); keys already queued are skipped.

        Why not `add` in a loop: three statements per row held SQLite's write lock for about
        a second per thousand recipients (99 s for 100,000). Here keys and blocked chats are
        read once per chunk and the rows go in at once (COPY on PostgreSQL: storage/bulk.py).
        `fresh`: the keys are new by construction (a new push's), so they are not read.
        Messages sharing one payload object (a warning's text for one estate) are serialised
        and encrypted once per chunk: the rows share that ciphertext (one nonce, one
        encryption, copied; nothing is encrypted twice under a nonce).
        """
        added = 0
        dialect = self.session.get_bind().dialect.name
        size = BULK_CHUNK if dialect == "sqlite" else PG_CHUNK
        for start in range(0, len(messages), size):
            chunk = messages[start:start + size]
            keys = [] if fresh else [m.key for m in chunk if m.key]
            known: set[str | None] = set(self.session.scalars(
                select(OutboxRow.key).where(among(OutboxRow.key, keys, dialect)))) if keys else set()
            chats = list({m.chat_id for m in chunk})
            blocked = set(self.session.scalars(select(UnreachableChatRow.chat_id).where(
                among(UnreachableChatRow.chat_id, chats, dialect))))
            sealed: dict[int, bytes] = {}  # id(payload) → its ciphertext, for payloads shared by many rows
            rows: list[dict[str, Any]] = []
            for m in chunk:
                if m.key and m.key in known:
                    continue
                if not fresh:
                    known.add(m.key)
                at = m.created_at
                assert at is not None, "outbox messages carry their creation time"
                blob = sealed.get(id(m.payload))
                if blob is None:
                    blob = sealed[id(m.payload)] = self.crypto.encrypt_bytes(
                        json.dumps(m.payload, ensure_ascii=False).encode())
                rows.append({
                    "chat_id": m.chat_id, "key": m.key or None, "created_at": at,
                    "payload_enc": blob,
                    "not_before": m.not_before or at, "attempts": 0,
                    "status": "blocked" if m.chat_id in blocked else "pending",
                    "push_id": m.push_id, "priority": m.priority,
                })
            added += insert_rows(self.session, OutboxRow, rows)
        return added

    def _message(self, r: OutboxRow, *, payload: bool = True) -> OutboxMessage:
        return OutboxMessage(
            id=r.id, chat_id=r.chat_id, key=r.key or "", attempts=r.attempts,
            payload=json.loads(self.crypto.decrypt(r.payload_enc) or "{}") if payload else {},
            created_at=r.created_at, not_before=r.not_before, status=r.status,
            last_error=r.last_error or "", push_id=r.push_id, priority=r.priority,
        )

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        """Pending messages whose time has come: most urgent first, then oldest first."""
        rows = self.session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.not_before <= now)
            .order_by(OutboxRow.priority, OutboxRow.id).limit(limit)
        ).all()
        return [self._message(r) for r in rows]

    def claim(self, worker: str, now: datetime, until: datetime, limit: int = 50) -> list[OutboxMessage]:
        """Due rows for `worker` to send, leased to it until `until`: most urgent, then oldest.

        PostgreSQL (several workers): a chat whose rows another worker holds is left out
        whole, so one chat's messages are never sent by two workers at once or out of order.
        A claim lapses when its lease runs out or at once when its worker's session lock is
        gone (the worker was killed). Claims are taken one at a time deployment-wide (a
        transaction advisory lock held for the few milliseconds of these statements): so the
        check that no one else holds a chat sees every earlier claim. `FOR UPDATE SKIP LOCKED` passes over rows another
        worker is updating right now (its sent marks) instead of waiting for them.
        SQLite has one process: the due rows, as `due` reads them.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return self.due(now, limit)
        assert worker.split(":", 1)[0].isdigit(), "a worker's name starts with its lock key"
        self.session.execute(select(func.pg_advisory_xact_lock(NAMESPACE, CLAIM_LOCK)))
        # A claim holds while its lease runs and its worker lives (a worker's name starts with
        # the key of its session lock, which a killed worker's connection takes with it).
        alive = [str(k) for k in live_workers(self.session)]
        live = ((OutboxRow.claimed_until >= now) & (OutboxRow.claimed_by != worker)
                & func.split_part(OutboxRow.claimed_by, ":", 1).in_(alive))
        busy = select(OutboxRow.chat_id).where(OutboxRow.status == "pending", live)
        rows = self.session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.not_before <= now,
                   or_(OutboxRow.claimed_until.is_(None), ~live), OutboxRow.chat_id.not_in(busy))
            .order_by(OutboxRow.priority, OutboxRow.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        if rows:
            self.session.execute(
                update(OutboxRow).where(OutboxRow.id.in_([r.id for r in rows]))
                .values(claimed_by=worker, claimed_until=until)
                .execution_options(synchronize_session=False))
        return [self._message(r) for r in rows]

    def renew(self, worker: str, now: datetime, until: datetime) -> int:
        """Extend the worker's live leases (it is still sending); returns how many."""
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.claimed_by == worker, OutboxRow.claimed_until >= now,
                   OutboxRow.status == "pending")
            .values(claimed_until=until).execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def release(self, worker: str) -> int:
        """Give up the worker's leases on rows it did not send (another worker may take them)."""
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.claimed_by == worker, OutboxRow.claimed_until.is_not(None))
            .values(claimed_until=None).execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def sent(self, message_id: int, at: datetime) -> None:
        """Mark delivered."""
        row = self.session.get(OutboxRow, message_id)
        if row is not None:
            row.sent_at = at
            row.attempts += 1
            row.status = "sent"

    def sent_many(self, ids: list[int], at: datetime) -> None:
        """Mark many delivered in one statement (the dispatcher's group commit)."""
        if ids:
            self.session.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids))
                .values(status="sent", sent_at=at, attempts=OutboxRow.attempts + 1,
                        claimed_until=None))

    def failed(self, message_id: int, error: str, retry_at: datetime | None) -> None:
        """Count a failed attempt and when to try again (None: tries used up, kept as failed)."""
        row = self.session.get(OutboxRow, message_id)
        if row is not None:
            row.attempts += 1
            row.last_error = error[:500]
            row.claimed_until = None  # tried again later, by whichever worker is free
            if retry_at is None:
                row.status = "failed"
            else:
                row.not_before = retry_at

    def block_chat(self, chat_id: int, error: str, at: datetime) -> None:
        """The person blocked the bot: mark the chat, hold everything pending for it."""
        if self.session.get(UnreachableChatRow, chat_id) is None:
            self.session.add(UnreachableChatRow(chat_id=chat_id, since=at))
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.chat_id == chat_id, OutboxRow.status == "pending")
            .values(status="blocked", last_error=error[:500], claimed_until=None))

    def unblock_chat(self, chat_id: int) -> bool:
        """The person wrote again: send to them again (held messages stay for staff to resend)."""
        row = self.session.get(UnreachableChatRow, chat_id)
        if row is None:
            return False
        self.session.delete(row)
        return True

    def is_blocked(self, chat_id: int) -> bool:
        """Whether the person in this chat blocked the bot."""
        return self.session.get(UnreachableChatRow, chat_id) is not None

    def undelivered(self, limit: int = 100) -> list[OutboxMessage]:
        """Failed and blocked messages, oldest first, without their payloads (staff view)."""
        rows = self.session.scalars(
            select(OutboxRow).where(OutboxRow.status.in_(UNDELIVERED))
            .order_by(OutboxRow.id).limit(limit))
        return [self._message(r, payload=False) for r in rows]

    def count_undelivered(self) -> int:
        """How many messages are failed or blocked."""
        return int(self.session.scalar(
            select(func.count()).select_from(OutboxRow)
            .where(OutboxRow.status.in_(UNDELIVERED))) or 0)

    def retry(self, ids: list[int] | None, now: datetime) -> int:
        """Queue failed/blocked messages again (all when ids is None); returns how many.

        Staff asked for it, so a blocked chat is unmarked: if it is still blocked, the
        next 403 marks it again.
        """
        query = select(OutboxRow).where(OutboxRow.status.in_(UNDELIVERED))
        if ids is not None:
            query = query.where(OutboxRow.id.in_(ids))
        rows = self.session.scalars(query).all()
        for r in rows:
            r.status, r.attempts, r.not_before = "pending", 0, now
            self.unblock_chat(r.chat_id)
        self.session.flush()
        return len(rows)

    def erase_chat(self, chat_id: int) -> int:
        """Delete every message to a chat (a resident's data is erased); returns how many."""
        self.unblock_chat(chat_id)
        result = self.session.execute(delete(OutboxRow).where(OutboxRow.chat_id == chat_id))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlAuditLog:
    """Who looked at or did what (contact views, verifications)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, actor: str, action: str, subject: str, at: datetime) -> None:
        """Append one entry."""
        self.session.add(AuditRow(actor=actor, action=action, subject=subject, at=at))

    def entries(self, subject: str) -> list[tuple[str, str, datetime]]:
        """Entries about one subject, oldest first."""
        rows = self.session.scalars(
            select(AuditRow).where(AuditRow.subject == subject).order_by(AuditRow.id))
        return [(r.actor, r.action, r.at) for r in rows]
