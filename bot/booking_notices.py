"""Booking events → the provider's chat (through the outbox, in the same transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import BOOKING, LINK
from bot.cards import place_label
from bot.dialogue.turn import reply
from bot.outbox import enqueue
from domain.bookings import BeneficiaryLink, Booking
from domain.events import BookingChanged, LinkAsked, VisitMarked, VisitRated
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
    rows: list[list[tuple[str, str]]] = []
    if event.change == "made":
        text = provider_card(app, uow, b)
        rows = [[BOOKING.button(texts.BOOK_VISIT_DONE_BUTTON, "vd", b.number),
                 BOOKING.button(texts.BOOK_VISIT_NOSHOW_BUTTON, "vn", b.number)]]
    else:
        text = texts.BOOK_PROVIDER_CHANGED[event.change].format(
            number=b.number, service=service.name, when=texts.format_when(b.start, app.zone),
            reason=event.reason or "—")
    key = f"booking:{b.number}:{event.change}:{b.start.timestamp():.0f}"
    enqueue(uow, service.provider_chat, reply(text, rows), key, now)


def link_card(uow: UnitOfWork, link: BeneficiaryLink) -> tuple[str, list[list[tuple[str, str]]]]:
    """The 核实家属关系 card for staff, with 属实 / 不属实 (checked on press)."""
    card = texts.BOOK_LINK_CARD.format(
        booker=_booker(uow, link), name=link.name,
        phone=mask_phone(link.contact) if link.contact else texts.BOOK_LINK_NO_PHONE,
        relation=link.relation, roster=texts.BOOK_LINK_ROSTER[link.resident_id is not None])
    return card, [[LINK.button(texts.BOOK_LINK_YES, "ok", link.id),
                   LINK.button(texts.BOOK_LINK_NO, "no", link.id)]]


def _booker(uow: UnitOfWork, link: BeneficiaryLink) -> str:
    booker = uow.residents.by_user(link.booker_user_id)
    return mask_phone(booker.phone) if booker and booker.phone else texts.BOOK_BOOKER_UNKNOWN


def on_link(app: App, uow: UnitOfWork, event: LinkAsked, now: datetime) -> None:
    """核实家属关系: a card for the staff chat; and the person named is asked if they use the chat."""
    link = uow.bookings.get_link(event.link_id)
    if link is None or link.id is None:
        return
    card, rows = link_card(uow, link)
    enqueue(uow, app.config.community.staff_chat_id, reply(card, rows), f"link:{link.id}", now)
    person = uow.residents.get(link.resident_id) if link.resident_id else None
    chat = (person.chat_id or person.user_id) if person else None
    if chat:
        ask = texts.BOOK_LINK_ASK_PERSON.format(booker=_booker(uow, link), relation=link.relation)
        rows = [[LINK.button(texts.BOOK_LINK_PERSON_YES, "ok", link.id),
                 LINK.button(texts.BOOK_LINK_PERSON_NO, "no", link.id)]]
        enqueue(uow, chat, reply(ask, rows), f"link:{link.id}:person", now)


def on_visit(app: App, uow: UnitOfWork, event: VisitMarked | VisitRated, now: datetime) -> None:
    """A done visit: the booker is asked for stars; ≤ 2 stars or 不耐心 reach the 社工 at once."""
    b = uow.bookings.get(event.number)
    service = app.services.get(b.service) if b else None
    if b is None or service is None:
        return
    when = texts.format_when(b.start, app.zone)
    if isinstance(event, VisitMarked):
        if event.done and b.booker_chat_id:  # booked at the office: no chat to ask
            rows = [[BOOKING.button(f"{n}分", "rate", b.number, n) for n in range(1, 6)]]
            enqueue(uow, b.booker_chat_id, reply(texts.BOOK_RATE_ASK.format(
                service=service.name, when=when), rows), f"rate-ask:{b.number}", now)
        return
    if event.stars is not None and event.stars <= 2:
        what = texts.BOOK_QUALITY_STARS.format(stars=event.stars, comment=b.comment)
    elif event.patience == "no":
        what = texts.BOOK_QUALITY_PATIENCE
    else:
        return
    text = texts.BOOK_QUALITY_ALERT.format(number=b.number, service=service.name, when=when,
                                           what=what)
    for worker in uow.staff.list():
        if worker.role == "社工" and worker.user_id:
            enqueue(uow, worker.user_id, reply(text),
                    f"quality:{b.number}:{event.stars}:{event.patience}:{worker.code}", now)


def ask_patience(app: App, uow: UnitOfWork, b: Booking, now: datetime) -> None:
    """服务人员耐心吗: in the served person's own chat, else staff call them and press for them."""
    service = app.services.get(b.service)
    if service is None:
        return
    rows = [[BOOKING.button(label, "pat", b.number, code)
             for code, label in texts.BOOK_PATIENCE.items()]]
    served = uow.residents.get(b.beneficiary_id) if b.beneficiary_id else None
    chat = (served.chat_id or served.user_id) if served else None
    if chat:
        text = texts.BOOK_PATIENCE_ASK.format(service=service.name)
    else:
        chat = app.config.community.staff_chat_id
        text = texts.BOOK_PATIENCE_ASK_STAFF.format(
            number=b.number, service=service.name, when=texts.format_when(b.start, app.zone),
            name=b.beneficiary or "—", phone=mask_phone(b.contact) if b.contact else "—")
    enqueue(uow, chat, reply(text, rows), f"patience:{b.number}", now)
