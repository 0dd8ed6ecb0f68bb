"""After the visit (§6.1): staff mark it, the booker rates it, the person served is asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.bookings import Booking, Status
from domain.errors import InvalidTransition, InvalidValue, NotFound
from domain.events import VisitMarked, VisitRated
from domain.ports import UnitOfWork

PATIENCE = ("yes", "fair", "no")  # 耐心 / 一般 / 不耐心


def mark(uow: UnitOfWork, number: str, done: bool, note: str, by: str, now: datetime) -> Booking:
    """已上门 / 未上门, with the staff's note."""
    b = uow.bookings.get(number)
    if b is None:
        raise NotFound(number)
    if not b.active:
        raise InvalidTransition(number)
    b.status, b.staff_note = (Status.DONE if done else Status.NO_SHOW), note
    uow.bookings.save(b)
    uow.audit.record(by, f"booking.{b.status.value}", number, now)
    uow.publish(VisitMarked(number, done))
    return b


def add_note(uow: UnitOfWork, number: str, note: str, by: str, now: datetime) -> Booking:
    """The provider's or staff's word on a visit (老人不在家), kept with the booking."""
    b = uow.bookings.get(number)
    if b is None:
        raise NotFound(number)
    b.staff_note = "；".join(x for x in (b.staff_note, note.strip()[:200]) if x)
    uow.bookings.save(b)
    uow.audit.record(by, "booking.note", number, now)
    return b


def rate(uow: UnitOfWork, number: str, user_id: int, stars: int, comment: str = "") -> Booking:
    """The booker's 1–5 for a done visit (once; a later press changes nothing)."""
    b = uow.bookings.get(number)
    if b is None or b.booker_user_id != user_id:
        raise NotFound(number)
    if not 1 <= stars <= 5:
        raise InvalidValue("rating", "range")
    if b.status != Status.DONE or b.rating is not None:
        raise InvalidTransition(number)
    b.rating, b.comment = stars, comment
    uow.bookings.save(b)
    uow.publish(VisitRated(number, stars=stars))
    return b


def answer_patience(uow: UnitOfWork, number: str, answer: str, by: str, now: datetime) -> Booking:
    """服务人员耐心吗: the person served (or staff who called them) answers once."""
    b = uow.bookings.get(number)
    if b is None:
        raise NotFound(number)
    if answer not in PATIENCE:
        raise InvalidValue("patience", "unknown")
    if b.status != Status.DONE or b.patience:
        raise InvalidTransition(number)
    b.patience = answer
    uow.bookings.save(b)
    uow.audit.record(by, f"booking.patience.{answer}", number, now)
    uow.publish(VisitRated(number, patience=answer))
    return b



LATE_CANCEL_HOURS = 24  # a cancellation this close to the visit counts as late


@dataclass
class QualityRow:
    """One provider's service over a period."""

    provider: str
    service: str
    visits: int = 0
    no_shows: int = 0
    late_cancellations: int = 0
    complaints: int = 0  # ratings of 2 or less, and 不耐心
    ratings: list[int] = field(default_factory=list)

    @property
    def average_rating(self) -> float | None:
        """Mean of the stars given, two decimals."""
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None


def _late(uow: UnitOfWork, b: Booking) -> bool:
    return any(action == "booking.cancel" and b.start - at < timedelta(hours=LATE_CANCEL_HOURS)
               for _, action, at in uow.audit.entries(b.number))


def quality(uow: UnitOfWork, since: datetime, until: datetime,
            providers: dict[str, str]) -> list[QualityRow]:
    """Per provider and service: visits, no-shows, late cancellations, ratings, complaints."""
    rows: dict[tuple[str, str], QualityRow] = {}
    for b in uow.bookings.list(since=since, until=until, limit=100000):
        key = (providers.get(b.service, ""), b.service)
        r = rows.setdefault(key, QualityRow(*key))
        r.visits += b.status == Status.DONE
        r.no_shows += b.status == Status.NO_SHOW
        r.late_cancellations += b.status == Status.CANCELLED and _late(uow, b)
        if b.rating is not None:
            r.ratings.append(b.rating)
        r.complaints += (b.rating is not None and b.rating <= 2) or b.patience == "no"
    return [rows[k] for k in sorted(rows)]
