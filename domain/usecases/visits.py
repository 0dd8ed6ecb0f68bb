"""After the visit (§6.1): staff mark it, the booker rates it, the person served is asked."""

from __future__ import annotations

from datetime import datetime

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
