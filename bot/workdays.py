"""China's working-day calendar for SLA deadlines: public holidays and 调休 make-up days.

The data comes from the maintained `chinesecalendar` package (updated each year when the
State Council publishes the schedule); dates in config are added on top and win, so a
year the package does not know yet, or a local day off, is one config line.
"""

from __future__ import annotations

import logging
from datetime import date

log = logging.getLogger(__name__)


def package_calendar() -> tuple[frozenset[date], frozenset[date], range]:
    """(holidays, make-up workdays, years covered) from `chinesecalendar`; empty if missing."""
    try:
        import chinese_calendar
    except ImportError:  # the dependency is declared; this only guards a broken install
        log.warning("chinesecalendar is not installed: only config holidays are used")
        return frozenset(), frozenset(), range(0)
    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    years = {d.year for d in holidays}
    return holidays, workdays, range(min(years), max(years) + 1) if years else range(0)


def working_calendar(
    holidays: list[date], workdays: list[date], *, use_package: bool = True, today: date | None = None,
) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, days worked) for OfficeHours: the package's calendar with config on top."""
    pkg_off, pkg_on, years = package_calendar() if use_package else (frozenset(), frozenset(), range(0))
    off, on = set(holidays), set(workdays)
    year = (today or date.today()).year
    if use_package and year not in years and not any(d.year == year for d in off | on):
        log.warning("chinesecalendar has no holidays for %d yet: list them in "
                    "community.office_hours.holidays/workdays (or upgrade the package)", year)
    return frozenset((pkg_off - on) | off), frozenset((pkg_on - off) | on)
