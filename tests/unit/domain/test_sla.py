"""SLA deadlines counted in office hours (Asia/Shanghai), as the office promises them."""

from __future__ import annotations

from datetime import UTC, datetime, time
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
