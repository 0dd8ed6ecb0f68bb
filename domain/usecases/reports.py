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
            resolve_due=rules.office_hours.add_working_days(now, rules.resolve_days),
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
        return uow.reports.list_mine(user_id, chat_id, limit=limit)


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
        report.resolve_due = rules.office_hours.add_working_days(now, rules.resolve_days)
        uow.reports.save(report)
        uow.publish(ReportChanged(number, Status.PENDING.value, report.history[-1].note, "resident"))
        uow.commit()
        return report
