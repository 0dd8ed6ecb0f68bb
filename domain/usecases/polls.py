"""线上表决 and 物业评价 use cases over the unit of work."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidTransition, NotFound
from domain.polls import Poll, PollStatus, Tally, VoteOutcome, check_poll, digest, household_of
from domain.ports import UnitOfWork
from domain.ratings import MonthSummary, Rating, check_rating, last_months, month_of
from domain.residents import Resident


def create_poll(uow: UnitOfWork, *, question: str, options: list[str], ends_at: datetime,
                created_by: str, now: datetime, estate: str | None = None) -> Poll:
    """Check and keep a new open poll (the caller tells the residents in the same transaction)."""
    cleaned = check_poll(question, options, ends_at, now)
    poll = Poll(question=" ".join(question.split()), options=cleaned, ends_at=ends_at,
                created_by=created_by, estate=estate, created_at=now)
    return uow.polls.add(poll)


def get_poll(uow: UnitOfWork, poll_id: int) -> Poll:
    """A poll by id, or NotFound."""
    poll = uow.polls.get(poll_id)
    if poll is None:
        raise NotFound(str(poll_id))
    return poll


def vote(uow: UnitOfWork, poll_id: int, resident: Resident | None, option: int,
         chat_id: int | None, now: datetime) -> VoteOutcome:
    """One press of an option, checked then: verified, in scope, poll open, household not voted."""
    poll = get_poll(uow, poll_id)
    if not 0 <= option < len(poll.options):
        raise NotFound(f"{poll_id}:{option}")
    if resident is None or not resident.verified:
        return VoteOutcome.UNVERIFIED
    if not poll.in_scope(resident):
        return VoteOutcome.OUT_OF_SCOPE
    if not poll.is_open(now):
        return VoteOutcome.CLOSED
    household = household_of(resident)
    if not uow.polls.cast(poll_id, household, option, chat_id, now):
        return VoteOutcome.ALREADY
    return VoteOutcome.VOTED


def has_voted(uow: UnitOfWork, poll: Poll, resident: Resident) -> bool:
    """Whether the resident's household has voted in the poll."""
    assert poll.id is not None
    return uow.polls.has_voted(poll.id, household_of(resident))


def open_for(uow: UnitOfWork, resident: Resident, now: datetime) -> list[Poll]:
    """The open polls a resident may vote in, oldest first."""
    return [p for p in reversed(uow.polls.list(status=PollStatus.OPEN, limit=100))
            if p.is_open(now) and p.in_scope(resident)]


def close_poll(uow: UnitOfWork, poll_id: int, now: datetime) -> Poll:
    """Close an open poll (at its end time or by staff); InvalidTransition if already closed."""
    poll = get_poll(uow, poll_id)
    if poll.status == PollStatus.CLOSED:
        raise InvalidTransition(str(poll_id))
    poll.status, poll.closed_at = PollStatus.CLOSED, now
    uow.polls.save(poll)
    return poll


def tally(uow: UnitOfWork, poll_id: int) -> Tally:
    """Counts per option, households that voted, and the digest over the sorted ballots."""
    poll = get_poll(uow, poll_id)
    ballots = uow.polls.ballots(poll_id)
    counts = [0] * len(poll.options)
    for _, option in ballots:
        counts[option] += 1
    return Tally(poll_id, tuple(counts), uow.polls.voters(poll_id), digest(ballots), tuple(poll.options))


def rate(uow: UnitOfWork, resident: Resident, target: str, stars: int, comment: str,
         now: datetime, zone: ZoneInfo) -> tuple[Rating, bool]:
    """Keep this month's rating of a target for the resident's 小区; True when it replaced one."""
    rating = Rating(estate=resident.address.estate, target=target, month=month_of(now, zone),
                    stars=stars, comment=check_rating(target, stars, comment),
                    resident_id=resident.id, at=now)
    return rating, uow.ratings.put(rating)


def rating_summary(uow: UnitOfWork, now: datetime, zone: ZoneInfo, *, estate: str | None = None,
                   months: int = 6) -> tuple[list[str], list[MonthSummary]]:
    """The last `months` months (oldest first) and every estate's count and average in them."""
    span = last_months(month_of(now, zone), months)
    return span, uow.ratings.summary(span, estate)
