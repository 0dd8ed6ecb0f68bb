"""Booking repository: places per slot (never over capacity), booking records, numbers."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.bookings import BeneficiaryLink, Booking, Status
from domain.worklist import Backlog
from storage.crypto import Crypto
from storage.models import Base
from storage.reports import take_number
from storage.scope import ANY_COMMUNITY, Scoped, home_of
from storage.visits import VisitQueries


class BookingSlotRow(Scoped, Base):
    """How many places of one service's slot are taken: the row every booking locks."""

    __tablename__ = "booking_slots"
    __table_args__ = (UniqueConstraint("community", "service", "start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime]
    taken: Mapped[int] = mapped_column(Integer, default=0)


class BookingRow(Scoped, Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # one confirmation, one booking
    service: Mapped[str] = mapped_column(String(16), index=True)
    start: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    booker_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    booker_chat_id: Mapped[int] = mapped_column(BigInteger)
    beneficiary_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    relation: Mapped[str] = mapped_column(String(16), default="")
    beneficiary_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    unverified: Mapped[bool] = mapped_column(Boolean, default=False)
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    staff_note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    patience: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime]


class BeneficiaryLinkRow(Scoped, Base):
    """家属代办, filed in the community booked in (the parent's): its staff confirm it."""

    __tablename__ = "beneficiary_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booker_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    booker_chat_id: Mapped[int] = mapped_column(BigInteger)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    relation: Mapped[str] = mapped_column(String(16), default="")
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime]


class SqlBookingRepository(VisitQueries):
    """Bookings mapped to and from domain objects; free text and names are encrypted."""

    def __init__(self, session: Session, crypto: Crypto, zone: ZoneInfo) -> None:
        self.session = session
        self.crypto = crypto
        self.zone = zone

    def next_number(self, prefix: str, day: datetime) -> str:
        """YY-20261202-0001: the day's next number, safe under concurrent writers."""
        return take_number(self.session, self.zone, prefix, day)

    def take_place(self, service: str, start: datetime, capacity: int) -> bool:
        """Take one place of a slot if one is free: one conditional UPDATE, never read-then-write.

        Concurrent takers queue on the slot row's lock (PostgreSQL re-checks `taken < capacity`
        after the lock is granted; SQLite serialises writers), so the last place goes once.
        """
        dialect = self.session.get_bind().dialect.name
        ins: Any = (postgresql if dialect == "postgresql" else sqlite).insert(BookingSlotRow)
        self.session.execute(ins.values(community=home_of(self.session), service=service, start=start,
                                        taken=0)
                             .on_conflict_do_nothing(index_elements=["community", "service", "start"]))
        done = self.session.execute(
            update(BookingSlotRow)
            .where(BookingSlotRow.service == service, BookingSlotRow.start == start,
                   BookingSlotRow.taken < capacity)
            .values(taken=BookingSlotRow.taken + 1)
            .execution_options(synchronize_session=False))
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def release_place(self, service: str, start: datetime) -> None:
        """Give a place back (a cancellation or a move)."""
        self.session.execute(
            update(BookingSlotRow)
            .where(BookingSlotRow.service == service, BookingSlotRow.start == start,
                   BookingSlotRow.taken > 0)
            .values(taken=BookingSlotRow.taken - 1)
            .execution_options(synchronize_session=False))

    def taken(self, service: str, starts: Iterable[datetime]) -> dict[datetime, int]:
        """Places taken per slot start (absent: none)."""
        wanted = list(starts)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(BookingSlotRow.start, BookingSlotRow.taken)
            .where(BookingSlotRow.service == service, BookingSlotRow.start.in_(wanted)))
        return {start: n for start, n in rows}

    def _fill(self, row: BookingRow, b: Booking) -> None:
        c = self.crypto
        row.number, row.key, row.service, row.start = b.number, b.key, b.service, b.start
        row.status = b.status.value
        row.booker_user_id, row.booker_chat_id = b.booker_user_id, b.booker_chat_id
        row.beneficiary_enc, row.contact_enc = c.encrypt(b.beneficiary), c.encrypt(b.contact)
        row.relation, row.beneficiary_id, row.unverified = b.relation, b.beneficiary_id, b.unverified
        row.note_enc, row.reason_enc = c.encrypt(b.note), c.encrypt(b.reason)
        row.staff_note_enc, row.comment_enc = c.encrypt(b.staff_note), c.encrypt(b.comment)
        row.rating, row.patience = b.rating, b.patience

    def _to_domain(self, row: BookingRow) -> Booking:
        c = self.crypto
        return Booking(
            id=row.id, number=row.number, key=row.key, service=row.service, start=row.start,
            status=Status(row.status), booker_user_id=row.booker_user_id,
            booker_chat_id=row.booker_chat_id, beneficiary=c.decrypt(row.beneficiary_enc) or "",
            contact=c.decrypt(row.contact_enc) or "",
            relation=row.relation, beneficiary_id=row.beneficiary_id, unverified=row.unverified,
            note=c.decrypt(row.note_enc) or "", reason=c.decrypt(row.reason_enc) or "",
            staff_note=c.decrypt(row.staff_note_enc) or "", rating=row.rating,
            comment=c.decrypt(row.comment_enc) or "", patience=row.patience or "",
            created_at=row.created_at, community=row.community or "")

    def add(self, booking: Booking) -> None:
        """Insert a new booking (its id is set)."""
        row = BookingRow(created_at=booking.created_at)
        self._fill(row, booking)
        self.session.add(row)
        self.session.flush()
        booking.id = row.id

    def save(self, booking: Booking) -> None:
        """Write a changed booking."""
        row = self.session.scalars(select(BookingRow).where(BookingRow.id == booking.id)).one()
        self._fill(row, booking)
        self.session.flush()

    def get(self, number: str) -> Booking | None:
        """A booking by its number."""
        row = self.session.scalars(select(BookingRow).where(BookingRow.number == number)).first()
        return self._to_domain(row) if row else None

    def community_of_own(self, number: str, user_id: int) -> str | None:
        """Where the asker's own booking was filed (a parent's community, say); None if not theirs."""
        stmt = (select(BookingRow.community)
                .where(BookingRow.number == number, BookingRow.booker_user_id == user_id)
                .execution_options(**ANY_COMMUNITY))
        return self.session.scalars(stmt).first()

    def by_key(self, key: str) -> Booking | None:
        """The booking a confirmation already made, if any."""
        row = self.session.scalars(select(BookingRow).where(BookingRow.key == key)).first()
        return self._to_domain(row) if row else None

    def list(self, *, user_id: int | None = None, service: str | None = None,
             statuses: Iterable[Status] | None = None, since: datetime | None = None,
             until: datetime | None = None, limit: int = 100) -> list[Booking]:
        """Bookings filtered, in visit-time order."""
        stmt = select(BookingRow).order_by(BookingRow.start, BookingRow.id)
        if user_id is not None:  # a booker's own, wherever filed (a parent's community)
            stmt = stmt.where(BookingRow.booker_user_id == user_id).execution_options(**ANY_COMMUNITY)
        if service is not None:
            stmt = stmt.where(BookingRow.service == service)
        if statuses is not None:
            stmt = stmt.where(BookingRow.status.in_([s.value for s in statuses]))
        if since is not None:
            stmt = stmt.where(BookingRow.start >= since)
        if until is not None:
            stmt = stmt.where(BookingRow.start < until)
        return [self._to_domain(r) for r in self.session.scalars(stmt.limit(limit))]

    # --- beneficiary links (家属代办) ---
    def _fill_link(self, row: BeneficiaryLinkRow, link: BeneficiaryLink) -> None:
        row.booker_user_id, row.booker_chat_id = link.booker_user_id, link.booker_chat_id
        row.name_enc, row.contact_enc = self.crypto.encrypt(link.name), self.crypto.encrypt(link.contact)
        row.relation, row.resident_id = link.relation, link.resident_id
        row.status, row.decided_by = link.status, link.decided_by

    def _link(self, row: BeneficiaryLinkRow) -> BeneficiaryLink:
        c = self.crypto
        return BeneficiaryLink(
            id=row.id, booker_user_id=row.booker_user_id, booker_chat_id=row.booker_chat_id,
            name=c.decrypt(row.name_enc) or "", contact=c.decrypt(row.contact_enc) or "",
            relation=row.relation, resident_id=row.resident_id, status=row.status,
            decided_by=row.decided_by, created_at=row.created_at, community=row.community or "")

    def add_link(self, link: BeneficiaryLink) -> None:
        """Insert a new link (its id is set)."""
        row = BeneficiaryLinkRow(created_at=link.created_at)
        self._fill_link(row, link)
        self.session.add(row)
        self.session.flush()
        link.id = row.id

    def _link_row(self, link_id: int) -> BeneficiaryLinkRow | None:
        # A SELECT, not session.get: the community scope applies (an identity-map hit skips it).
        return self.session.scalars(select(BeneficiaryLinkRow).where(BeneficiaryLinkRow.id == link_id)).first()

    def save_link(self, link: BeneficiaryLink) -> None:
        """Write a decided link."""
        row = self._link_row(link.id or 0)
        assert row is not None
        self._fill_link(row, link)
        self.session.flush()

    def get_link(self, link_id: int) -> BeneficiaryLink | None:
        """A link by id, among the communities in scope."""
        row = self._link_row(link_id)
        return self._link(row) if row else None

    def community_of_link(self, link_id: int, resident_id: int) -> str | None:
        """Where a link naming this person was filed (they confirm it from home); None if not theirs."""
        stmt = (select(BeneficiaryLinkRow.community)
                .where(BeneficiaryLinkRow.id == link_id, BeneficiaryLinkRow.resident_id == resident_id)
                .execution_options(**ANY_COMMUNITY))
        return self.session.scalars(stmt).first()

    def links_of(self, user_id: int) -> builtins.list[BeneficiaryLink]:
        """The people this user said they book for, oldest first."""
        rows = self.session.scalars(select(BeneficiaryLinkRow)  # theirs, wherever filed
                                    .where(BeneficiaryLinkRow.booker_user_id == user_id)
                                    .order_by(BeneficiaryLinkRow.id)
                                    .execution_options(**ANY_COMMUNITY))
        return [self._link(r) for r in rows]

    # --- 待办: links waiting for staff, counted and ordered without decrypting a name ---
    def _pending_links(self, stmt: Any, community: str | None) -> Any:
        stmt = stmt.where(BeneficiaryLinkRow.status == "pending")
        return stmt.where(BeneficiaryLinkRow.community == community) if community is not None else stmt

    def pending_links_backlog(self, community: str | None = None) -> dict[str, Backlog]:
        """Links waiting for staff per community (of `community` when given), counted by the database."""
        row = BeneficiaryLinkRow
        stmt = self._pending_links(select(row.community, func.count(), func.min(row.created_at)), community)
        return {c: Backlog(n, first) for c, n, first in self.session.execute(stmt.group_by(row.community))}

    def oldest_pending_links(self, community: str | None, limit: int) -> builtins.list[tuple[datetime, int]]:
        """(asked at, id) of the `limit` oldest links waiting for staff, nothing decrypted."""
        row = BeneficiaryLinkRow
        stmt = self._pending_links(select(row.created_at, row.id), community)
        return [(at, i) for at, i in self.session.execute(stmt.order_by(row.created_at, row.id).limit(limit))]

    def links_many(self, ids: builtins.list[int]) -> builtins.list[BeneficiaryLink]:
        """These links, in no particular order."""
        if not ids:
            return []
        return [self._link(r) for r in self.session.scalars(select(BeneficiaryLinkRow)
                                                            .where(BeneficiaryLinkRow.id.in_(ids)))]
