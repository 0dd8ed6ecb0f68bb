"""Staff handling of reports: act on them, reassign, see contacts, SLA checks, the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import Conflict, InvalidTransition, NotFound, StaffOnly, ViewOnly
from domain.events import ReportAssigned, ReportChanged, ReportOverdue
from domain.ports import UnitOfWork
from domain.reports import OPEN_STATUSES, Report, Status
from domain.staff import ABOVE, ROLES, Staff
from domain.usecases.reports import ReportRules

# Staff are named by their chat user id (buttons) or by their staff code (CLI).
Actor = int | str


def check_staff(uow: UnitOfWork, who: Actor, report: Report, *, acting: bool = False) -> Staff:
    """The staff member behind a chat user or code, if they may see (or, acting, change) this report."""
    return _staff_for(uow, who, report, acting=acting)


def _staff_for(uow: UnitOfWork, who: Actor, report: Report, *, acting: bool = True) -> Staff:
    staff = uow.staff.get(who) if isinstance(who, str) else uow.staff.by_user(who)
    # Role, then grid: an active staff member of a known role who serves the report's grid
    # (书记/社工 and 街道/区/市 staff serve all) or to whom it was handed; and of the report's
    # community (a level member's reach is the unit of work's scope: nothing else is visible).
    if staff is None or not staff.active or not (staff.role in ROLES or staff.read_only):
        raise StaffOnly(report.number)
    if staff.community != ABOVE and staff.community and report.community \
            and staff.community != report.community:
        raise StaffOnly(report.number)
    if not (staff.serves(report.grid) or staff.code == report.assignee):
        raise StaffOnly(report.number)
    if acting and staff.read_only:
        raise ViewOnly(report.number)
    return staff


def who_acted(uow: UnitOfWork, report: Report) -> str:
    """The name of the staff member behind the report's latest change ("" if not staff)."""
    code = report.last_actor()
    staff = uow.staff.get(code) if code else None
    return staff.name if staff else ""


STAFF_ACTIONS = {
    "acc": Status.ACCEPTED, "prog": Status.IN_PROGRESS, "done": Status.RESOLVED,
    "rej": Status.REJECTED, "dup": Status.DUPLICATE, "xfer": Status.TRANSFERRED,
}


def act_on_report(
    uow: UnitOfWork, number: str, user_id: Actor, action: str, now: datetime, note: str = "",
    *, public: bool = True, version: int | None = None,
) -> Report:
    """A staff member moves a report along its lifecycle (checked: who, and is it still valid).

    `version` is the one the staff member saw on the card; if the report has changed since,
    Conflict is raised (the storage also refuses a save over a newer version).
    """
    with uow:
        report = uow.reports.get(number)
        if report is None:
            raise NotFound(number)
        staff = _staff_for(uow, user_id, report)
        if version is not None and version != report.version:
            raise Conflict(number)
        to = STAFF_ACTIONS[action]
        report.move(to, staff.code, now, note, public=public)
        if to == Status.ACCEPTED:
            report.assignee = report.assignee or staff.code
            report.reminders, report.escalated = 0, False
        uow.reports.save(report)
        uow.publish(ReportChanged(number, to.value, note.strip(), staff.code, public))
        uow.commit()
        return report


def _open_for(uow: UnitOfWork, number: str, user_id: Actor) -> tuple[Report, Staff]:
    """An open report and the staff member acting on it (checked: who, and still open)."""
    report = uow.reports.get(number)
    if report is None:
        raise NotFound(number)
    staff = _staff_for(uow, user_id, report)
    if not report.is_open:
        raise InvalidTransition("closed")
    return report, staff


def note_report(uow: UnitOfWork, number: str, user_id: Actor, note: str, now: datetime,
                *, version: int | None = None) -> Report:
    """A staff member records a note on a report, open or closed (internal: the resident is
    not told; "已经电话告诉居民了" after 办结 is worth keeping too)."""
    with uow:
        report = uow.reports.get(number)
        if report is None:
            raise NotFound(number)
        staff = _staff_for(uow, user_id, report)
        if version is not None and version != report.version:
            raise Conflict(number)
        report.add_note(staff.code, now, note)
        uow.reports.save(report)
        uow.commit()
        return report


def assign_report(uow: UnitOfWork, number: str, user_id: Actor, to_code: str) -> tuple[Report, Staff]:
    """Hand a report to another staff member (转派); their grid takes it over."""
    with uow:
        report, staff = _open_for(uow, number, user_id)
        target = uow.staff.get(to_code)
        if target is None or not target.active or target.role == "admin" or target.read_only:
            raise NotFound(to_code)
        report.assignee = target.code
        if target.grids and report.grid not in target.grids:
            report.grid = target.grids[0]
        uow.reports.save(report)
        uow.publish(ReportAssigned(number, target.code, staff.code))
        uow.commit()
        return report, target


def view_contact(uow: UnitOfWork, number: str, user_id: Actor, now: datetime) -> tuple[str, str | None]:
    """The resident's name and phone for the staff member handling it; every view is logged."""
    with uow:
        report = uow.reports.get(number)
        if report is None:
            raise NotFound(number)
        staff = _staff_for(uow, user_id, report)
        resident = uow.residents.get(report.resident_id) if report.resident_id else None
        uow.audit.record(staff.code, "view_contact", number, now)
        uow.commit()
        if resident is None:
            return "", None
        return resident.name, resident.phone


def check_overdue(uow: UnitOfWork, rules: ReportRules, now: datetime) -> list[ReportOverdue]:
    """Remind once when a deadline passes; escalate once when it is far past."""
    raised: list[ReportOverdue] = []
    with uow:
        for report in uow.reports.list(statuses=OPEN_STATUSES, limit=10_000):
            if report.status == Status.PENDING:
                stage, due = "accept", report.accept_due
                far = rules.office_hours.add_working_hours(due, rules.accept_hours) if due else None
            else:
                stage, due = "resolve", report.resolve_due
                far = due + timedelta(days=1) if due else None
            if due is None or now < due:
                continue
            event: ReportOverdue | None = None
            if report.reminders == 0:
                report.reminders = 1
                event = ReportOverdue(report.number, stage, escalate=False)
            elif not report.escalated and far is not None and now >= far:
                report.escalated = True
                event = ReportOverdue(report.number, stage, escalate=True)
            if event:
                uow.reports.save(report)
                uow.publish(event)
                raised.append(event)
        uow.commit()
    return raised


@dataclass(frozen=True)
class Digest:
    """Figures of the daily digest for the staff chat."""

    new: int
    pending: int
    open: int
    overdue: int
    resolved: int
    average_rating: float | None


def daily_digest(uow: UnitOfWork, now: datetime) -> Digest:
    """What came in and what is owed, over the last 24 hours."""
    since = now - timedelta(days=1)
    with uow:
        recent = uow.reports.list(since=since, limit=10_000)
        open_ = uow.reports.list(statuses=OPEN_STATUSES, limit=10_000)
        resolved = uow.reports.list(statuses=[Status.RESOLVED], limit=10_000)
    overdue = sum(
        1 for r in open_
        if (r.status == Status.PENDING and r.accept_due and r.accept_due < now)
        or (r.status != Status.PENDING and r.resolve_due and r.resolve_due < now)
    )
    done = [r for r in resolved if r.resolved_at and r.resolved_at >= since]
    rated = [r.rating for r in done if r.rating]
    return Digest(
        new=len(recent), pending=sum(1 for r in open_ if r.status == Status.PENDING),
        open=sum(1 for r in open_ if r.status != Status.PENDING), overdue=overdue,
        resolved=len(done), average_rating=sum(rated) / len(rated) if rated else None,
    )
