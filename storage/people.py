"""Repositories of residents and staff. They never commit: the unit of work does."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domain.residents import Address, Resident
from domain.staff import ABOVE, Staff
from storage.bulk import among, insert_rows
from storage.crypto import Crypto
from storage.models import ResidentRow, StaffRow
from storage.scope import ANY_COMMUNITY, home_of


def _now() -> datetime:
    return datetime.now(UTC)


class SqlResidentRepository:
    """Residents with names, phones, ID numbers and addresses encrypted."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    def _to_domain(self, row: ResidentRow) -> Resident:
        c = self.crypto
        place = json.loads(c.decrypt(row.address_enc) or "{}")
        return Resident(
            id=row.id,
            name=c.decrypt(row.name_enc) or "",
            phone=c.decrypt(row.phone_enc),
            id_number=c.decrypt(row.id_enc),
            address=Address(row.estate, place.get("b", ""), place.get("u", ""), place.get("r", "")),
            tags=list(row.tags or []),
            verified=row.verified,
            source=row.source,
            user_id=row.user_id,
            chat_id=row.chat_id,
            created_at=row.created_at,
            community=row.community,
        )

    def _values(self, r: Resident, now: datetime) -> dict[str, object]:
        """The stored columns of a resident: personal fields encrypted, lookups hashed."""
        c = self.crypto
        place = {"b": r.address.building, "u": r.address.unit, "r": r.address.room}
        return {
            "name_enc": c.encrypt(r.name) or b"", "phone_enc": c.encrypt(r.phone),
            "phone_hash": c.lookup_hash(r.phone), "id_enc": c.encrypt(r.id_number),
            "id_hash": c.lookup_hash(r.id_number), "name_id4_hash": c.name_id4_hash(r.name, r.id_number),
            "estate": r.address.estate, "address_enc": c.encrypt(json.dumps(place, ensure_ascii=False)),
            "tags": list(r.tags), "verified": r.verified, "source": r.source, "user_id": r.user_id,
            "chat_id": r.chat_id, "updated_at": now,
            # Moved to another 村社 on purpose; otherwise the unit of work's (set on insert).
            **({"community": r.community} if r.community else {}),
        }

    def _fill(self, row: ResidentRow, r: Resident) -> None:
        for name, value in self._values(r, _now()).items():
            setattr(row, name, value)

    def add(self, resident: Resident) -> Resident:
        """Insert and give the resident its id."""
        row = ResidentRow(created_at=_now())
        self._fill(row, resident)
        self.session.add(row)
        self.session.flush()
        resident.id = row.id
        resident.created_at = row.created_at
        return resident

    def add_many(self, residents: list[Resident]) -> None:
        """Insert many at once (roster imports: COPY on PostgreSQL); ids are not needed back."""
        now = _now()
        home = home_of(self.session)
        rows = [{"community": home, **self._values(r, now), "created_at": now} for r in residents]
        insert_rows(self.session, ResidentRow, rows)

    def save(self, resident: Resident) -> None:
        """Write back a changed resident (flushed with the next query or the commit)."""
        row = self.session.get(ResidentRow, resident.id)
        if row is None:
            raise LookupError(resident.id)
        self._fill(row, resident)

    def find_many(self, *, phones: list[str], id_numbers: list[str]) -> list[Resident]:
        """Everyone whose phone or ID number is among these, in a few queries."""
        c = self.crypto
        hashes_p = [c.lookup_hash(p) for p in phones]
        hashes_i = [c.lookup_hash(i) for i in id_numbers]
        found: dict[int, ResidentRow] = {}
        dialect = self.session.get_bind().dialect.name
        size = 500 if dialect == "sqlite" else 20_000  # SQLite's bind-parameter limit; one array on PostgreSQL
        for column, hashes in ((ResidentRow.phone_hash, hashes_p), (ResidentRow.id_hash, hashes_i)):
            for start in range(0, len(hashes), size):
                chunk = hashes[start : start + size]
                for row in self.session.scalars(select(ResidentRow).where(among(column, chunk, dialect))):
                    found[row.id] = row
        return [self._to_domain(r) for r in found.values()]

    def get(self, resident_id: int) -> Resident | None:
        """One resident by id."""
        row = self.session.get(ResidentRow, resident_id)
        return self._to_domain(row) if row else None

    def _one(self, stmt: object) -> Resident | None:
        row = self.session.scalars(stmt).first()  # type: ignore[call-overload]
        return self._to_domain(row) if row else None

    def by_phone(self, phone: str) -> Resident | None:
        """Find by phone through its keyed hash."""
        # Any community: a phone is one person city-wide, and sharing it is how they are placed.
        return self._one(select(ResidentRow).where(ResidentRow.phone_hash == self.crypto.lookup_hash(phone))
                         .execution_options(**ANY_COMMUNITY))

    def by_id_number(self, id_number: str) -> Resident | None:
        """Find by ID number through its keyed hash."""
        h = self.crypto.lookup_hash(id_number)
        return self._one(select(ResidentRow).where(ResidentRow.id_hash == h).execution_options(**ANY_COMMUNITY))

    def by_name_id4(self, name: str, last4: str, *, city: bool = False) -> Resident | None:
        """The one resident with this name and ID number ending; None when none or several.

        `city`: among every community's residents (a parent living elsewhere), not only those
        in scope; two such people anywhere in the city then match neither.
        """
        h = self.crypto.name_id4_hash(name, last4)
        if h is None:
            return None
        stmt = select(ResidentRow).where(ResidentRow.name_id4_hash == h).limit(2)
        rows = self.session.scalars(stmt.execution_options(**ANY_COMMUNITY) if city else stmt).all()
        return self._to_domain(rows[0]) if len(rows) == 1 else None

    def backfill_name_id4(self) -> int:
        """Fill the name + ID-ending hash of rows written before it existed; how many were filled."""
        stmt = select(ResidentRow).where(ResidentRow.name_id4_hash.is_(None), ResidentRow.id_enc.is_not(None))
        filled = 0
        for row in self.session.scalars(stmt):
            h = self.crypto.name_id4_hash(self.crypto.decrypt(row.name_enc), self.crypto.decrypt(row.id_enc))
            if h is not None:
                row.name_id4_hash, filled = h, filled + 1
        return filled

    def by_user(self, user_id: int) -> Resident | None:
        """The resident bound to a chat user."""
        # Any community: who is speaking is known before their community is.
        return self._one(select(ResidentRow).where(ResidentRow.user_id == user_id)
                         .execution_options(**ANY_COMMUNITY))

    def list(
        self, *, verified: bool | None = None, source: str | None = None, limit: int = 100
    ) -> list[Resident]:
        """Residents, newest first (optionally only verified/unverified, roster/chat)."""
        stmt = select(ResidentRow).order_by(ResidentRow.id.desc()).limit(limit)
        if verified is not None:
            stmt = stmt.where(ResidentRow.verified == verified)
        if source is not None:
            stmt = stmt.where(ResidentRow.source == source)
        return [self._to_domain(r) for r in self.session.scalars(stmt)]

    def delete(self, resident_id: int) -> None:
        """Remove the row and with it every personal field."""
        self.session.execute(delete(ResidentRow).where(ResidentRow.id == resident_id))

    def count(self) -> int:
        """How many residents there are."""
        return int(self.session.scalar(select(func.count()).select_from(ResidentRow)) or 0)


class SqlStaffRepository:
    """Staff accounts (no personal data beyond a work name)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: StaffRow) -> Staff:
        return Staff(row.code, row.name, row.role, row.user_id, list(row.grids or []), row.active,
                     row.community, level=row.level or "", reach=row.reach or "",
                     read_only=bool(row.read_only))

    def get(self, code: str) -> Staff | None:
        """One staff member by code: of the communities in scope, or above them (街道/区/市)."""
        row = self.session.get(StaffRow, code)
        if row is None:  # a level member's name on the cards they acted on, in every community
            row = self.session.scalars(
                select(StaffRow).where(StaffRow.code == code, StaffRow.community == ABOVE)
                .execution_options(**ANY_COMMUNITY)
            ).first()
        return self._to_domain(row) if row else None

    def by_user(self, user_id: int) -> Staff | None:
        """The active staff member behind a chat user."""
        row = self.session.scalars(
            select(StaffRow).where(StaffRow.user_id == user_id, StaffRow.active.is_(True))
            .execution_options(**ANY_COMMUNITY)
        ).first()
        return self._to_domain(row) if row else None

    def list(self) -> list[Staff]:
        """All staff, by code."""
        return [self._to_domain(r) for r in self.session.scalars(select(StaffRow).order_by(StaffRow.code))]

    def save(self, staff: Staff) -> None:
        """Insert or update."""
        row = self.session.get(StaffRow, staff.code) or StaffRow(code=staff.code)
        row.name, row.role, row.user_id = staff.name, staff.role, staff.user_id
        row.grids, row.active = list(staff.grids), staff.active
        row.level, row.reach, row.read_only = staff.level, staff.reach, staff.read_only
        if staff.level:  # above the communities: filed under none of them
            row.community = ABOVE
        self.session.add(row)
        self.session.flush()
