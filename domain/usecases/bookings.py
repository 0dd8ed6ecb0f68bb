"""Booking use cases: book within capacity (idempotently), move, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.bookings import (
    NUMBER_PREFIX,
    Booking,
    Service,
    SlotProblem,
    SlotUnavailable,
    Status,
    nearest_free,
)
from domain.errors import InvalidTransition, NotFound
from domain.events import BookingChanged
from domain.ports import UnitOfWork


@dataclass(frozen=True)
class Request:
    """What a confirmation asks for: who books what, for whom, when."""

    service: Service
    start: datetime
    booker_user_id: int
    booker_chat_id: int
    key: str  # the confirmation's own key: pressing 确认 twice books once
    beneficiary: str = ""
    contact: str = ""
    relation: str = ""
    beneficiary_id: int | None = None
    unverified: bool = False
    note: str = ""


def check(uow: UnitOfWork, service: Service, start: datetime, now: datetime,
          zone: ZoneInfo) -> SlotProblem | None:
    """Why the slot cannot be booked now (the calendar, then its places), or None."""
    problem = service.problem(start, now, zone)
    if problem is not None:
        return problem
    if uow.bookings.taken(service.code, [start]).get(start, 0) >= service.capacity:
        return SlotProblem.FULL
    return None


def alternatives(uow: UnitOfWork, service: Service, wanted: datetime, now: datetime,
                 zone: ZoneInfo, n: int = 3, until: datetime | None = None) -> list[datetime]:
    """The n free slots nearest the wanted time (those inside a wanted span first)."""
    starts = list(service.open_slots(now, zone))
    taken = uow.bookings.taken(service.code, starts)
    return nearest_free(service, wanted, now, zone, lambda s: taken.get(s, 0), n, until)


def book(uow: UnitOfWork, req: Request, now: datetime, zone: ZoneInfo) -> Booking:
    """Book a place, or return the booking this confirmation already made; never over capacity."""
    done = uow.bookings.by_key(req.key)
    if done is not None:
        return done
    problem = req.service.problem(req.start, now, zone)
    if problem is not None:
        raise SlotUnavailable(problem)
    if not uow.bookings.take_place(req.service.code, req.start, req.service.capacity):
        raise SlotUnavailable(SlotProblem.FULL)
    booking = Booking(
        service=req.service.code, start=req.start, booker_user_id=req.booker_user_id,
        booker_chat_id=req.booker_chat_id, beneficiary=req.beneficiary, contact=req.contact, relation=req.relation,
        beneficiary_id=req.beneficiary_id, unverified=req.unverified, note=req.note,
        number=uow.bookings.next_number(NUMBER_PREFIX, now), key=req.key, created_at=now)
    uow.bookings.add(booking)
    uow.publish(BookingChanged(booking.number, "made"))
    return booking


def mine(uow: UnitOfWork, number: str, user_id: int) -> Booking:
    """The booker's own booking (anyone else's reads as not found)."""
    b = uow.bookings.get(number)
    if b is None or b.booker_user_id != user_id:
        raise NotFound(number)
    return b


def cancel(uow: UnitOfWork, booking: Booking, reason: str, by: str, now: datetime) -> Booking:
    """Cancel a booking that is still to happen; its place is given back; the reason is kept."""
    if not booking.active:
        raise InvalidTransition(booking.number)
    uow.bookings.release_place(booking.service, booking.start)
    booking.status, booking.reason = Status.CANCELLED, reason
    uow.bookings.save(booking)
    uow.audit.record(by, "booking.cancel", booking.number, now)
    uow.publish(BookingChanged(booking.number, "cancelled", reason))
    return booking


def move(uow: UnitOfWork, booking: Booking, service: Service, start: datetime, reason: str,
         now: datetime, zone: ZoneInfo) -> Booking:
    """Move a booking to another slot: the new place is taken before the old one is given back."""
    if not booking.active:
        raise InvalidTransition(booking.number)
    problem = service.problem(start, now, zone)
    if problem is not None:
        raise SlotUnavailable(problem)
    if not uow.bookings.take_place(service.code, start, service.capacity):
        raise SlotUnavailable(SlotProblem.FULL)
    uow.bookings.release_place(booking.service, booking.start)
    booking.start, booking.reason = start, reason
    uow.bookings.save(booking)
    uow.publish(BookingChanged(booking.number, "moved", reason))
    return booking
