"""Things that happened, collected by the unit of work and turned into outbox messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class ReportFiled(Event):
    number: str


@dataclass(frozen=True)
class ReportChanged(Event):
    number: str
    status: str
    note: str = ""
    by: str = ""
    public: bool = True  # whether the reporter reads the note (staff choose)


@dataclass(frozen=True)
class ReportRated(Event):
    number: str
    rating: int
    follower: bool = False  # rated by someone following the report, not its reporter


@dataclass(frozen=True)
class ReportOverdue(Event):
    number: str
    stage: str  # accept | resolve
    escalate: bool


@dataclass(frozen=True)
class ResidentVerified(Event):
    resident_id: int


@dataclass(frozen=True)
class ResidentUnverified(Event):
    """A chat user whose phone is not on the roster: staff should check who they are."""

    resident_id: int


@dataclass(frozen=True)
class ReportAssigned(Event):
    number: str
    to: str
    by: str


# --- bookings ---
@dataclass(frozen=True)
class BookingChanged(Event):
    """A booking was made, moved or cancelled: the provider's chat is told."""

    number: str
    change: str  # made | moved | cancelled
    reason: str = ""


@dataclass(frozen=True)
class LinkAsked(Event):
    """A relative asked to book for someone: staff (and the person, if in the chat) confirm."""

    link_id: int


@dataclass(frozen=True)
class VisitMarked(Event):
    """Staff marked a visit 已上门 or 未上门: the booker is asked to rate a done one."""

    number: str
    done: bool


@dataclass(frozen=True)
class VisitRated(Event):
    """The booker rated a visit, or the person served said whether the worker was patient."""

    number: str
    stars: int | None = None
    patience: str = ""
