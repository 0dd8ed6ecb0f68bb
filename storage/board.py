"""公开之栏 tables and repository: notices, ledger lines, projects and their updates (public data)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.board import Kind, LedgerLine, Notice, Project, ProjectStatus, ProjectUpdate
from storage.models import Base
from storage.scope import Scoped


class NoticeRow(Scoped, Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    estate: Mapped[str] = mapped_column(String(32), default="", index=True)  # "" = whole community
    published_at: Mapped[datetime] = mapped_column(index=True)
    by: Mapped[str] = mapped_column(String(32))


class LedgerRow(Scoped, Base):
    __tablename__ = "ledger_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(120))
    approver: Mapped[str] = mapped_column(String(64), default="")
    estate: Mapped[str] = mapped_column(String(32), default="", index=True)
    receipt_file_id: Mapped[str | None] = mapped_column(String(256))
    entered_by: Mapped[str] = mapped_column(String(32), default="")
    entered_at: Mapped[datetime]


class ProjectRow(Scoped, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    estate: Mapped[str] = mapped_column(String(32), default="", index=True)
    status: Mapped[str] = mapped_column(String(8))
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)


class ProjectUpdateRow(Base):
    __tablename__ = "project_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(8))
    by: Mapped[str] = mapped_column(String(32), default="")


def _line(r: LedgerRow) -> LedgerLine:
    return LedgerLine(day=r.day, amount_fen=r.amount_fen, kind=Kind(r.kind), purpose=r.purpose,
                      approver=r.approver, estate=r.estate, receipt_file_id=r.receipt_file_id,
                      entered_by=r.entered_by, entered_at=r.entered_at, id=r.id)


def _update(r: ProjectUpdateRow) -> ProjectUpdate:
    return ProjectUpdate(day=r.day, text=r.text, project_id=r.project_id,
                         status=ProjectStatus(r.status) if r.status else None, by=r.by, id=r.id)


class SqlBoardRepository:
    """Public records: stored as plain text (they carry no personal data)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add_notice(self, notice: Notice) -> None:
        """Write a notice and give it its id."""
        row = NoticeRow(title=notice.title, text=notice.text, estate=notice.estate,
                        published_at=notice.published_at, by=notice.by)
        self.s.add(row)
        self.s.flush()
        notice.id = row.id

    def notices(self, *, since: datetime | None = None, until: datetime | None = None,
                estates: list[str] | None = None, limit: int = 50) -> list[Notice]:
        """Newest first."""
        q = select(NoticeRow).order_by(NoticeRow.published_at.desc(), NoticeRow.id.desc()).limit(limit)
        if since is not None:
            q = q.where(NoticeRow.published_at >= since)
        if until is not None:
            q = q.where(NoticeRow.published_at < until)
        if estates is not None:
            q = q.where(NoticeRow.estate.in_(estates))
        return [Notice(title=r.title, text=r.text, estate=r.estate, published_at=r.published_at,
                       by=r.by, id=r.id) for r in self.s.scalars(q)]

    def add_line(self, line: LedgerLine) -> None:
        """Write a ledger line and give it its id."""
        row = LedgerRow(day=line.day, amount_fen=line.amount_fen, kind=line.kind.value,
                        purpose=line.purpose, approver=line.approver, estate=line.estate,
                        receipt_file_id=line.receipt_file_id, entered_by=line.entered_by,
                        entered_at=line.entered_at)
        self.s.add(row)
        self.s.flush()
        line.id = row.id

    def lines(self, start: date, end: date, estates: list[str] | None = None) -> list[LedgerLine]:
        """Lines dated start <= day < end, oldest first."""
        q = (select(LedgerRow).where(LedgerRow.day >= start, LedgerRow.day < end)
             .order_by(LedgerRow.day, LedgerRow.id))
        if estates is not None:
            q = q.where(LedgerRow.estate.in_(estates))
        return [_line(r) for r in self.s.scalars(q)]

    def add_project(self, project: Project) -> None:
        """Write a project (and any updates it carries)."""
        row = ProjectRow(name=project.name, estate=project.estate, status=project.status.value,
                         budget_fen=project.budget_fen)
        self.s.add(row)
        self.s.flush()
        project.id = row.id
        for u in project.updates:
            u.project_id = row.id
            self.add_update(u)

    def save_project(self, project: Project) -> None:
        """Store a project's status and budget."""
        row = self.s.get(ProjectRow, project.id)
        if row is not None:
            row.status, row.budget_fen = project.status.value, project.budget_fen

    def add_update(self, update: ProjectUpdate) -> None:
        """Write a project update and give it its id."""
        row = ProjectUpdateRow(project_id=update.project_id, day=update.day, text=update.text,
                               status=update.status.value if update.status else None, by=update.by)
        self.s.add(row)
        self.s.flush()
        update.id = row.id

    def project(self, project_id: int) -> Project | None:
        """A project with its updates."""
        row = self.s.get(ProjectRow, project_id)
        return self._with_updates([row])[0] if row is not None else None

    def projects(self, estates: list[str] | None = None) -> list[Project]:
        """Every project (of those estates), in the order they were registered."""
        q = select(ProjectRow).order_by(ProjectRow.id)
        if estates is not None:
            q = q.where(ProjectRow.estate.in_(estates))
        return self._with_updates(list(self.s.scalars(q)))

    def _with_updates(self, rows: list[ProjectRow]) -> list[Project]:
        ids = [r.id for r in rows]
        updates: dict[int, list[ProjectUpdate]] = {i: [] for i in ids}
        if ids:
            q = select(ProjectUpdateRow).where(ProjectUpdateRow.project_id.in_(ids)).order_by(
                ProjectUpdateRow.day, ProjectUpdateRow.id)
            for u in self.s.scalars(q):
                updates[u.project_id].append(_update(u))
        return [Project(name=r.name, estate=r.estate, status=ProjectStatus(r.status),
                        budget_fen=r.budget_fen, updates=updates[r.id], id=r.id) for r in rows]

    def is_empty(self) -> bool:
        """Nothing published yet (the sample is seeded only then)."""
        return not any(self.s.scalar(select(exists().where(t.id > 0)))
                       for t in (NoticeRow, LedgerRow, ProjectRow))
