"""Push records (progress counted from their outbox rows) and residents' subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.pushes import DEFAULT_ON, Progress, Push
from storage.models import OutboxRow, PushRow, SubscriptionRow


def _push(r: PushRow) -> Push:
    return Push(kind=r.kind, topic=r.topic, title=r.title, targets=dict(r.targets or {}),
                started_by=r.started_by, created_at=r.created_at, total=r.total, id=r.id,
                progress_chat_id=r.progress_chat_id, progress_message_id=r.progress_message_id,
                finished_at=r.finished_at)


class SqlPushRepository:
    """Pushes; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, push: Push) -> int:
        """Write a push record; returns its id."""
        assert push.created_at is not None, "a push carries its creation time"
        row = PushRow(kind=push.kind, topic=push.topic, title=push.title[:200],
                      targets=push.targets, started_by=push.started_by,
                      created_at=push.created_at, total=push.total,
                      progress_chat_id=push.progress_chat_id,
                      progress_message_id=push.progress_message_id)
        self.session.add(row)
        self.session.flush()
        push.id = row.id
        return row.id

    def get(self, push_id: int) -> Push | None:
        """One push."""
        row = self.session.get(PushRow, push_id)
        return _push(row) if row is not None else None

    def set_total(self, push_id: int, total: int) -> None:
        """How many recipients the push has."""
        row = self.session.get(PushRow, push_id)
        if row is not None:
            row.total = total

    def progress(self, push_id: int) -> Progress:
        """Sent, failed and blocked recipients, from the push's outbox rows."""
        row = self.session.get(PushRow, push_id)
        counts: dict[str, int] = {status: n for status, n in self.session.execute(
            select(OutboxRow.status, func.count()).where(OutboxRow.push_id == push_id)
            .group_by(OutboxRow.status))}
        return Progress(total=row.total if row else 0, sent=counts.get("sent", 0),
                        failed=counts.get("failed", 0), blocked=counts.get("blocked", 0))

    def by_progress_message(self, chat_id: int, message_id: int) -> Push | None:
        """The push whose progress is shown in this staff message (a repeated 确认发送)."""
        row = self.session.scalars(select(PushRow).where(
            PushRow.progress_chat_id == chat_id,
            PushRow.progress_message_id == message_id)).first()
        return _push(row) if row is not None else None

    def watched(self) -> list[Push]:
        """Unfinished pushes whose progress a staff message shows."""
        rows = self.session.scalars(select(PushRow).where(
            PushRow.progress_message_id.is_not(None), PushRow.finished_at.is_(None))
            .order_by(PushRow.id))
        return [_push(r) for r in rows]

    def finish(self, push_id: int, at: datetime) -> None:
        """Every recipient has an outcome: stop reporting progress."""
        row = self.session.get(PushRow, push_id)
        if row is not None:
            row.finished_at = at

    def list(self, limit: int = 50) -> list[Push]:
        """The newest pushes first."""
        rows = self.session.scalars(select(PushRow).order_by(PushRow.id.desc()).limit(limit))
        return [_push(r) for r in rows]

    def of_alerts(self, alert_ids: Sequence[int]) -> dict[int, Push]:
        """alert id → the push that carried that warning (its targets keep the alert's id)."""
        if not alert_ids:
            return {}
        rows = self.session.scalars(select(PushRow).where(
            PushRow.kind == "alert", PushRow.targets["alert"].as_integer().in_(list(alert_ids))))
        return {int(r.targets["alert"]): _push(r) for r in rows}


class SqlSubscriptionRepository:
    """Residents' topic choices; a topic never chosen has its default."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, resident_id: int) -> dict[str, bool]:
        """Every topic → on/off for one resident."""
        chosen = {r.topic: r.enabled for r in self.session.scalars(
            select(SubscriptionRow).where(SubscriptionRow.resident_id == resident_id))}
        return {t: chosen.get(t, on) for t, on in DEFAULT_ON.items()}

    def switch(self, resident_id: int, topic: str, on: bool, at: datetime) -> None:
        """Switch one topic on or off."""
        row = self.session.get(SubscriptionRow, (resident_id, topic))
        if row is None:
            row = SubscriptionRow(resident_id=resident_id, topic=topic)
            self.session.add(row)
        row.enabled, row.updated_at = on, at
        self.session.flush()

    def opted_out(self, topic: str) -> set[int]:
        """Residents who switched `topic` off."""
        return set(self.session.scalars(select(SubscriptionRow.resident_id).where(
            SubscriptionRow.topic == topic, SubscriptionRow.enabled.is_(False))))
