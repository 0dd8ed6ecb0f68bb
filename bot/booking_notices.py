"""Booking events → the provider's chat (through the outbox, in the same transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import LINK
from bot.cards import place_label
from bot.dialogue.turn import reply
from bot.outbox import enqueue
from domain.bookings import Booking
from domain.events import BookingChanged, LinkAsked
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
    note = texts.BOOK_PROVIDER_NOTE.format(note=b.note) if b.note else ""
    return texts.BOOK_PROVIDER_CARD.format(
        number=b.number, flag=texts.BOOK_FLAG_UNVERIFIED if b.unverified else "",
        service=service.name, when=texts.format_when(b.start, app.zone), who=who,
        address=address,
        booker=mask_phone(booker.phone) if booker and booker.phone else texts.BOOK_BOOKER_UNKNOWN
    ) + note


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


def on_link(app: App, uow: UnitOfWork, event: LinkAsked, now: datetime) -> None:
    """核实家属关系: a card for the staff chat; and the person named is asked if they use the chat."""
    link = uow.bookings.get_link(event.link_id)
    if link is None or link.id is None:
        return
    booker = uow.residents.by_user(link.booker_user_id)
    masked = mask_phone(booker.phone) if booker and booker.phone else texts.BOOK_BOOKER_UNKNOWN
    card = texts.BOOK_LINK_CARD.format(
        booker=masked, name=link.name, phone=mask_phone(link.contact), relation=link.relation,
        roster=texts.BOOK_LINK_ROSTER[link.resident_id is not None])
    rows = [[LINK.button(texts.BOOK_LINK_YES, "ok", link.id),
             LINK.button(texts.BOOK_LINK_NO, "no", link.id)]]
    enqueue(uow, app.config.community.staff_chat_id, reply(card, rows), f"link:{link.id}", now)
    person = uow.residents.get(link.resident_id) if link.resident_id else None
    chat = (person.chat_id or person.user_id) if person else None
    if chat:
        ask = texts.BOOK_LINK_ASK_PERSON.format(booker=masked, relation=link.relation)
        rows = [[LINK.button(texts.BOOK_LINK_PERSON_YES, "ok", link.id),
                 LINK.button(texts.BOOK_LINK_PERSON_NO, "no", link.id)]]
        enqueue(uow, chat, reply(ask, rows), f"link:{link.id}:person", now)
