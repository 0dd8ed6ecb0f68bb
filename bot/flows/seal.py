"""云盖章: a verified resident asks for a certificate; staff approve or reject; anyone verifies.

The staff side (the card, 批准 / 驳回 and the reason) is bot/flows/seal_staff.py.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import SEAL, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, grid_rows, reply
from bot.flows import emergency, switch, waiting
from bot.flows.info import office_call, office_call_for
from bot.flows.seal_staff import decide, on_reason_text, show_staff, staff_card
from bot.outbox import enqueue, to_payload
from domain.errors import NotFound
from domain.events import Event
from domain.ports import OutboxMessage, UnitOfWork
from domain.seals import SealApproved, SealRejected, SealRequested

if TYPE_CHECKING:
    from bot.app import App

BUTTONS = (SEAL,)  # this flow's button namespace
FORM = "seal"
MAX_ANSWER = 100
YES_WORDS = frozenset({"提交", "好", "好的", "对", "是", "是的", "没问题", "确认", "可以"})
# "…孩子上学用", "…用于办社保", "…交给实验小学": what a first message may already say.
PURPOSE = re.compile(r"(?:用于|用来|拿去)?([\u4e00-\u9fffA-Za-z0-9]{2,20}?)(?:要用|用的|用)(?![\u4e00-\u9fff])")
SWITCH_INTENTS = frozenset({"report_issue", "suggest", "check_status", "find_shelter", "contact_office",
                            "ask_policy", "public_info", "book_service", "cancel_booking", "volunteer",
                            "ask_help", "subscribe", "unsubscribe"})
SWITCH_CONFIDENCE = 0.9
CONFIRM_SWITCH_CONFIDENCE = 0.6
ASKED_FOR = ("证明", "盖个章", "盖章")  # what precedes the purpose when no kind is named
USED_AT = re.compile(r"(?:交给|交到|提交给|提交到|给)([\u4e00-\u9fffA-Za-z0-9]{2,20})")


# -- the resident's request -------------------------------------------------------------
def start(t: Turn) -> None:
    """"我要开个居住证明": only a verified resident, about themselves; ask only what is missing."""
    resident = t.resident
    if resident is None or not resident.verified:
        t.state.end()
        if resident is None and not t.is_group:  # not bound yet: sharing the phone is the way
            waiting.wait_for_contact(t, "request_seal", texts.SEAL_NEED_CONTACT)
        else:  # bound, waiting for the office to verify them
            t.say(texts.SEAL_NEED_VERIFIED.format(call=office_call(t)), texts.MENU_BUTTONS)
        return
    t.state.start(FORM, {"kind": FORM})
    template = t.app.certifier.find_template(t.event.text)
    _prefill(t, t.event.text, [template.name, *template.aliases] if template else list(ASKED_FOR))
    if template is None:
        return pick(t)
    return choose(t, template.code)


def _prefill(t: Turn, text: str, names: list[str]) -> None:
    rest = "".join(text.split())
    for name in sorted(names, key=len, reverse=True):
        if name in rest:
            rest = rest.split(name, 1)[1]
            break
    if (m := USED_AT.search(rest)) is not None:
        t.state.slots["used_at"] = m.group(1)
        rest = rest[: m.start()] + rest[m.end():]
    if (m := PURPOSE.search(rest)) is not None:
        t.state.slots["purpose"] = m.group(1).removeprefix("给").removeprefix("是")


def pick(t: Turn) -> None:
    """The certificate kinds residents may ask for, as buttons."""
    t.state.step = "template"
    choices = [SEAL.button(x.name, "tpl", x.code) for x in t.app.config.seal_templates
               if "resident" in x.requesters]
    t.say(texts.SEAL_PICK, [*grid_rows(choices, 2), [SEAL.button(texts.SEAL_CANCEL, "x")]])


def choose(t: Turn, code: str) -> None:
    """A kind was chosen: ask for what is missing."""
    template = t.app.certifier.template(code)
    if template is None:
        return pick(t)
    if "resident" not in template.requesters:
        t.state.end()
        t.say(texts.SEAL_NOT_FOR_RESIDENTS.format(call=office_call(t)), texts.MENU_BUTTONS)
        return None
    t.state.slots["template"] = code
    return _ask_next(t)


def _questions(t: Turn) -> list[tuple[str, str]]:
    template = t.app.certifier.template(t.state.slots.get("template", ""))
    fields = [(f.key, f.ask) for f in template.fields] if template else []
    return [("purpose", texts.SEAL_ASK_PURPOSE), ("used_at", texts.SEAL_ASK_USED_AT), *fields]


def _ask_next(t: Turn) -> None:
    for key, question in _questions(t):
        if not t.state.slots.get(key):
            t.state.step = key
            t.say(question, [[SEAL.button(texts.SEAL_CANCEL, "x")]])
            return
    _confirm(t)


def _confirm(t: Turn) -> None:
    resident = t.resident
    template = t.app.certifier.template(t.state.slots.get("template", ""))
    if template is None:
        return pick(t)  # no kind chosen yet: that question first
    assert resident is not None
    t.state.step = "confirm"
    facts = t.app.certifier.masked(t.app.certifier.facts_of(resident))
    labels = {**texts.SEAL_FIELD_LABELS, **{f.key: f.label for f in template.fields}}
    lines = "\n".join(f"{labels[k]}：{t.state.slots[k]}" for k, _ in _questions(t))
    t.say(texts.SEAL_CONFIRM.format(template=template.name, lines=lines, **facts),
          [[SEAL.button(texts.SEAL_SUBMIT, "ok"), SEAL.button(texts.SEAL_CANCEL, "x")]])


def on_text(t: Turn) -> None:
    """An answer to the question asked (or a yes at the confirmation)."""
    text = " ".join(t.event.text.split())[:MAX_ANSWER]
    step = t.state.step or ""
    if switch.answer(t):  # "不用了" typed to "要先放下它…吗？": that question's answer
        return None
    if step == "confirm" and text.strip("。.!！ ") in YES_WORDS:
        return _submit(t)
    if emergency.kind_of(t) is not None:  # never taken for an answer: safety advice and a report
        from bot.dialogue.engine import dispatch

        t.state.end()
        return dispatch(t, "report_issue")
    # A clear other request ("临时救助是什么") is offered, never taken for an answer nor dropped
    # unasked; at the confirmation nothing typed is an answer, so a likelier one is enough.
    sure = SWITCH_CONFIDENCE if step != "confirm" else CONFIRM_SWITCH_CONFIDENCE
    if t.intent in SWITCH_INTENTS and t.confidence >= sure:
        return switch.ask(t, texts.FORM_NAMES[FORM])
    if step == "confirm":
        return _confirm(t)
    if step == "template":
        template = t.app.certifier.find_template(text)
        return choose(t, template.code) if template else pick(t)
    if step in dict(_questions(t)) and text:
        t.state.slots[step] = text
    return _ask_next(t)


def _submit(t: Turn) -> None:
    resident = t.resident
    slots = t.state.slots
    if resident is None or t.state.form != FORM or t.state.step != "confirm":
        t.say(texts.STALE_BUTTON, texts.MENU_BUTTONS)
        return
    extra = {k: str(slots[k]) for k, _ in _questions(t)}
    request = t.app.certifier.request(t.uow, slots["template"], resident, extra,
                                      requested_by="resident", chat_id=t.event.chat_id, now=t.now)
    t.state.end()
    t.say(texts.SEAL_FILED.format(number=request.number,
                                  due=texts.format_when(request.due_at, t.app.zone, t.now)),
          texts.MENU_BUTTONS)


def show(t: Turn, number: str) -> None:
    """A resident asking after their own request by its number (staff: its card)."""
    if t.staff is not None:
        return show_staff(t, number)
    request = t.uow.seals.get(number)
    resident = t.resident
    if request is None or resident is None or request.resident_id != resident.id:
        raise NotFound(number)
    template = t.app.certifier.template(request.template)
    t.say(texts.SEAL_SHOW.format(template=template.name if template else request.template,
                                 number=number, status=texts.SEAL_STATUS[request.status.value]))


def list_mine(t: Turn) -> None:
    """查进度: the resident's recent certificate requests, after their reports (nothing if none)."""
    resident = t.resident
    if resident is None or resident.id is None:
        return
    mine = t.uow.seals.list(resident_id=resident.id, limit=5)
    if not mine:
        return
    lines = [texts.SEAL_MINE, *(texts.SEAL_MINE_LINE.format(
        number=r.number, template=_name(t.app, r.template), status=texts.SEAL_STATUS[r.status.value],
        when=texts.format_day(r.created_at, t.app.zone)) for r in mine)]
    t.say("\n".join(lines))


def _name(app: App, code: str) -> str:
    template = app.certifier.template(code)
    return template.name if template else code


# -- buttons ----------------------------------------------------------------------------
def on_button(t: Turn, cb: Callback) -> None:
    """The resident's choice and submit/cancel; staff decisions, checked on every press."""
    if cb.action == "tpl":
        if t.state.form != FORM:
            return start(t)
        return choose(t, cb.arg())
    if cb.action == "ok":
        return _submit(t)
    if cb.action == "x":
        had = t.state.form == FORM
        if had:
            t.state.end()
        t.say(texts.STOPPED if had else texts.NOTHING_TO_STOP, texts.MENU_BUTTONS)
        return None
    return decide(t, cb)


# -- verification in the chat -------------------------------------------------------------
def verify(t: Turn) -> None:
    """`/verify CODE`: genuine, revoked or unknown, with the certified facts only."""
    code = t.event.data.strip()  # the command's argument (channels put it in `data`)
    if not code:
        t.say(texts.VERIFY_ASK)
        return
    answer = t.app.certifier.check_code(code, f"chat:{t.event.user_id}", t.now)
    t.say(answer.text())


# -- what the events owe (called by the notifier inside the same transaction) ------------
def notify(app: App, event: Event, uow: UnitOfWork, now: datetime) -> None:
    """The staff card for a new request; the certificate or the reason for the resident."""
    number = getattr(event, "number", "")
    request = uow.seals.get(number)
    if request is None:
        return
    template = app.certifier.template(request.template)
    name = template.name if template else request.template
    if isinstance(event, SealRequested):
        enqueue(uow, app.config.community.staff_chat_id, staff_card(app, request), f"seal:{number}:card", now)
    elif isinstance(event, SealApproved) and request.chat_id is not None:
        cert = uow.seals.certificate(number=number)
        assert cert is not None
        text = texts.SEAL_TO_RESIDENT_OK.format(template=name, number=number, code=cert.code)
        # The PDF itself is not copied into the outbox: the sender loads it (encrypted at rest).
        uow.outbox.add(OutboxMessage(chat_id=request.chat_id, key=f"seal:{number}:issued", created_at=now,
                                     not_before=now, payload={**to_payload(reply(text)), "seal_pdf": number}))
    elif isinstance(event, SealRejected) and request.chat_id is not None:
        text = texts.SEAL_TO_RESIDENT_REJECTED.format(template=name, number=number, reason=request.reason,
                                                      call=office_call_for(app))
        enqueue(uow, request.chat_id, reply(text, texts.MENU_BUTTONS), f"seal:{number}:rejected", now)


FLOW = Flow(name="seal", intents={"request_seal": start}, forms={FORM: on_text}, buttons=BUTTONS,
            on_button=on_button, on_any_text=on_reason_text, also={"check_status": list_mine},
            resume=lambda t: _ask_next(t) if t.state.slots.get("template") else pick(t))
