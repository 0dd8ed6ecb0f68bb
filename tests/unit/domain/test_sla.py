"""SLA deadlines counted in office hours (Asia/Shanghai), as the office promises them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.sla import OfficeHours

SH = ZoneInfo("Asia/Shanghai")
HOURS = OfficeHours(frozenset({1, 2, 3, 4, 5}), time(8, 30), time(17, 30), SH)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """An instant given in Shanghai local time."""
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def test_friday_afternoon_plus_four_hours_is_monday_morning() -> None:
    friday = local(2026, 11, 27, 16, 30)
    assert friday.isoweekday() == 5
    due = HOURS.add_working_hours(friday, 4)
    assert due.tzinfo is not None and due.utcoffset() == UTC.utcoffset(None)
    assert due.astimezone(SH) == local(2026, 11, 30, 11, 30)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (local(2026, 11, 25, 9, 0), 4, local(2026, 11, 25, 13, 0)),  # same day
        (local(2026, 11, 25, 7, 0), 1, local(2026, 11, 25, 9, 30)),  # before opening
        (local(2026, 11, 25, 20, 0), 1, local(2026, 11, 26, 9, 30)),  # after closing
        (local(2026, 11, 28, 10, 0), 2, local(2026, 11, 30, 10, 30)),  # Saturday
        (local(2026, 11, 25, 8, 30), 9, local(2026, 11, 25, 17, 30)),  # exactly one day
        (local(2026, 11, 25, 8, 30), 27, local(2026, 11, 27, 17, 30)),  # three days
    ],
)
def test_working_hours_skip_nights_and_weekends(
    start: datetime, hours: float, expected: datetime
) -> None:
    assert HOURS.add_working_hours(start, hours).astimezone(SH) == expected


def test_utc_input_gives_the_same_answer() -> None:
    friday_utc = local(2026, 11, 27, 16, 30).astimezone(UTC)
    assert HOURS.add_working_hours(friday_utc, 4) == local(2026, 11, 30, 11, 30)


def test_is_open() -> None:
    assert HOURS.is_open(local(2026, 11, 27, 8, 30))
    assert not HOURS.is_open(local(2026, 11, 27, 17, 30))
    assert not HOURS.is_open(local(2026, 11, 28, 10, 0))


def test_office_that_never_opens_is_an_error_not_a_hang() -> None:
    never = OfficeHours(frozenset(), time(8, 30), time(17, 30), SH)
    with pytest.raises(ValueError):
        never.add_working_hours(local(2026, 11, 27, 9), 1)


# -- the calendar: public holidays and 调休 make-up days (injected, as bot/app.py does) ----
# 2026 as published: 中秋 9月25–27日, 国庆 10月1–7日; 调休 Sunday 9月20日 and Saturday 10月10日.
GUOQING = frozenset(date(2026, 10, d) for d in range(1, 8)) | frozenset(
    date(2026, 9, d) for d in (25, 26, 27))
MAKE_UP = frozenset({date(2026, 9, 20), date(2026, 10, 10)})
CALENDAR = replace(HOURS, holidays=GUOQING, workdays=MAKE_UP)


def test_a_report_filed_on_30_september_is_not_due_during_guoqing() -> None:
    due = CALENDAR.add_working_hours(local(2026, 9, 30, 16, 0), 4)
    # 1.5 h on 9月30日, then the office is closed 10月1–7日; 2.5 h more on 10月8日.
    assert due.astimezone(SH) == local(2026, 10, 8, 11, 0)


def test_a_make_up_saturday_is_a_working_day() -> None:
    saturday = local(2026, 10, 10, 9, 0)
    assert saturday.isoweekday() == 6
    assert CALENDAR.is_open(saturday) and not HOURS.is_open(saturday)
    assert CALENDAR.add_working_hours(local(2026, 10, 9, 16, 30), 2).astimezone(SH) == local(
        2026, 10, 10, 9, 30)


def test_a_holiday_weekday_is_closed() -> None:
    assert not CALENDAR.is_open(local(2026, 10, 2, 10, 0))
    assert CALENDAR.is_working_day(date(2026, 9, 20))  # a Sunday worked


def test_working_days_skip_the_holiday_too() -> None:
    # 3 office days from 9月30日 16:00: 1.5 h + 10月8日 + 10月9日 + 7.5 h of the 调休 Saturday.
    due = CALENDAR.add_working_days(local(2026, 9, 30, 16, 0), 3)
    assert due.astimezone(SH) == local(2026, 10, 10, 16, 0)
