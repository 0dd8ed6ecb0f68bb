"""Booking events → the provider's chat (through the outbox, in the same transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.cards import place_label
from bot.dialogue.turn import reply
from bot.outbox import enqueue
from domain.bookings import Booking
from domain.events import BookingChanged
from domain.identity import mask_phone
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.app import App


def provider_card(app: App, uow: UnitOfWork, b: Booking) -> str:
    """What the provider needs for the visit; 待核实 until staff confirm the relative."""
    service = app.services[b.service]
    served = uow.residents.get(b.beneficiary_id) if b.beneficiary_id else None
    address = place_label(app, served.address) if served else texts.BOOK_ADDRESS_UNKNOWN
    who = b.beneficiary or texts.BOOK_WHO_SELF_LABEL
    if b.relation:
        who += f"（预约人的{b.relation}）"
    if b.contact:
        who += f" {mask_phone(b.contact)}"
    booker = uow.residents.by_user(b.booker_user_id)
    return texts.BOOK_PROVIDER_CARD.format(
        number=b.number, flag=texts.BOOK_FLAG_UNVERIFIED if b.unverified else "",
        service=service.name, when=texts.format_when(b.start, app.zone), who=who,
        address=address, booker=mask_phone(booker.phone) if booker and booker.phone else "—")


def on_booking(app: App, uow: UnitOfWork, event: BookingChanged, now: datetime) -> None:
    """Tell the provider's chat of a booking made, moved or cancelled."""
    b = uow.bookings.get(event.number)
    service = app.services.get(b.service) if b else None
    if b is None or service is None or service.provider_chat is None:
        return
    if event.change == "made":
        text = provider_card(app, uow, b)
    else:
        text = texts.BOOK_PROVIDER_CHANGED[event.change].format(
            number=b.number, service=service.name, when=texts.format_when(b.start, app.zone),
            reason=event.reason or "—")
    key = f"booking:{b.number}:{event.change}:{b.start.timestamp():.0f}"
    enqueue(uow, service.provider_chat, reply(text), key, now)
