"""Volunteers (志愿者): who offers which skills and times, tasks with places, help requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidTransition, NotAllowed

# Free times a volunteer can offer: code → label. Fixed words people use, not community facts.
TIME_SLOTS: dict[str, str] = {"wdd": "工作日白天", "wde": "工作日晚上", "wem": "周末上午",
                              "wea": "周末下午"}
OTHER_SKILL = "其他"  # the skill choice that asks for the skill in the volunteer's own words


class NotVolunteer(NotAllowed):
    """Only a signed-up volunteer may take a task."""


class TaskFull(InvalidTransition):
    """Every place of the task is taken."""


class TaskClosed(InvalidTransition):
    """The task has started, ended or was cancelled: it can no longer be taken or left."""


class TooEarly(InvalidTransition):
    """Attendance is marked only once the task has started."""


def slot_of(at: datetime, zone: ZoneInfo) -> str | None:
    """Which free-time slot a moment falls in (工作日白天 8–18, 晚上 18–22, 周末上午 6–12, 下午 12–18)."""
    local = at.astimezone(zone)
    h = local.hour
    if local.weekday() < 5:
        return "wdd" if 8 <= h < 18 else "wde" if 18 <= h < 22 else None
    return "wem" if 6 <= h < 12 else "wea" if 12 <= h < 18 else None


@dataclass
class Volunteer:
    """A resident who signed up; `active` False once they stopped (their hours are kept)."""

    resident_id: int
    user_id: int
    chat_id: int
    skills: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    active: bool = True
    joined_at: datetime | None = None


@dataclass
class Task:
    """A volunteer task staff posted: a start, hours it counts, and places."""

    title: str
    start: datetime
    hours: float
    capacity: int
    posted_by: str  # staff code
    skill: str = ""  # "" = any volunteer
    estate: str = ""
    grid: str | None = None
    help_id: int | None = None  # the 求助 it was made from
    status: str = "open"  # open | cancelled
    taken: int = 0
    id: int | None = None
    created_at: datetime | None = None
    community: str = ""  # the 村社 it was filed in (its code; set by storage)

    @property
    def ends(self) -> datetime:
        """When the task is over (attendance can be marked from its start)."""
        return self.start + timedelta(hours=self.hours)

    def fits(self, v: Volunteer, zone: ZoneInfo) -> bool:
        """Whether to offer it to this volunteer: their skill, and a free time it falls in.

        A task outside every listed time (a weekend evening) is offered on skill alone.
        """
        if not v.active:
            return False
        if self.skill and self.skill not in v.skills:
            return False
        slot = slot_of(self.start, zone)
        return slot is None or slot in v.times

    def open_at(self, now: datetime) -> bool:
        """Can still be taken or left."""
        return self.status == "open" and now < self.start


@dataclass
class Signup:
    """A volunteer's place on a task; withdrawn places are free again; attendance after it."""

    task_id: int
    resident_id: int
    status: str = "taken"  # taken | withdrawn
    attended: bool | None = None
    id: int | None = None
    at: datetime | None = None


@dataclass
class HelpRequest:
    """A resident's 求助: their words, shown to their grid's staff (who may make it a task)."""

    resident_id: int | None
    chat_id: int
    text: str
    estate: str = ""
    grid: str | None = None
    status: str = "open"  # open | task
    task_id: int | None = None
    id: int | None = None
    created_at: datetime | None = None
    community: str = ""  # the 村社 it was filed in (its code; set by storage)


def month_bounds(month: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """'2026-11' → its first instant and the next month's, local time (raises ValueError)."""
    year, _, mon = month.partition("-")
    y, m = int(year), int(mon)
    if not 1 <= m <= 12:
        raise ValueError(month)
    start = datetime(y, m, 1, tzinfo=zone)
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=zone)
    return start, end
