"""预警 tables and repository: shelters, alerts, and residents' last shared locations (encrypted)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.alerts import Alert, Recipient, Shelter
from storage.crypto import Crypto
from storage.models import Base, ResidentRow
from storage.scope import ANY_COMMUNITY, SCOPE, Scoped


class ShelterRow(Scoped, Base):
    __tablename__ = "shelters"
    __table_args__ = (UniqueConstraint("community", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)  # WGS-84
    lon: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int] = mapped_column(Integer)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    area: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime]


class AlertRow(Scoped, Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(4))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # the official text: public, relayed unchanged
    source: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    cap_identifier: Mapped[str | None] = mapped_column(String(200), unique=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class ResidentLocationRow(Base):
    """A resident's last shared location: personal data, so the point is stored encrypted."""

    __tablename__ = "resident_locations"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    point_enc: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime]


def _shelter(row: ShelterRow) -> Shelter:
    return Shelter(code=row.code, name=row.name, address=row.address, lat=row.lat, lon=row.lon,
                   capacity=row.capacity, open=row.open, area=row.area)


def _alert(row: AlertRow) -> Alert:
    return Alert(level=row.level, title=row.title, text=row.text, source=row.source,
                 created_by=row.created_by, created_at=row.created_at,
                 cap_identifier=row.cap_identifier, recipients=row.recipients, id=row.id)


class SqlAlertStore:
    """Implements domain.alerts.AlertStore; never commits."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    # -- shelters ------------------------------------------------------------------------
    def shelters(self, *, open_only: bool = False, everywhere: bool = False) -> list[Shelter]:
        q = select(ShelterRow).order_by(ShelterRow.community, ShelterRow.code)
        if open_only:
            q = q.where(ShelterRow.open.is_(True))
        if everywhere:  # shelters are public places: a warning may name the next community's
            q = q.execution_options(**ANY_COMMUNITY)
        return [_shelter(r) for r in self.session.scalars(q)]

    def shelter(self, code: str) -> Shelter | None:
        row = self.session.scalar(select(ShelterRow).where(ShelterRow.code == code))
        return _shelter(row) if row else None

    def save_shelter(self, shelter: Shelter, at: datetime) -> None:
        row = self.session.scalar(select(ShelterRow).where(ShelterRow.code == shelter.code))
        if row is None:
            row = ShelterRow(code=shelter.code)
            self.session.add(row)
        row.name, row.address, row.lat, row.lon = shelter.name, shelter.address, shelter.lat, shelter.lon
        row.capacity, row.open, row.area, row.updated_at = shelter.capacity, shelter.open, shelter.area, at
        self.session.flush()

    def seed_shelters(self, shelters: list[Shelter], at: datetime) -> int:
        known = set(self.session.scalars(select(ShelterRow.code)))
        new = [s for s in shelters if s.code not in known]
        for s in new:
            self.save_shelter(s, at)
        return len(new)

    # -- alerts --------------------------------------------------------------------------
    def add_alert(self, alert: Alert) -> Alert:
        row = AlertRow(level=alert.level, title=alert.title, text=alert.text, source=alert.source,
                       created_by=alert.created_by, created_at=alert.created_at,
                       cap_identifier=alert.cap_identifier, recipients=alert.recipients)
        self.session.add(row)
        self.session.flush()
        alert.id = row.id
        return alert

    def set_recipients(self, alert_id: int, n: int) -> None:
        row = self.session.get(AlertRow, alert_id)
        if row is not None:
            row.recipients = n

    def alert(self, alert_id: int) -> Alert | None:
        row = self.session.get(AlertRow, alert_id)
        return _alert(row) if row else None

    def alert_by_cap(self, identifier: str) -> Alert | None:
        row = self.session.scalar(select(AlertRow).where(AlertRow.cap_identifier == identifier))
        return _alert(row) if row else None

    def alerts(self, limit: int = 50) -> list[Alert]:
        q = select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)
        return [_alert(r) for r in self.session.scalars(q)]

    # -- residents' locations and the recipients -------------------------------------------
    def remember_location(self, resident_id: int, lat: float, lon: float, at: datetime) -> None:
        row = self.session.get(ResidentLocationRow, resident_id)
        blob = self.crypto.encrypt(json.dumps([lat, lon]))
        assert blob is not None
        if row is None:
            self.session.add(ResidentLocationRow(resident_id=resident_id, point_enc=blob, at=at))
        else:
            row.point_enc, row.at = blob, at

    def _verified_with_chat(self, q: Any) -> Any:
        # Core rows through the session's connection skip the session's scoping hook: the
        # scope is applied here, or one community's warning would reach the whole city.
        q = q.where(ResidentRow.verified.is_(True), ResidentRow.chat_id.is_not(None))
        visible = self.session.info.get(SCOPE)
        return q if visible is None else q.where(ResidentRow.community.in_(sorted(visible)))

    def shared_chats(self) -> set[int]:
        """Chats of more than one verified resident in scope (a family's one phone)."""
        q = self._verified_with_chat(select(ResidentRow.chat_id)).group_by(ResidentRow.chat_id)
        return {c for (c,) in self.session.connection().execute(q.having(func.count() > 1))}

    def recipients(self, after: int = 0, limit: int | None = None) -> list[Recipient]:
        """Verified residents with a chat in the unit of work's scope, by id above `after`; at most
        `limit` (a city's million is read in pages, so one page is held at a time)."""
        # Only the columns needed: names, phones and addresses stay encrypted and untouched.
        q = self._verified_with_chat(
            select(ResidentRow.id, ResidentRow.chat_id, ResidentRow.estate, ResidentRow.community)
            .where(ResidentRow.id > after).order_by(ResidentRow.id))
        if limit is not None:
            q = q.limit(limit)
        # Core rows through the session's connection: no ORM bookkeeping for 100,000 tuples.
        connection = self.session.connection()
        people = connection.execute(q).all()
        if not people:
            return []
        # The page's shared locations by a range of the key, not a join: joined, PostgreSQL
        # hashed the whole locations table again for every page of a city.
        located = {rid: (blob, at) for rid, blob, at in connection.execute(
            select(ResidentLocationRow.resident_id, ResidentLocationRow.point_enc, ResidentLocationRow.at)
            .where(ResidentLocationRow.resident_id.between(people[0][0], people[-1][0])))}
        out: list[Recipient] = []
        decrypt, loads = self.crypto.decrypt, json.loads
        for rid, chat_id, estate, community in people:
            lat = lon = at = None
            if rid in located:
                blob, at = located[rid]
                lat, lon = loads(decrypt(blob) or "[null, null]")
            out.append(Recipient(rid, cast(int, chat_id), estate or "", lat, lon, at, community or ""))
        return out
