"""公开之栏 use cases: publish notices, write ledger lines (one, or a sheet), move projects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.board import (
    LedgerLine,
    Notice,
    Project,
    ProjectStatus,
    ProjectUpdate,
    month_bounds,
    validate_ledger_row,
)
from domain.errors import InvalidValue, NotFound, RosterInvalid, RowProblem, StaffOnly
from domain.ports import UnitOfWork
from domain.staff import Staff

MAX_TITLE = 40
MAX_TEXT = 2000


@dataclass(frozen=True)
class LedgerImport:
    """What a ledger sheet import wrote and which rows it left out."""

    added: int
    skipped: list[RowProblem]


def check_publisher(staff: Staff | None, roles: Iterable[str]) -> Staff:
    """The staff member, if active and of a role that may publish; else StaffOnly."""
    if staff is None or not staff.active or staff.role not in set(roles):
        raise StaffOnly()
    return staff


def publish_notice(uow: UnitOfWork, notice: Notice) -> Notice:
    """Write a notice (title and text checked)."""
    notice.title, notice.text = notice.title.strip(), notice.text.strip()
    if not notice.title:
        raise InvalidValue("title", "empty")
    if len(notice.title) > MAX_TITLE:
        raise InvalidValue("title", "too_long", max=MAX_TITLE)
    if not notice.text:
        raise InvalidValue("text", "empty")
    notice.text = notice.text[:MAX_TEXT]
    with uow:
        uow.board.add_notice(notice)
        uow.commit()
    return notice


def add_line(uow: UnitOfWork, line: LedgerLine, now: datetime) -> LedgerLine:
    """Write one ledger line (amount > 0, a purpose)."""
    if line.amount_fen <= 0:
        raise InvalidValue("amount", "not_positive")
    if not line.purpose.strip():
        raise InvalidValue("purpose", "empty")
    line.entered_at = now
    with uow:
        uow.board.add_line(line)
        uow.commit()
    return line


def import_ledger(
    uow: UnitOfWork, rows: Iterable[dict[str, object]], estates: dict[str, str], entered_by: str,
    now: datetime, *, skip_invalid: bool = False,
) -> LedgerImport:
    """Import a ledger sheet all-or-nothing (unless skip_invalid); the header is row 1."""
    good: list[LedgerLine] = []
    problems: list[RowProblem] = []
    for n, raw in enumerate(rows, start=2):
        if not any(str(v).strip() for v in raw.values() if v is not None):
            continue  # blank line in a spreadsheet
        result = validate_ledger_row(n, raw, estates)
        if isinstance(result, list):
            problems.extend(result)
        else:
            good.append(result)
    if problems and not skip_invalid:
        raise RosterInvalid(problems)
    with uow:
        for line in good:
            line.entered_by, line.entered_at = entered_by, now
            uow.board.add_line(line)
        uow.commit()
    return LedgerImport(len(good), problems)


def month_lines(uow: UnitOfWork, year: int, month: int, estates: list[str] | None) -> list[LedgerLine]:
    """A month's ledger lines, oldest first (estates None: all; "" is the whole community)."""
    start, end = month_bounds(year, month)
    return uow.board.lines(start, end, estates)


def add_project(uow: UnitOfWork, project: Project) -> Project:
    """Register a project."""
    if not project.name.strip():
        raise InvalidValue("name", "empty")
    with uow:
        uow.board.add_project(project)
        uow.commit()
    return project


def update_project(
    uow: UnitOfWork, project_id: int, text: str, status: ProjectStatus | None, by: str, day: date,
) -> tuple[Project, ProjectUpdate]:
    """Add a dated update (and maybe a new status) inside the caller's transaction."""
    project = uow.board.project(project_id)
    if project is None:
        raise NotFound(str(project_id))
    text = text.strip()
    if not text and status is None:
        raise InvalidValue("text", "empty")
    if not text and status is not None:
        text = status.value
    update = ProjectUpdate(day=day, text=text[:MAX_TEXT], project_id=project_id, status=status, by=by)
    if status is not None and status != project.status:
        project.status = status
        uow.board.save_project(project)
    uow.board.add_update(update)
    project.updates.append(update)
    return project, update
