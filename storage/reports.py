"""Report repository: numbers, records, history. Descriptions and exact places are encrypted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.errors import Conflict
from domain.reports import OPEN_STATUSES, Change, Kind, Report, Status, report_number
from domain.residents import Address
from domain.worklist import Backlog, WorkScope
from storage.crypto import Crypto
from storage.models import CounterRow, ReportChangeRow, ReportRow, ResidentRow
from storage.scope import ANY_COMMUNITY

Ts = TypeVarTuple("Ts")

# When an open report falls due (domain.worklist.report_due), as the database computes it.
DUE = func.coalesce(case((ReportRow.status == Status.PENDING.value, ReportRow.accept_due),
                         else_=ReportRow.resolve_due), ReportRow.created_at)


def _open_in(stmt: Select[*Ts], scope: WorkScope) -> Select[*Ts]:
    """Only the scope's open reports (its grids or handed to it; its one community if named)."""
    stmt = stmt.where(ReportRow.status.in_(sorted(s.value for s in OPEN_STATUSES)))
    if scope.grids is not None:
        stmt = stmt.where(or_(ReportRow.grid.in_(sorted(scope.grids)), ReportRow.assignee == scope.assignee))
    if scope.community is not None:
        stmt = stmt.where(ReportRow.community == scope.community)
    return stmt


def take_number(session: Session, zone: ZoneInfo, prefix: str, day: datetime) -> str:
    """PREFIX-YYYYMMDD-NNNN: the local day's next number, one counter row per prefix and day."""
    local = day.astimezone(zone)
    name = f"{prefix}-{local:%Y%m%d}"
    dialect = session.get_bind().dialect.name
    ins: Any = (postgresql if dialect == "postgresql" else sqlite).insert(CounterRow)
    stmt = ins.values(name=name, value=1).on_conflict_do_update(
        index_elements=[CounterRow.name], set_={"value": CounterRow.value + 1}
    ).returning(CounterRow.value)
    return report_number(prefix, local, int(session.execute(stmt).scalar_one()))


class SqlReportRepository:
    """Reports mapped to and from domain objects."""

    def __init__(self, session: Session, crypto: Crypto, zone: ZoneInfo) -> None:
        self.session = session
        self.crypto = crypto
        self.zone = zone

    def next_number(self, prefix: str, day: datetime) -> str:
        """Atomically take the next number of the local day (safe under concurrent writers)."""
        return take_number(self.session, self.zone, prefix, day)

    def _fill(self, row: ReportRow, r: Report) -> None:
        c = self.crypto
        row.number, row.kind, row.category = r.number, r.kind.value, r.category
        row.description_enc = c.encrypt(r.description) or b""
        row.estate, row.building = r.address.estate, r.address.building
        place = {"u": r.address.unit, "r": r.address.room, "lat": r.latitude, "lon": r.longitude}
        row.place_enc = c.encrypt(json.dumps(place))
        row.photos = list(r.photos)
        row.status, row.grid, row.assignee = r.status.value, r.grid, r.assignee
        row.resident_id, row.chat_id = r.resident_id, r.chat_id
        row.accept_due, row.resolve_due, row.resolved_at = r.accept_due, r.resolve_due, r.resolved_at
        row.rating, row.reminders, row.escalated = r.rating, r.reminders, r.escalated
        row.duplicate_of = r.duplicate_of
        row.followers = list(r.followers)
        row.urgent = r.urgent
        row.follower_ratings = {str(k): v for k, v in r.follower_ratings.items()}

    def _to_domain(self, row: ReportRow, with_history: bool = True) -> Report:
        c = self.crypto
        place = json.loads(c.decrypt(row.place_enc) or "{}")
        report = Report(
            id=row.id, number=row.number, kind=Kind(row.kind), category=row.category,
            description=c.decrypt(row.description_enc) or "",
            resident_id=row.resident_id, chat_id=row.chat_id, grid=row.grid,
            address=Address(row.estate, row.building, place.get("u", ""), place.get("r", "")),
            latitude=place.get("lat"), longitude=place.get("lon"), photos=list(row.photos or []),
            status=Status(row.status), assignee=row.assignee, created_at=row.created_at,
            accept_due=row.accept_due, resolve_due=row.resolve_due, resolved_at=row.resolved_at,
            rating=row.rating, reminders=row.reminders, escalated=row.escalated,
            duplicate_of=row.duplicate_of, followers=list(row.followers or []),
            urgent=bool(row.urgent),
            follower_ratings={int(k): int(v) for k, v in (row.follower_ratings or {}).items()},
            version=row.version or 0, community=row.community or "",
        )
        if with_history:
            rows = self.session.scalars(
                select(ReportChangeRow).where(ReportChangeRow.report_id == row.id)
                .order_by(ReportChangeRow.id)
            )
            report.history = [
                Change(ch.at, Status(ch.status), ch.by, c.decrypt(ch.note_enc) or "",
                       ch.note_public is not False)
                for ch in rows
            ]
        return report

    def _write_history(self, row_id: int, report: Report, known: int) -> None:
        for ch in report.history[known:]:
            self.session.add(ReportChangeRow(
                report_id=row_id, at=ch.at, status=ch.status.value, by=ch.by,
                note_enc=self.crypto.encrypt(ch.note) if ch.note else None, note_public=ch.public,
            ))

    def add(self, report: Report) -> None:
        """Insert a new report with its history."""
        assert report.created_at is not None
        row = ReportRow(created_at=report.created_at)
        self._fill(row, report)
        self.session.add(row)
        self.session.flush()
        report.id = row.id
        self._write_history(row.id, report, 0)
        self.session.flush()

    def save(self, report: Report) -> None:
        """Write back changes if nobody saved the report since it was read (else Conflict).

        The version check is one `UPDATE … WHERE version = …`: of two staff pressing at the
        same moment, the second waits for the first's row lock and then matches no row.
        """
        taken = self.session.execute(
            update(ReportRow)
            .where(ReportRow.number == report.number, ReportRow.version == report.version)
            .values(version=report.version + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(report.number)
        report.version += 1
        row = self.session.scalars(select(ReportRow).where(ReportRow.number == report.number)
                                   .execution_options(populate_existing=True)).one()
        known = len(self.session.scalars(
            select(ReportChangeRow.id).where(ReportChangeRow.report_id == row.id)).all())
        self._fill(row, report)
        self._write_history(row.id, report, known)
        self.session.flush()

    def get(self, number: str) -> Report | None:
        """One report by its number, as it is now in the database."""
        row = self.session.scalars(select(ReportRow).where(ReportRow.number == number)
                                   .execution_options(populate_existing=True)).first()
        return self._to_domain(row) if row else None

    def list_mine(self, user_id: int, chat_id: int, limit: int = 10) -> list[Report]:
        """Reports filed from this chat or by the resident bound to this user, in one query."""
        mine = select(ResidentRow.id).where(ResidentRow.user_id == user_id).scalar_subquery()
        stmt = (select(ReportRow)
                .where(or_(ReportRow.chat_id == chat_id, ReportRow.resident_id == mine))
                .order_by(ReportRow.created_at.desc(), ReportRow.id.desc()).limit(limit)
                # Their own, wherever filed (a report about their mother's 小区 is still theirs).
                .execution_options(**ANY_COMMUNITY))
        return [self._to_domain(r, with_history=False) for r in self.session.scalars(stmt)]

    def community_of_own(self, number: str, user_id: int, chat_id: int) -> str | None:
        """Where a report this asker filed or follows was filed, wherever that is; else None.

        The one city-wide lookup by number, and only for the report's own people: a resident's
        report about their mother's 小区 is opened, rated and reopened from home. Anyone else
        gets None, as if the number did not exist.
        """
        mine = select(ResidentRow.id).where(ResidentRow.user_id == user_id).scalar_subquery()
        stmt = (select(ReportRow.community)
                .where(ReportRow.number == number,
                       or_(ReportRow.chat_id == chat_id, ReportRow.resident_id == mine,
                           self._follows(chat_id)))
                .execution_options(**ANY_COMMUNITY))
        return self.session.scalars(stmt).first()

    def _follows(self, chat_id: int) -> Any:
        if self.session.get_bind().dialect.name == "postgresql":
            return ReportRow.followers.cast(postgresql.JSONB).contains([chat_id])
        member = func.json_each(ReportRow.followers).table_valued("value")
        return select(member.c.value).where(member.c.value == chat_id).exists()

    def list_followed(self, chat_id: int, limit: int = 10) -> list[Report]:
        """Reports whose followers include this chat, newest first."""
        stmt = (select(ReportRow).where(self._follows(chat_id))
                .order_by(ReportRow.created_at.desc(), ReportRow.id.desc()).limit(limit)
                .execution_options(**ANY_COMMUNITY))
        return [self._to_domain(r, with_history=False) for r in self.session.scalars(stmt)]

    def open_backlog(self, scope: WorkScope) -> dict[str, Backlog]:
        """Open reports of the scope per community, counted by the database (nothing decrypted)."""
        stmt = _open_in(select(ReportRow.community, func.count(), func.min(DUE)), scope)
        return {c: Backlog(n, first) for c, n, first in self.session.execute(stmt.group_by(ReportRow.community))}

    def most_urgent(self, scope: WorkScope, limit: int) -> list[tuple[datetime, str]]:
        """(due, number) of the scope's `limit` open reports due first (受理 while pending, else 办结;
        filed time if neither), nothing decrypted."""
        stmt = (_open_in(select(DUE, ReportRow.number), scope)
                .order_by(DUE, ReportRow.created_at.desc(), ReportRow.id.desc()).limit(limit))
        return [(due, number) for due, number in self.session.execute(stmt)]

    def many(self, numbers: list[str]) -> list[Report]:
        """These reports (without history), in no particular order."""
        if not numbers:
            return []
        rows = self.session.scalars(select(ReportRow).where(ReportRow.number.in_(numbers)))
        return [self._to_domain(r, with_history=False) for r in rows]

    def list(
        self,
        *,
        statuses: Iterable[Status] | None = None,
        estate: str | None = None,
        resident_id: int | None = None,
        chat_id: int | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[Report]:
        """Reports filtered, newest first (without history, for lists)."""
        stmt = select(ReportRow).order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
        if statuses is not None:
            stmt = stmt.where(ReportRow.status.in_([s.value for s in statuses]))
        if estate is not None:
            stmt = stmt.where(ReportRow.estate == estate)
        if resident_id is not None:
            stmt = stmt.where(ReportRow.resident_id == resident_id)
        if chat_id is not None:
            stmt = stmt.where(ReportRow.chat_id == chat_id)
        if since is not None:
            stmt = stmt.where(ReportRow.created_at >= since)
        rows = self.session.scalars(stmt.limit(limit)).all()
        return [self._to_domain(r, with_history=False) for r in rows]

    def detach_resident(self, resident_id: int) -> int:
        """Keep reports (the community's record) but cut them from a deleted resident."""
        res = self.session.execute(
            update(ReportRow).where(ReportRow.resident_id == resident_id)
            .values(resident_id=None, chat_id=None)
        )
        return int(res.rowcount or 0)  # type: ignore[attr-defined]
