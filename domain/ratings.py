"""物业评价 / 业委会评价: one rating a month per resident and target, summarised per 小区."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidValue

TARGETS = ("property", "committee")  # 物业, 业委会
MAX_COMMENT = 300


@dataclass
class Rating:
    """A resident's stars (1–5) for a target in an estate and month (YYYY-MM, local time)."""

    estate: str
    target: str
    month: str
    stars: int
    comment: str = ""
    resident_id: int | None = None  # kept as a keyed hash at rest, never shown to staff
    at: datetime | None = None


@dataclass(frozen=True)
class MonthSummary:
    """One estate, target and month: how many rated and the average."""

    estate: str
    target: str
    month: str
    count: int
    average: float


def check_rating(target: str, stars: int, comment: str) -> str:
    """The cleaned comment; raises InvalidValue for a broken rule."""
    if target not in TARGETS:
        raise InvalidValue("target", "unknown")
    if not 1 <= stars <= 5:
        raise InvalidValue("rating", "range")
    comment = " ".join(comment.split())
    if len(comment) > MAX_COMMENT:
        raise InvalidValue("description", "too_long", max=MAX_COMMENT)
    return comment


def month_of(at: datetime, zone: ZoneInfo) -> str:
    """The local month of a moment, as 2026-12."""
    return f"{at.astimezone(zone):%Y-%m}"


def last_months(month: str, n: int) -> list[str]:
    """The n months ending with `month`, oldest first."""
    year, mon = (int(x) for x in month.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return out[::-1]


def trend(averages: list[float | None]) -> float | None:
    """The change from the first to the last month that has ratings (None if fewer than two)."""
    known = [a for a in averages if a is not None]
    return round(known[-1] - known[0], 2) if len(known) >= 2 else None


