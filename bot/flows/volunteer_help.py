"""求助: a resident asks for a hand; confirmed, recorded, and sent to their grid's staff."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import VOLUNTEER, Callback
from bot.cards import place_label
from bot.dialogue.turn import Turn, reply
from bot.events import Reply
from bot.flows import waiting
from bot.outbox import enqueue
from domain.identity import mask_phone
from domain.ports import UnitOfWork
from domain.usecases import volunteers as uc
from domain.volunteers import HelpRequest

if TYPE_CHECKING:
    from bot.app import App

FORM = "help"
ACTIONS = frozenset({"hok", "hno"})
# Requests that clearly leave the volunteer and 求助 forms. Not book_service: a skill (理发) or a
# need (帮我洗个澡) often sounds like a catalogue service, and inside these forms it is an answer.
LEAVE_INTENTS = frozenset({"report_issue", "suggest", "check_status", "find_shelter", "contact_office",
                           "request_seal", "cancel_booking"})
SWITCH_CONFIDENCE = 0.8
# "我要求助" says nothing of what is needed: then we ask.
GENERIC = re.compile(r"^(我|我们)?(要|想|需要|请)?(求助|求帮忙|找人帮忙|找人帮下忙|帮帮我|帮个忙|找志愿者)"
                     r"(一下)?[。！!]*$")


def start(t: Turn) -> None:
    """我想找人帮我买个菜: confirm the request (ask what is needed if it was not said)."""
    from bot.flows import emergency, report

    if emergency.kind_of(t) is not None:
        return report.start(t)  # 摔倒了起不来快帮帮我: safety advice and an urgent report first
    if t.resident is None:
        waiting.wait_for_contact(t, "ask_help", texts.VOL_HELP_NEED_PHONE)
        return
    text = t.event.text.strip()
    if not text or GENERIC.match(text.replace(" ", "")):
        t.state.start(FORM, {"kind": FORM})
        t.state.step = "text"
        t.say(texts.VOL_HELP_ASK, [[VOLUNTEER.button(texts.VOL_CANCEL_BUTTON, "hno")]])
        return
    confirm(t, text)


def confirm(t: Turn, text: str) -> None:
    """The request in their words, with 对 / 不用了: nothing is sent before they say so."""
    t.state.start(FORM, {"kind": FORM, "text": text[:uc.MAX_HELP]})
    t.state.step = "confirm"
    t.say(texts.VOL_HELP_CONFIRM.format(text=text[:uc.MAX_HELP]),
          [[VOLUNTEER.button(texts.VOL_HELP_YES, "hok"), VOLUNTEER.button(texts.VOL_HELP_NO, "hno")]])


def switched(t: Turn) -> bool:
    """An emergency, or clearly another request, typed mid-form: that is served instead."""
    from bot.dialogue.engine import dispatch  # the engine owns intent routing
    from bot.flows import emergency

    urgent = emergency.kind_of(t) is not None
    if not urgent and (t.intent not in LEAVE_INTENTS or t.confidence < SWITCH_CONFIDENCE):
        return False
    t.state.end()
    dispatch(t, "report_issue" if urgent else t.intent)
    return True


def on_text(t: Turn) -> None:
    """The need typed after we asked; at the confirmation 对/不用, or a corrected wording."""
    text = t.event.text.strip()
    if switched(t):
        return None
    if t.state.step == "confirm" and t.intent == "affirm":
        return submit(t)
    if t.state.step == "confirm" and t.intent == "deny":
        return cancel(t)
    confirm(t, text)


def cancel(t: Turn) -> None:
    """Nothing is sent."""
    t.state.end()
    t.say(texts.VOL_HELP_CANCELLED, texts.MENU_BUTTONS)


def submit(t: Turn) -> None:
    """Record the request, queue the card for the grid's staff, then tell the resident."""
    text, r = t.state.slots.get("text"), t.resident
    if t.state.form != FORM or not text or r is None:
        t.say(texts.VOL_FORM_GONE, texts.MENU_BUTTONS, notice=texts.STALE_BUTTON)
        return
    grid = t.app.report_rules.grid_of_estate.get(r.address.estate)
    request = uc.ask_help(t.uow, r, t.event.chat_id, text, grid, t.now)
    enqueue(t.uow, t.app.notifier.grid_chat(grid), staff_card(t.app, t.uow, request),
            f"vhelp:{request.id}", t.now)
    t.state.end()
    t.say(texts.VOL_HELP_DONE.format(number=request.id), texts.MENU_BUTTONS)


def staff_card(app: App, uow: UnitOfWork, request: HelpRequest) -> Reply:
    """What staff see: who asked (name, masked phone, address) and what for; 转为志愿任务."""
    person = uow.residents.get(request.resident_id) if request.resident_id else None
    who = texts.CARD_NO_RESIDENT
    if person is not None:
        who = texts.VOL_HELP_CARD_WHO.format(
            name=person.name, phone=mask_phone(person.phone) if person.phone else texts.CARD_NO_PHONE,
            address=place_label(app, person.address),
            unverified="" if person.verified else texts.CARD_UNVERIFIED)
    return reply(texts.VOL_HELP_CARD.format(id=request.id, who=who, text=request.text),
                 [[VOLUNTEER.button(texts.VOL_TO_TASK_BUTTON, "h2t", request.id)]])


def on_button(t: Turn, cb: Callback) -> None:
    """对，请社区安排 / 不用了."""
    if cb.action == "hok":
        return submit(t)
    if t.state.form == FORM:
        return cancel(t)
    t.replies.append(reply("", notice=texts.STALE_BUTTON))
