"""家属代办: a relative links to the person they book for; staff or that person confirm it."""

from __future__ import annotations

from datetime import datetime

from domain.bookings import BeneficiaryLink, Status
from domain.errors import InvalidTransition, NotAllowed, NotFound
from domain.events import BookingChanged, LinkAsked
from domain.ports import UnitOfWork
from domain.residents import Resident


def link_for(uow: UnitOfWork, booker_user_id: int, booker_chat_id: int, name: str, contact: str,
             relation: str, now: datetime, *, id4: str = "") -> BeneficiaryLink:
    """The booker's link to this person, made (and put to staff) the first time.

    Name and phone (or the last 4 of the ID number) are matched on the roster quietly: the
    booker is told nothing either way.
    """
    for link in uow.bookings.links_of(booker_user_id):
        # Only a link of the community booked in: its staff confirm it and its bookings lose 待核实.
        same = link.contact == contact and link.name == name and link.status != "denied" \
            and link.community in ("", uow.community or "")
        if same and (link.resident_id is not None or not id4):  # a mistyped ending may be retried
            return link
    match = find_person(uow, name, contact, id4)
    link = BeneficiaryLink(
        booker_user_id=booker_user_id, booker_chat_id=booker_chat_id, name=name, contact=contact,
        relation=relation, resident_id=match.id if match else None, created_at=now)
    uow.bookings.add_link(link)
    uow.publish(LinkAsked(link.id or 0))
    return link


def find_person(uow: UnitOfWork, name: str, contact: str, id4: str = "") -> Resident | None:
    """The one roster person with this name and phone, or name and ID ending, in the whole city.

    The ID ending is looked for among the communities in scope first (the booker's own, where
    a namesake elsewhere does not make it ambiguous), then city-wide. Nobody is told the result.
    """
    if id4:
        return uow.residents.by_name_id4(name, id4) or uow.residents.by_name_id4(name, id4, city=True)
    by_phone = uow.residents.by_phone(contact)  # a phone is one person city-wide
    return by_phone if by_phone is not None and by_phone.name == name else None


def decide_link(uow: UnitOfWork, link_id: int, yes: bool, *, by: str, staff: bool,
                resident_id: int | None, now: datetime) -> BeneficiaryLink:
    """Staff, or the person named, say whether the link is true; confirmed bookings lose 待核实.

    Only the bookings filed in the link's own community are changed: the caller runs this in
    that community (its staff, its provider chats are told).
    """
    link = uow.bookings.get_link(link_id)
    if link is None:
        raise NotFound(str(link_id))
    if not staff and (resident_id is None or resident_id != link.resident_id):
        raise NotAllowed(str(link_id))
    if link.status != "pending":
        raise InvalidTransition(str(link_id))
    link.status, link.decided_by = ("confirmed" if yes else "denied"), by
    uow.bookings.save_link(link)
    uow.audit.record(by, f"link.{link.status}", f"link:{link_id}", now)
    if yes:
        for b in uow.bookings.list(user_id=link.booker_user_id, statuses=[Status.BOOKED]):
            same = b.beneficiary == link.name and b.contact == link.contact
            if same and b.unverified and b.community == link.community:
                b.unverified, b.beneficiary_id = False, link.resident_id or b.beneficiary_id
                uow.bookings.save(b)
                uow.publish(BookingChanged(b.number, "verified"))
    return link
