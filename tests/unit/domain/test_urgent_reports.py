"""Urgent reports: accepted within real minutes (nights and weekends too), urgent after a reopen."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.reports import Kind, Status
from domain.residents import Address
from domain.sla import OfficeHours
from domain.usecases import reports as uc
from tests.support.fakes import FakeUnitOfWork

SH = ZoneInfo("Asia/Shanghai")
RULES = uc.ReportRules(prefix="BS", office_hours=OfficeHours(frozenset({1, 2, 3, 4, 5}), time(8, 30),
                                                              time(17, 30), SH),
                       accept_hours=4, resolve_days=3, reopen_days=7, duplicate_days=7,
                       urgent_accept_minutes=30)
SATURDAY_NIGHT = datetime(2026, 12, 5, 22, 0, tzinfo=SH)


def draft(urgent: bool) -> uc.Draft:
    return uc.Draft(Kind.REPAIR, "safety", "楼道里有燃气味", Address("E1", "3"), urgent=urgent)


def test_an_urgent_report_is_due_in_thirty_real_minutes() -> None:
    uow = FakeUnitOfWork()
    report = uc.file_report(uow, draft(True), RULES, SATURDAY_NIGHT, None, 1)
    assert report.urgent and report.accept_due == SATURDAY_NIGHT + timedelta(minutes=30)
    assert uow.reports.get(report.number).urgent  # type: ignore[union-attr]


def test_an_ordinary_report_waits_for_office_hours() -> None:
    report = uc.file_report(FakeUnitOfWork(), draft(False), RULES, SATURDAY_NIGHT, None, 1)
    assert not report.urgent
    assert report.accept_due == datetime(2026, 12, 7, 12, 30, tzinfo=SH).astimezone(UTC)


def test_a_reopened_urgent_report_keeps_its_short_deadline() -> None:
    uow = FakeUnitOfWork()
    report = uc.file_report(uow, draft(True), RULES, SATURDAY_NIGHT, None, 1)
    report.move(Status.RESOLVED, "S02", SATURDAY_NIGHT + timedelta(minutes=20))
    uow.reports.save(report)
    later = SATURDAY_NIGHT + timedelta(hours=2)
    again = uc.reopen_report(uow, report.number, 1, 1, "还是有味道", RULES, later)
    assert again.accept_due == later + timedelta(minutes=30)
