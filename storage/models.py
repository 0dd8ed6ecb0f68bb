"""Table mappings (typed SQLAlchemy 2). Personal data columns hold ciphertext only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.scope import Scoped

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC (naive in SQLite) and always gives back an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored in UTC and must be aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class ResidentRow(Scoped, Base):
    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Name + last 4 of the ID number, for "王秀英 0213" (not unique: two people may share it).
    name_id4_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    estate: Mapped[str] = mapped_column(String(32), default="", index=True)
    address_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    tags: Mapped[list[str]] = mapped_column(default=list)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="roster")
    user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StaffRow(Scoped, Base):
    __tablename__ = "staff"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    grids: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 街道/区/市 staff (community "*"): their level, the 街道 or 区 they reach, view-only or not.
    level: Mapped[str] = mapped_column(String(8), default="", server_default="")
    reach: Mapped[str] = mapped_column(String(64), default="", server_default="")
    read_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CounterRow(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class ReportRow(Scoped, Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    description_enc: Mapped[bytes] = mapped_column(LargeBinary)
    estate: Mapped[str] = mapped_column(String(32), default="", index=True)
    building: Mapped[str] = mapped_column(String(16), default="")
    place_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # unit, room, coordinates
    photos: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)
    grid: Mapped[str | None] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(32))
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(index=True)
    accept_due: Mapped[datetime | None]
    resolve_due: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    followers: Mapped[list[int]] = mapped_column(JSON, default=list)  # chats following it
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Followers' own ratings, {"chat id": stars}: never over the reporter's.
    follower_ratings: Mapped[dict[str, int] | None] = mapped_column(JSON, default=dict)
    # Optimistic lock: every save is `UPDATE … WHERE version = <the version read>`.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReportChangeRow(Base):
    __tablename__ = "report_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(32))
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Whether the reporter may read the note (staff choose 发给居民 / 仅内部记录).
    note_public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ConversationRow(Base):
    __tablename__ = "conversations"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # The open form's name (not personal) in clear, so idle forms are found without decrypting.
    form: Mapped[str | None] = mapped_column(String(32), index=True)
    updated_at: Mapped[datetime]


class OutboxRow(Base):
    __tablename__ = "outbox"
    # ix_outbox_due: the dispatcher reads pending rows by priority, then age. Few indexes on
    # purpose: a city-wide warning writes a million rows, each into every index (migration 0020).
    __table_args__ = (UniqueConstraint("key"), Index("ix_outbox_due", "status", "priority", "id"),
                      Index("ix_outbox_claimed_until", "claimed_until",
                            postgresql_where=text("claimed_until IS NOT NULL"),
                            sqlite_where=text("claimed_until IS NOT NULL")))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # pending | sent | failed | blocked: nothing owed to a chat is ever deleted unsent.
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    # The push this row is one recipient of (progress is counted from these rows).
    push_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # domain.ports ANSWER 0 / NOTICE 1 / BULK 2: lower is sent first.
    priority: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    # The worker process sending the row and the end of its lease (PostgreSQL, several
    # workers): nobody else sends it meanwhile; a killed worker's lease runs out.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]


class RateBudgetRow(Base):
    """The deployment's Telegram budget, shared by every worker (a token bucket in one row)."""

    __tablename__ = "rate_budget"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    tokens: Mapped[float]
    at: Mapped[float]  # the database's clock (epoch seconds) at the last update


class UnreachableChatRow(Base):
    """A chat whose person blocked the bot (Telegram 403): nothing is sent until they write."""

    __tablename__ = "unreachable_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    since: Mapped[datetime]


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]


class KeyCheckRow(Base):
    """A known value encrypted with the database's key: a wrong key is caught at start."""

    __tablename__ = "key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token_enc: Mapped[bytes] = mapped_column(LargeBinary)


# --- push ---
class PushRow(Scoped, Base):
    """A push to many residents: its recipients are its outbox rows (outbox.push_id)."""

    __tablename__ = "pushes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    finished_at: Mapped[datetime | None]


class SubscriptionRow(Base):
    """A resident's choice for one topic (no row: the topic's default, on)."""

    __tablename__ = "subscriptions"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(8), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]
