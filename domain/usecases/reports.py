"""Residents' report use cases: file, follow, see, rate, reopen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.errors import InvalidTransition, NotFound
from domain.events import ReportChanged, ReportFiled, ReportRated
from domain.ports import UnitOfWork
from domain.reports import OPEN_STATUSES, Change, Kind, Report, Status, validate_description
from domain.residents import Address
from domain.similarity import likely_duplicate
from domain.sla import OfficeHours


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
    urgent_accept_minutes: float = 30  # emergencies: real minutes, not office hours


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
    urgent: bool = False


def accept_due(rules: ReportRules, now: datetime, urgent: bool) -> datetime:
    """When staff must accept: office hours normally; an emergency counts real minutes."""
    if urgent:
        return now + timedelta(minutes=rules.urgent_accept_minutes)
    return rules.office_hours.add_working_hours(now, rules.accept_hours)


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
            accept_due=accept_due(rules, now, draft.urgent),
            resolve_due=rules.office_hours.add_working_days(now, rules.resolve_days),
            history=[Change(now, Status.PENDING, "resident")], urgent=draft.urgent,
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
    """The asker's reports and those this chat follows, newest first."""
    with uow:
        mine = uow.reports.list_mine(user_id, chat_id, limit=limit)
        known = {r.number for r in mine}
        followed = [r for r in uow.reports.list_followed(chat_id, limit=limit) if r.number not in known]
    both = sorted([*mine, *followed], key=lambda r: (r.created_at is not None, r.created_at), reverse=True)
    return both[:limit]


def is_mine(report: Report, resident_id: int | None, chat_id: int) -> bool:
    """Whether the asker filed this report (a follower did not)."""
    return report.chat_id == chat_id or (resident_id is not None and report.resident_id == resident_id)


def show_followed_report(uow: UnitOfWork, number: str, chat_id: int) -> Report:
    """A report this chat follows (shown without the reporter's words or data)."""
    with uow:
        report = uow.reports.get(number)
        if report is None or chat_id not in report.followers:
            raise NotFound(number)
        return report


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
    """A 1–5 rating of a resolved report: the reporter's, or a follower's kept as theirs."""
    with uow:
        try:
            report = _owned(uow, number, user_id, chat_id)
            follower = None
        except NotFound:
            report = show_followed_report(uow, number, chat_id)
            follower = chat_id
        report.rate(stars, follower)
        uow.reports.save(report)
        uow.publish(ReportRated(number, stars, follower is not None))
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
        report.accept_due = accept_due(rules, now, report.urgent)
        report.resolve_due = rules.office_hours.add_working_days(now, rules.resolve_days)
        uow.reports.save(report)
        uow.publish(ReportChanged(number, Status.PENDING.value, report.history[-1].note, "resident"))
        uow.commit()
        return report
