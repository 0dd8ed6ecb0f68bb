"""Reports (报事报修 / 你说我做 / 群众建议): states, transitions, SLA."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidTransition, InvalidValue
from domain.residents import Address


class Kind(StrEnum):
    REPAIR = "repair"  # 报事报修
    PROBLEM = "problem"  # 你说我做
    SUGGESTION = "suggestion"  # 群众建议


class Status(StrEnum):
    PENDING = "pending"  # 待受理
    ACCEPTED = "accepted"  # 已受理
    IN_PROGRESS = "in_progress"  # 处理中
    RESOLVED = "resolved"  # 已办结
    REJECTED = "rejected"  # 不予受理
    DUPLICATE = "duplicate"  # 重复
    TRANSFERRED = "transferred"  # 转办


# FixMyStreet-style: every state has a type (open/closed) and a label residents read.
STATUS_LABELS = {
    Status.PENDING: "待受理",
    Status.ACCEPTED: "已受理",
    Status.IN_PROGRESS: "处理中",
    Status.RESOLVED: "已办结",
    Status.REJECTED: "不予受理",
    Status.DUPLICATE: "重复",
    Status.TRANSFERRED: "转办",
}
KIND_LABELS = {Kind.REPAIR: "报事报修", Kind.PROBLEM: "你说我做", Kind.SUGGESTION: "群众建议"}
OPEN_STATUSES = frozenset({Status.PENDING, Status.ACCEPTED, Status.IN_PROGRESS})
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.ACCEPTED, Status.REJECTED, Status.DUPLICATE,
                               Status.TRANSFERRED, Status.RESOLVED}),
    Status.ACCEPTED: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.TRANSFERRED,
                                Status.REJECTED, Status.DUPLICATE}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.TRANSFERRED}),
    Status.RESOLVED: frozenset({Status.PENDING}),  # reopened by the resident
    Status.REJECTED: frozenset(),
    Status.DUPLICATE: frozenset(),
    Status.TRANSFERRED: frozenset(),
}
NOTE_REQUIRED = frozenset({Status.REJECTED, Status.DUPLICATE, Status.TRANSFERRED})
MAX_DESCRIPTION = 1000


@dataclass(frozen=True)
class Change:
    """One entry of a report's history."""

    at: datetime
    status: Status
    by: str  # staff code, "resident" or "system"
    note: str = ""
    public: bool = True  # the reporter may read the note; False: an internal record


@dataclass
class Report:
    """A resident's report and its lifecycle."""

    number: str
    kind: Kind
    category: str
    description: str
    resident_id: int | None
    chat_id: int | None
    grid: str | None
    address: Address = field(default_factory=Address)
    latitude: float | None = None
    longitude: float | None = None
    photos: list[str] = field(default_factory=list)
    status: Status = Status.PENDING
    assignee: str | None = None
    created_at: datetime | None = None
    accept_due: datetime | None = None
    resolve_due: datetime | None = None
    resolved_at: datetime | None = None
    rating: int | None = None
    reminders: int = 0
    escalated: bool = False
    duplicate_of: str | None = None
    followers: list[int] = field(default_factory=list)  # other chats told of every change
    urgent: bool = False  # an emergency (gas, fire, trapped, injury …): shorter SLA, 书记 told
    follower_ratings: dict[int, int] = field(default_factory=dict)  # follower chat → stars
    history: list[Change] = field(default_factory=list)
    id: int | None = None
    version: int = 0  # optimistic lock: a save of an older version is refused
    community: str = ""  # the 村社 it was filed in (its code; set by storage)

    def last_actor(self) -> str | None:
        """Who made the latest change (staff code, "resident" or "system")."""
        return self.history[-1].by if self.history else None

    @property
    def is_open(self) -> bool:
        """Whether staff still owe the resident something."""
        return self.status in OPEN_STATUSES

    def can_move(self, to: Status) -> bool:
        """Whether the lifecycle allows this change now."""
        return to in _ALLOWED[self.status]

    def move(self, to: Status, by: str, at: datetime, note: str = "", *, public: bool = True) -> Change:
        """Change state if the lifecycle allows it; record who, when and why."""
        if to not in _ALLOWED[self.status]:
            raise InvalidTransition(f"{self.status} -> {to}")
        if to in NOTE_REQUIRED and not note.strip():
            raise InvalidValue("note", "required")
        self.status = to
        if to == Status.RESOLVED:
            self.resolved_at = at
        change = Change(at=at, status=to, by=by, note=note.strip(), public=public)
        self.history.append(change)
        return change

    def add_note(self, by: str, at: datetime, note: str) -> Change:
        """A staff member's internal record (仅内部) without a change of state."""
        if not note.strip():
            raise InvalidValue("note", "required")
        change = Change(at=at, status=self.status, by=by, note=note.strip(), public=False)
        self.history.append(change)
        return change

    def steps(self) -> list[Change]:
        """The changes of state, without the internal records made in between."""
        out: list[Change] = []
        for ch in self.history:
            if out and ch.status == out[-1].status and not ch.public:
                continue  # a note typed after an action, not a step residents should see
            out.append(ch)
        return out

    def rate(self, stars: int, follower: int | None = None) -> None:
        """The 1–5 rating after 已办结: the reporter's, or a follower's (kept apart)."""
        if self.status != Status.RESOLVED:
            raise InvalidTransition("only a resolved report can be rated")
        if not 1 <= stars <= 5:
            raise InvalidValue("rating", "range")
        if follower is None:
            self.rating = stars
        else:
            self.follower_ratings[follower] = stars

    def can_reopen(self, now: datetime, within_days: int) -> bool:
        """A resolved report can be reopened within the configured days."""
        return (
            self.status == Status.RESOLVED
            and self.resolved_at is not None
            and now - self.resolved_at <= timedelta(days=within_days)
        )


def validate_description(text: str) -> str:
    """A description the staff can act on: not empty, not endless."""
    t = " ".join((text or "").split())
    if len(t) < 2:
        raise InvalidValue("description", "empty")
    if len(t) > MAX_DESCRIPTION:
        raise InvalidValue("description", "too_long", max=MAX_DESCRIPTION)
    return t


def report_number(prefix: str, day: datetime, seq: int) -> str:
    """BS-20261128-0007: prefix, local date, sequence of the day."""
    return f"{prefix}-{day:%Y%m%d}-{seq:04d}"
