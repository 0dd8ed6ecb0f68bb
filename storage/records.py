"""Conversation state, the outbox and the audit log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domain.ports import OutboxMessage
from storage.crypto import Crypto
from storage.models import AuditRow, ConversationRow, OutboxRow

MAX_ATTEMPTS = 8


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
    """Messages owed to chats; sent by the dispatcher after the transaction commits."""

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
        self.session.add(OutboxRow(
            chat_id=message.chat_id,
            payload_enc=self.crypto.encrypt(json.dumps(message.payload, ensure_ascii=False)) or b"",
            key=message.key or None, created_at=at, not_before=message.not_before or at,
            attempts=0,
        ))
        self.session.flush()

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        """Unsent messages whose time has come, oldest first."""
        rows = self.session.scalars(
            select(OutboxRow)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.not_before <= now,
                   OutboxRow.attempts < MAX_ATTEMPTS)
            .order_by(OutboxRow.id).limit(limit)
        ).all()
        return [
            OutboxMessage(
                id=r.id, chat_id=r.chat_id, key=r.key or "", attempts=r.attempts,
                payload=json.loads(self.crypto.decrypt(r.payload_enc) or "{}"),
                created_at=r.created_at, not_before=r.not_before,
            )
            for r in rows
        ]

    def sent(self, message_id: int, at: datetime) -> None:
        """Mark delivered."""
        row = self.session.get(OutboxRow, message_id)
        if row is not None:
            row.sent_at = at
            row.attempts += 1

    def failed(self, message_id: int, error: str, retry_at: datetime | None) -> None:
        """Count a failed attempt and when to try again (None: give up)."""
        row = self.session.get(OutboxRow, message_id)
        if row is not None:
            row.attempts = row.attempts + 1 if retry_at else MAX_ATTEMPTS
            row.last_error = error[:500]
            if retry_at:
                row.not_before = retry_at


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
