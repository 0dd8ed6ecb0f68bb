"""核实家属关系: staff (card in the staff chat) or the person named (in their chat) decide."""

from __future__ import annotations

from bot import texts
from bot.booking_notices import link_card
from bot.callbacks import Callback
from bot.dialogue.turn import Turn, reply
from bot.flows.staff import enter, labelled
from bot.outbox import enqueue
from domain.bookings import BeneficiaryLink
from domain.errors import NotAllowed, ViewOnly
from domain.usecases import beneficiaries as uc


def on_button(t: Turn, cb: Callback) -> None:
    """属实 / 不属实 (staff), 是我的家人 / 不是 (the person served), in the link's own community."""
    staff, resident = t.staff, t.resident
    link_id = int(cb.arg())
    if cb.action == "card":
        return _card(t, link_id)
    if staff is not None:
        link = t.uow.bookings.get_link(link_id)  # only links of the communities they serve
        if link is None:
            return _not_theirs(t)
        enter(t, link.community)  # 街道/区/市 staff act there, as its own staff would
        if staff.read_only:
            raise ViewOnly(cb.arg())  # a city account without a role looks, never decides
    else:
        _enter_own(t, link_id)
    by = f"staff:{staff.code}" if staff else f"resident:{resident.id if resident else 0}"
    link = uc.decide_link(t.uow, link_id, cb.action == "ok", by=by, staff=staff is not None,
                          resident_id=resident.id if resident else None, now=t.now)
    _answer(t, link)


def _card(t: Turn, link_id: int) -> None:
    """The card again, opened from 待办 by staff of its community or above it (decided: said so)."""
    if t.staff is None:
        raise NotAllowed(str(link_id))  # only staff list links; the person named has their own ask
    link = t.uow.bookings.get_link(link_id)  # only links of the communities they serve
    if link is None:
        return _not_theirs(t)
    enter(t, link.community)
    if link.status != "pending":
        t.say(texts.WORKLIST_LINK_DECIDED[link.status])
        return
    card, rows = link_card(t.uow, link)
    t.replies.append(labelled(t, reply(card, rows)))


def _enter_own(t: Turn, link_id: int) -> None:
    """The person named confirms from home: into the community the link (and its bookings) is in."""
    resident = t.resident
    code = t.uow.bookings.community_of_link(link_id, resident.id) if resident and resident.id else None
    if code is None:
        raise NotAllowed(str(link_id))  # not the person this link names
    if code in t.app.codes():
        t.enter(code)


def _not_theirs(t: Turn) -> None:
    """Another community's link (a forged or forwarded press): a kind word, nothing changes."""
    text = texts.BOOK_LINK_NOT_THEIRS
    t.replies.append(reply("" if t.is_group else text, notice=text))


def _answer(t: Turn, link: BeneficiaryLink) -> None:
    done = texts.BOOK_LINK_DONE[link.status]
    told = texts.BOOK_LINK_TOLD[link.status].format(name=link.name)
    enqueue(t.uow, link.booker_chat_id, reply(told), f"link:{link.id}:{link.status}", t.now)
    # In the staff chat the card is edited for everyone; a person gets a plain answer.
    t.replies.append(reply(done, edit=True, notice=done) if t.is_group else reply(done, notice=done))
