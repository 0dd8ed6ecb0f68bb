"""Volunteer repository: volunteers, tasks (places taken by a conditional UPDATE), 求助."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import Select

from domain.volunteers import HelpRequest, Signup, Task, Volunteer
from domain.worklist import Backlog, WorkScope
from storage.crypto import Crypto
from storage.models import Base
from storage.scope import Scoped

Ts = TypeVarTuple("Ts")


class VolunteerRow(Scoped, Base):
    __tablename__ = "volunteers"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    skills_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # may hold typed words
    times: Mapped[list[str]]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime]


class VolunteerTaskRow(Scoped, Base):
    """One task; `taken` is the count every taker's conditional UPDATE locks and checks."""

    __tablename__ = "volunteer_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    start: Mapped[datetime] = mapped_column(index=True)
    hours: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    skill: Mapped[str] = mapped_column(String(32), default="")
    estate: Mapped[str] = mapped_column(String(16), default="")
    grid: Mapped[str | None] = mapped_column(String(16))
    help_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    posted_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class VolunteerSignupRow(Base):
    __tablename__ = "volunteer_signups"
    __table_args__ = (UniqueConstraint("task_id", "resident_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("volunteer_tasks.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="taken")
    attended: Mapped[bool | None] = mapped_column(Boolean)
    at: Mapped[datetime]


class HelpRequestRow(Scoped, Base):
    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    estate: Mapped[str] = mapped_column(String(16), default="")
    grid: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    task_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


def _open_help_in(stmt: Select[*Ts], scope: WorkScope) -> Select[*Ts]:
    """Only the scope's 求助 not yet made a task (its grids, or of no grid when it takes those)."""
    row = HelpRequestRow
    stmt = stmt.where(row.status == "open")
    if scope.help_grids is not None:
        mine = row.grid.in_(sorted(scope.help_grids))
        stmt = stmt.where(or_(mine, row.grid.is_(None), row.grid == "") if scope.ungridded else mine)
    if scope.community is not None:
        stmt = stmt.where(row.community == scope.community)
    return stmt


class SqlVolunteerRepository:
    """Volunteers mapped to and from domain objects; typed words are encrypted."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    # --- volunteers ---
    def _volunteer(self, row: VolunteerRow) -> Volunteer:
        skills = (self.crypto.decrypt(row.skills_enc) or "").split("\n")
        return Volunteer(resident_id=row.resident_id, user_id=row.user_id, chat_id=row.chat_id,
                         skills=[s for s in skills if s], times=list(row.times),
                         active=row.active, joined_at=row.joined_at)

    def get(self, resident_id: int) -> Volunteer | None:
        """A volunteer by their resident id."""
        row = self.session.get(VolunteerRow, resident_id)
        return self._volunteer(row) if row else None

    def save(self, v: Volunteer) -> None:
        """Insert or update a volunteer."""
        row = self.session.get(VolunteerRow, v.resident_id)
        if row is None:
            row = VolunteerRow(resident_id=v.resident_id)
            self.session.add(row)
        row.user_id, row.chat_id, row.times, row.active = v.user_id, v.chat_id, list(v.times), v.active
        row.skills_enc = self.crypto.encrypt("\n".join(v.skills))
        row.joined_at = v.joined_at or row.joined_at
        self.session.flush()

    def active(self) -> builtins.list[Volunteer]:
        """Every volunteer still volunteering."""
        rows = self.session.scalars(select(VolunteerRow).where(VolunteerRow.active.is_(True))
                                    .order_by(VolunteerRow.resident_id))
        return [self._volunteer(r) for r in rows]

    # --- tasks ---
    def _task(self, row: VolunteerTaskRow) -> Task:
        return Task(title=self.crypto.decrypt(row.title_enc) or "", start=row.start,
                    hours=row.hours, capacity=row.capacity, posted_by=row.posted_by,
                    skill=row.skill, estate=row.estate, grid=row.grid, help_id=row.help_id,
                    status=row.status, taken=row.taken, id=row.id, created_at=row.created_at,
                    community=row.community or "")

    def add_task(self, task: Task) -> None:
        """Insert a task (its id is set)."""
        row = VolunteerTaskRow(
            title_enc=self.crypto.encrypt(task.title), start=task.start, hours=task.hours,
            capacity=task.capacity, taken=task.taken, skill=task.skill, estate=task.estate,
            grid=task.grid, help_id=task.help_id, status=task.status, posted_by=task.posted_by,
            created_at=task.created_at)
        self.session.add(row)
        self.session.flush()
        task.id = row.id

    def get_task(self, task_id: int) -> Task | None:
        """A task by id (its place count as committed or taken in this transaction)."""
        row = self.session.get(VolunteerTaskRow, task_id, populate_existing=True)
        return self._task(row) if row else None

    def tasks(self, *, since: datetime | None = None, until: datetime | None = None,
              limit: int = 100) -> builtins.list[Task]:
        """Tasks in start-time order."""
        stmt = select(VolunteerTaskRow).order_by(VolunteerTaskRow.start, VolunteerTaskRow.id)
        if since is not None:
            stmt = stmt.where(VolunteerTaskRow.start >= since)
        if until is not None:
            stmt = stmt.where(VolunteerTaskRow.start < until)
        return [self._task(r) for r in self.session.scalars(stmt.limit(limit))]

    def take(self, task_id: int, now: datetime) -> bool:
        """Take one place if one is free: one conditional UPDATE, never read-then-write.

        PostgreSQL re-checks `taken < capacity` after the row lock is granted; SQLite lets one
        writer in at a time. Either way the last place goes once.
        """
        done = self.session.execute(
            update(VolunteerTaskRow)
            .where(VolunteerTaskRow.id == task_id, VolunteerTaskRow.status == "open",
                   VolunteerTaskRow.start > now,
                   VolunteerTaskRow.taken < VolunteerTaskRow.capacity)
            .values(taken=VolunteerTaskRow.taken + 1)
            .execution_options(synchronize_session=False))
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def release(self, task_id: int) -> None:
        """Give a place back."""
        self.session.execute(
            update(VolunteerTaskRow)
            .where(VolunteerTaskRow.id == task_id, VolunteerTaskRow.taken > 0)
            .values(taken=VolunteerTaskRow.taken - 1)
            .execution_options(synchronize_session=False))

    # --- signups ---
    @staticmethod
    def _signup(row: VolunteerSignupRow) -> Signup:
        return Signup(task_id=row.task_id, resident_id=row.resident_id, status=row.status,
                      attended=row.attended, id=row.id, at=row.at)

    def signup(self, task_id: int, resident_id: int) -> Signup | None:
        """This volunteer's place on the task, if they ever took one."""
        row = self.session.scalars(
            select(VolunteerSignupRow)
            .where(VolunteerSignupRow.task_id == task_id,
                   VolunteerSignupRow.resident_id == resident_id)
            .execution_options(populate_existing=True)).first()
        return self._signup(row) if row else None

    def save_signup(self, signup: Signup) -> None:
        """Insert or update a place."""
        row = self.session.get(VolunteerSignupRow, signup.id) if signup.id else None
        if row is None:
            row = VolunteerSignupRow(task_id=signup.task_id, resident_id=signup.resident_id)
            self.session.add(row)
        row.status, row.attended, row.at = signup.status, signup.attended, signup.at or row.at
        self.session.flush()
        signup.id = row.id

    def signups(self, task_id: int) -> builtins.list[Signup]:
        """The places taken on a task, in the order they were taken."""
        rows = self.session.scalars(
            select(VolunteerSignupRow)
            .where(VolunteerSignupRow.task_id == task_id, VolunteerSignupRow.status == "taken")
            .order_by(VolunteerSignupRow.at, VolunteerSignupRow.id))
        return [self._signup(r) for r in rows]

    def attended(self, since: datetime, until: datetime) -> builtins.list[tuple[Signup, Task]]:
        """Places marked 到了 on tasks starting in [since, until)."""
        rows = self.session.execute(
            select(VolunteerSignupRow, VolunteerTaskRow)
            .join(VolunteerTaskRow, VolunteerTaskRow.id == VolunteerSignupRow.task_id)
            .where(VolunteerSignupRow.status == "taken", VolunteerSignupRow.attended.is_(True),
                   VolunteerTaskRow.start >= since, VolunteerTaskRow.start < until)
            .order_by(VolunteerTaskRow.start, VolunteerSignupRow.id))
        return [(self._signup(s), self._task(t)) for s, t in rows]

    # --- 求助 ---
    def _help(self, row: HelpRequestRow) -> HelpRequest:
        return HelpRequest(resident_id=row.resident_id, chat_id=row.chat_id,
                           text=self.crypto.decrypt(row.text_enc) or "", estate=row.estate,
                           grid=row.grid, status=row.status, task_id=row.task_id, id=row.id,
                           created_at=row.created_at, community=row.community or "")

    def add_help(self, request: HelpRequest) -> None:
        """Insert a help request (its id is set)."""
        row = HelpRequestRow(resident_id=request.resident_id, chat_id=request.chat_id,
                             text_enc=self.crypto.encrypt(request.text), estate=request.estate,
                             grid=request.grid, status=request.status, task_id=request.task_id,
                             created_at=request.created_at)
        self.session.add(row)
        self.session.flush()
        request.id = row.id

    def get_help(self, help_id: int) -> HelpRequest | None:
        """A help request by id."""
        row = self.session.get(HelpRequestRow, help_id)
        return self._help(row) if row else None

    def open_help(self, limit: int = 1000) -> builtins.list[HelpRequest]:
        """Help requests not yet made a task, oldest first."""
        rows = self.session.scalars(select(HelpRequestRow).where(HelpRequestRow.status == "open")
                                    .order_by(HelpRequestRow.id).limit(limit))
        return [self._help(r) for r in rows]

    def open_help_backlog(self, scope: WorkScope) -> dict[str, Backlog]:
        """求助 not yet made a task, of the scope, per community, counted by the database."""
        row = HelpRequestRow
        stmt = _open_help_in(select(row.community, func.count(), func.min(row.created_at)), scope)
        return {c: Backlog(n, first) for c, n, first in self.session.execute(stmt.group_by(row.community))}

    def oldest_open_help(self, scope: WorkScope, limit: int) -> builtins.list[tuple[datetime, int]]:
        """(asked at, id) of the scope's `limit` oldest 求助 not yet made a task, nothing decrypted."""
        row = HelpRequestRow
        stmt = _open_help_in(select(row.created_at, row.id), scope).order_by(row.created_at, row.id).limit(limit)
        return [(at, i) for at, i in self.session.execute(stmt)]

    def help_many(self, ids: builtins.list[int]) -> builtins.list[HelpRequest]:
        """These 求助, in no particular order."""
        if not ids:
            return []
        return [self._help(r) for r in self.session.scalars(select(HelpRequestRow).where(HelpRequestRow.id.in_(ids)))]

    def save_help(self, request: HelpRequest) -> None:
        """Write a changed help request."""
        row = self.session.get(HelpRequestRow, request.id)
        assert row is not None
        row.status, row.task_id = request.status, request.task_id
        self.session.flush()
