"""Report use cases: file, follow, act (staff), rate, reopen, list, SLA checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.errors import InvalidTransition, NotAllowed, NotFound
from domain.events import (
    ContactViewed,
    ReportAssigned,
    ReportChanged,
    ReportFiled,
    ReportOverdue,
    ReportRated,
)
from domain.ports import UnitOfWork
from domain.reports import OPEN_STATUSES, Change, Kind, Report, Status, validate_description
from domain.residents import Address
from domain.similarity import likely_duplicate
from domain.sla import OfficeHours
from domain.staff import Staff


@dataclass(frozen=True)
class ReportRules:
    """What config says about reports, in domain terms."""

    prefix: str
    office_hours: OfficeHours
    accept_hours: float
    resolve_days: float
    reopen_days: int
    duplicate_days: int
    grid_of_estate: dict[str, str] = field(default_factory=dict)


@dataclass
class Draft:
    """What a resident has told us so far about a new report."""

    kind: Kind
    category: str
    description: str
    address: Address = field(default_factory=Address)
    latitude: float | None = None
    longitude: float | None = None
    photos: list[str] = field(default_factory=list)


def find_duplicate(uow: UnitOfWork, draft: Draft, rules: ReportRules, now: datetime) -> Report | None:
    """An open report of the last days that looks like the same thing."""
    with uow:
        since = now - timedelta(days=rules.duplicate_days)
        candidates = uow.reports.list(statuses=OPEN_STATUSES, estate=draft.address.estate or None,
                                      since=since, limit=200)
        probe = Report("", draft.kind, draft.category, draft.description, None, None, None,
                       address=draft.address)
        return likely_duplicate(probe, candidates)


def file_report(
    uow: UnitOfWork, draft: Draft, rules: ReportRules, now: datetime,
    resident_id: int | None, chat_id: int | None,
) -> Report:
    """Write the report with its number and deadlines; staff are told through the outbox."""
    description = validate_description(draft.description)
    with uow:
        number = uow.reports.next_number(rules.prefix, now)
        report = Report(
            number=number, kind=draft.kind, category=draft.category, description=description,
            resident_id=resident_id, chat_id=chat_id,
            grid=rules.grid_of_estate.get(draft.address.estate), address=draft.address,
            latitude=draft.latitude, longitude=draft.longitude, photos=list(draft.photos),
            created_at=now,
            accept_due=rules.office_hours.add_working_hours(now, rules.accept_hours),
            resolve_due=now + timedelta(days=rules.resolve_days),
            history=[Change(now, Status.PENDING, "resident")],
        )
        uow.reports.add(report)
        uow.publish(ReportFiled(number))
        uow.commit()
        return report


def _owned(uow: UnitOfWork, number: str, user_id: int, chat_id: int) -> Report:
    report = uow.reports.get(number)
    resident = uow.residents.by_user(user_id)
    if report is None:
        raise NotFound(number)
    mine = report.chat_id == chat_id or (
        resident is not None and resident.id is not None and report.resident_id == resident.id)
    if not mine:
        raise NotFound(number)  # never confirm that someone else's number exists
    return report


def show_my_report(uow: UnitOfWork, number: str, user_id: int, chat_id: int) -> Report:
    """One of the asker's own reports, with history."""
    with uow:
        return _owned(uow, number, user_id, chat_id)


def list_my_reports(uow: UnitOfWork, user_id: int, chat_id: int, limit: int = 10) -> list[Report]:
    """The asker's reports, newest first: by their resident record and by this chat."""
    with uow:
        resident = uow.residents.by_user(user_id)
        found = {r.number: r for r in uow.reports.list(chat_id=chat_id, limit=limit)}
        if resident is not None and resident.id is not None:
            for r in uow.reports.list(resident_id=resident.id, limit=limit):
                found.setdefault(r.number, r)
        ordered = sorted(found.values(), key=lambda r: r.created_at or datetime.min, reverse=True)
        return ordered[:limit]


def follow_report(uow: UnitOfWork, number: str, chat_id: int) -> Report:
    """Be told of every change of an existing report instead of filing the same thing."""
    with uow:
        report = uow.reports.get(number)
        if report is None or not report.is_open:
            raise NotFound(number)
        if chat_id != report.chat_id and chat_id not in report.followers:
            report.followers.append(chat_id)
            uow.reports.save(report)
        uow.commit()
        return report


def rate_report(uow: UnitOfWork, number: str, user_id: int, chat_id: int, stars: int) -> Report:
    """The resident's 1–5 rating of a resolved report."""
    with uow:
        report = _owned(uow, number, user_id, chat_id)
        report.rate(stars)
        uow.reports.save(report)
        uow.publish(ReportRated(number, stars))
        uow.commit()
        return report


def reopen_report(
    uow: UnitOfWork, number: str, user_id: int, chat_id: int, reason: str, rules: ReportRules,
    now: datetime,
) -> Report:
    """Reopen a resolved report within the allowed days; deadlines start again."""
    with uow:
        report = _owned(uow, number, user_id, chat_id)
        if not report.can_reopen(now, rules.reopen_days):
            raise InvalidTransition("reopen window passed")
        report.move(Status.PENDING, "resident", now, validate_description(reason))
        report.rating = None
        report.reminders, report.escalated = 0, False
        report.accept_due = rules.office_hours.add_working_hours(now, rules.accept_hours)
        report.resolve_due = now + timedelta(days=rules.resolve_days)
        uow.reports.save(report)
        uow.publish(ReportChanged(number, Status.PENDING.value, report.history[-1].note, "resident"))
        uow.commit()
        return report


# Staff are named by their chat user id (buttons) or by their staff code (CLI).
Actor = int | str


def check_staff(uow: UnitOfWork, who: Actor, report: Report) -> Staff:
    """The staff member behind a chat user or code, if they may act on this report."""
    return _staff_for(uow, who, report)


def _staff_for(uow: UnitOfWork, who: Actor, report: Report) -> Staff:
    staff = uow.staff.get(who) if isinstance(who, str) else uow.staff.by_user(who)
    if staff is None or not (staff.serves(report.grid) or staff.code == report.assignee):
        raise NotAllowed("staff only")
    return staff


STAFF_ACTIONS = {
    "acc": Status.ACCEPTED, "prog": Status.IN_PROGRESS, "done": Status.RESOLVED,
    "rej": Status.REJECTED, "dup": Status.DUPLICATE, "xfer": Status.TRANSFERRED,
}


def act_on_report(
    uow: UnitOfWork, number: str, user_id: Actor, action: str, now: datetime, note: str = "",
) -> Report:
    """A staff member moves a report along its lifecycle (checked: who, and is it still valid)."""
    with uow:
        report = uow.reports.get(number)
        if report is None:
            raise NotFound(number)
        staff = _staff_for(uow, user_id, report)
        to = STAFF_ACTIONS[action]
        report.move(to, staff.code, now, note)
        if to == Status.ACCEPTED:
            report.assignee = report.assignee or staff.code
            report.reminders, report.escalated = 0, False
        uow.reports.save(report)
        uow.publish(ReportChanged(number, to.value, note, staff.code))
        uow.commit()
        return report


def assign_report(uow: UnitOfWork, number: str, user_id: Actor, to_code: str) -> tuple[Report, Staff]:
    """Hand a report to another staff member (转派); their grid takes it over."""
    with uow:
        report = uow.reports.get(number)
        if report is None:
            raise NotFound(number)
        staff = _staff_for(uow, user_id, report)
        if not report.is_open:
            raise InvalidTransition("closed")
        target = uow.staff.get(to_code)
        if target is None or not target.active:
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
        uow.publish(ContactViewed(number, staff.code))
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
