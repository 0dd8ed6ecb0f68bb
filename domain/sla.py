"""Service-level deadlines counted in office hours, as staff promise them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class OfficeHours:
    """When the office works: ISO weekdays and daily start/end, in the community's zone.

    `holidays` are days off even on a working weekday (国庆, 春节 …); `workdays` are the
    调休 make-up days worked even on a weekend. Both come from the calendar the composition
    root injects (a maintained package plus config), so this module stays pure.
    """

    weekdays: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        """Whether the office works on this calendar day."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.isoweekday() in self.weekdays

    def add_working_hours(self, at: datetime, hours: float) -> datetime:
        """The instant `hours` of office time after `at` (aware datetimes in, UTC out)."""
        local = at.astimezone(self.zone)
        left = timedelta(hours=hours)
        for _ in range(3660):  # at most ten years of days: a hard stop for bad configs
            day_start = datetime.combine(local.date(), self.start, self.zone)
            day_end = datetime.combine(local.date(), self.end, self.zone)
            if self.is_working_day(local.date()) and local < day_end:
                begin = max(local, day_start)
                available = day_end - begin
                if left <= available:
                    return (begin + left).astimezone(ZoneInfo("UTC"))
                left -= available
            nxt = local.date() + timedelta(days=1)
            local = datetime.combine(nxt, time(0, 0), self.zone)
        raise ValueError("office hours never open")

    def add_working_days(self, at: datetime, days: float) -> datetime:
        """The instant `days` full office days after `at` (a day is start→end of office time)."""
        day = datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)
        return self.add_working_hours(at, days * day / timedelta(hours=1))

    def is_open(self, at: datetime) -> bool:
        """Whether the office is working at this instant."""
        local = at.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end
