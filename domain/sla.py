"""Service-level deadlines counted in office hours, as staff promise them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class OfficeHours:
    """When the office works: ISO weekdays and daily start/end, in the community's zone."""

    weekdays: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo

    def add_working_hours(self, at: datetime, hours: float) -> datetime:
        """The instant `hours` of office time after `at` (aware datetimes in, UTC out)."""
        local = at.astimezone(self.zone)
        left = timedelta(hours=hours)
        for _ in range(3660):  # at most ten years of days: a hard stop for bad configs
            day_start = datetime.combine(local.date(), self.start, self.zone)
            day_end = datetime.combine(local.date(), self.end, self.zone)
            if local.isoweekday() in self.weekdays and local < day_end:
                begin = max(local, day_start)
                available = day_end - begin
                if left <= available:
                    return (begin + left).astimezone(ZoneInfo("UTC"))
                left -= available
            nxt = local.date() + timedelta(days=1)
            local = datetime.combine(nxt, time(0, 0), self.zone)
        raise ValueError("office hours never open")

    def is_open(self, at: datetime) -> bool:
        """Whether the office is working at this instant."""
        local = at.astimezone(self.zone)
        return local.isoweekday() in self.weekdays and self.start <= local.time() < self.end
