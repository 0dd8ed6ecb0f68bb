"""线上表决: polls with one vote per household, and a tally anyone can compare."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidValue
from domain.residents import Resident

MIN_OPTIONS, MAX_OPTIONS = 2, 6
MAX_QUESTION, MAX_OPTION = 200, 30


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class VoteOutcome(StrEnum):
    """What a press of an option came to; only VOTED writes anything."""

    VOTED = "voted"
    ALREADY = "already"  # someone of this household voted (who is not said)
    CLOSED = "closed"
    OUT_OF_SCOPE = "out_of_scope"  # the poll is for another 小区
    UNVERIFIED = "unverified"


@dataclass
class Poll:
    """A question with 2–6 options for one 小区 (estate) or the whole community (estate None)."""

    question: str
    options: list[str]
    ends_at: datetime
    created_by: str
    estate: str | None = None
    status: PollStatus = PollStatus.OPEN
    created_at: datetime | None = None
    closed_at: datetime | None = None
    id: int | None = None
    community: str = ""  # the 村社 it was filed in (its code; set by storage)

    def is_open(self, now: datetime) -> bool:
        """Open, and its end time not reached."""
        return self.status == PollStatus.OPEN and now < self.ends_at

    def in_scope(self, resident: Resident) -> bool:
        """A community-wide poll is everyone's; an estate's poll only that estate's residents'."""
        return self.estate is None or resident.address.estate == self.estate


@dataclass(frozen=True)
class Tally:
    """Counts per option, households that voted, and a digest over the sorted ballots."""

    poll_id: int
    counts: tuple[int, ...]
    households: int
    digest: str
    options: tuple[str, ...] = field(default=())

    def winner(self) -> str | None:
        """The option with the most votes, None on a tie or with no votes."""
        top = max(self.counts, default=0)
        leaders = [o for o, c in zip(self.options, self.counts, strict=True) if c == top]
        return leaders[0] if top and len(leaders) == 1 else None


def check_poll(question: str, options: list[str], ends_at: datetime, now: datetime) -> list[str]:
    """The cleaned options; raises InvalidValue for a rule broken."""
    if not question.strip():
        raise InvalidValue("question", "empty")
    if len(question) > MAX_QUESTION:
        raise InvalidValue("question", "too_long", max=MAX_QUESTION)
    cleaned = [" ".join(o.split()) for o in options if o.strip()]
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise InvalidValue("options", "count", min=MIN_OPTIONS, max=MAX_OPTIONS)
    if len(set(cleaned)) != len(cleaned):
        raise InvalidValue("options", "duplicate")
    if any(len(o) > MAX_OPTION for o in cleaned):
        raise InvalidValue("options", "too_long", max=MAX_OPTION)
    if ends_at <= now:
        raise InvalidValue("ends_at", "past")
    return cleaned


def household_of(resident: Resident) -> str:
    """The household is the roster's address (小区+幢+单元+室); without a room, the person alone."""
    a = resident.address
    parts = [p.strip().upper() for p in (a.estate, a.building, a.unit, a.room)]
    if not a.room.strip():
        return f"resident:{resident.id}"
    return "household:" + "|".join(parts)


def digest(ballots: list[tuple[str, int]]) -> str:
    """SHA-256 over the sorted (ballot hash, option) pairs: equal ballots give equal digests."""
    h = hashlib.sha256()
    for ballot, option in sorted(ballots):
        h.update(f"{ballot}:{option}\n".encode("ascii"))
    return h.hexdigest()
