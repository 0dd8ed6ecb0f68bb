"""云盖章, the staff side: a request's card, 批准 / 驳回 with a typed reason, each press checked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.callbacks import SEAL, Callback
from bot.dialogue.turn import Turn, reply
from bot.flows.staff import enter, labelled
from domain.errors import NotApprover, NotFound
from domain.seals import SealRequest, SealStatus
from domain.usecases import seals as uc

if TYPE_CHECKING:
    from bot.app import App

REASON_MINUTES = 10  # a rejection reason prompt left longer is dropped, the request untouched


def _reason_key(t: Turn) -> str:
    return f"seal:{t.event.user_id}"  # apart from report notes (keyed by the bare user id)


def decide(t: Turn, cb: Callback) -> None:
    """A staff press on a request's card: show it, 批准, 驳回 (then the reason), or cancel the 驳回."""
    number = cb.arg()
    request = _staff_request(t, number)
    if cb.action == "card":
        t.replies.append(labelled(t, staff_card(t.app, request)))
        return
    certifier = t.app.certifier  # the request's community's: its templates, its seal
    # Who pressed, and may their role decide on this kind? Forged data from anyone else stops here.
    staff = uc.approver(t.uow, certifier.rule(request.template), user_id=t.event.user_id)
    if cb.action == "yes":
        uc.approve(t.uow, number, staff, certifier.issue, t.now)
        text = texts.SEAL_APPROVED_STAFF.format(number=number, staff=staff.name)
        t.say(text, edit=True, notice=text)
    elif cb.action == "no":
        uc.pending(t.uow, number)
        t.state.staff_pending[_reason_key(t)] = {"number": number, "at": t.now.isoformat()}
        ask = texts.SEAL_ASK_REJECT.format(number=number, minutes=REASON_MINUTES)
        t.say(ask, [[SEAL.button(texts.SEAL_CANCEL, "nx", number)]], notice=ask)
    elif cb.action == "nx":
        t.state.staff_pending.pop(_reason_key(t), None)
        text = texts.SEAL_REJECT_CANCELLED.format(number=number)
        t.say(text, edit=True, notice=text)


def _staff_request(t: Turn, number: str) -> SealRequest:
    """The request a staff decision is about, in its own community's turn (NotFound if unseen)."""
    if t.staff is None:
        raise NotApprover()  # a resident's forged press: only staff decide
    request = t.uow.seals.get(number)
    if request is None:
        raise NotFound(number)
    enter(t, request.community)  # 街道/区/市 staff decide in the request's 村社
    return request


def show_staff(t: Turn, number: str) -> None:
    """A request's card for staff who typed its number (NotFound when it is not theirs to see)."""
    t.replies.append(labelled(t, staff_card(t.app, _staff_request(t, number))))


def on_reason_text(t: Turn) -> bool:
    """A rejection reason typed by the staff member who pressed 驳回; True when handled here."""
    from bot.dialogue.engine import STOP_WORDS

    key = _reason_key(t)
    ask: dict[str, Any] | None = t.state.staff_pending.get(key)
    if ask is None:
        return False
    number = ask["number"]
    del t.state.staff_pending[key]
    if t.now - datetime.fromisoformat(ask["at"]) > timedelta(minutes=REASON_MINUTES):
        t.say(texts.SEAL_REJECT_EXPIRED.format(number=number, minutes=REASON_MINUTES))
        return True
    text = " ".join(t.event.text.split())
    if not text or text.lower().strip("。.!！ ") in STOP_WORDS:
        t.say(texts.SEAL_REJECT_CANCELLED.format(number=number))
        return True
    request = _staff_request(t, number)
    staff = uc.approver(t.uow, t.app.certifier.rule(request.template), user_id=t.event.user_id)
    uc.reject(t.uow, number, staff, text, t.now)
    t.say(texts.SEAL_REJECTED_STAFF.format(number=number, staff=staff.name))
    return True


def staff_card(app: App, request: SealRequest) -> Any:
    """The card staff decide on: masked facts, what was asked, 批准 / 驳回."""
    template = app.certifier.template(request.template)
    labels = {**texts.SEAL_FIELD_LABELS, **{f.key: f.label for f in (template.fields if template else [])}}
    facts = app.certifier.masked(request.facts)
    lines = "\n".join(f"{label}：{request.facts[k]}" for k, label in labels.items() if request.facts.get(k))
    text = texts.SEAL_STAFF_CARD.format(
        number=request.number, template=template.name if template else request.template, lines=lines,
        due=texts.format_when(request.due_at, app.zone), name=facts["name"], id_number=facts["id_number"],
        address=facts["address"])
    rows = [] if request.status != SealStatus.PENDING else [[
        SEAL.button(texts.SEAL_APPROVE, "yes", request.number),
        SEAL.button(texts.SEAL_REJECT, "no", request.number)]]
    return reply(text, rows)
