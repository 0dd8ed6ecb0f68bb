"""A clear other request in the middle of a form: offered, never taken for an answer or dropped unasked."""

from __future__ import annotations

import re
from dataclasses import replace

from bot import texts
from bot.dialogue.turn import Turn
from bot.flows import report_form as form

# Typed answers to "要先放下它，去办…吗？" (elderly residents type what they could tap).
SWITCH_YES = re.compile(r"^(是|是的|好|好的|对|行|可以|去|去办|去吧|嗯|换|办新的)$")
SWITCH_NO = re.compile(r"^(不|不是|不用|不用了|不要|不了|先不|继续|接着|不，继续|继续登记|不换)$")


def answer(t: Turn) -> bool:
    """A typed 好 / 不用了 while the switch question waits: answered as its buttons; True if so."""
    if not t.state.pending.get("switch"):
        return False
    said = t.event.text.strip().strip("。.!！啊吧呀 ")
    yes = True if SWITCH_YES.match(said) else False if SWITCH_NO.match(said) else None
    if yes is None:
        for key in ("switch", "text"):  # something else: the question is left, the line read as usual
            t.state.pending.pop(key, None)
        return False
    decide(t, yes)
    return True


def ask(t: Turn, current: str) -> None:
    """A clear other request in the middle of a form: put this one down? (nothing is dropped unasked)"""
    t.state.pending = {"switch": t.intent, "text": t.event.text.strip()}
    t.say(texts.SWITCH_FORM.format(current=current, target=texts.SWITCH_NAMES.get(t.intent, texts.SWITCH_OTHER)),
          texts.SWITCH_BUTTONS)


def decide(t: Turn, yes: bool) -> None:
    """是，去办新的: that request, as typed; 不，继续登记: the open form's question again."""
    pending = t.state.pending.get("switch")
    said = str(t.state.pending.get("text") or "")
    t.state.pending = {}
    if not yes or not pending:
        from bot.dialogue.engine import ROUTES  # the open form's own question, whichever flow's

        owner = ROUTES.forms.get(t.state.form or "")
        again = form.advance if t.state.form == "report" else owner.resume if owner else None
        return form.acknowledged(t, texts.CONTINUE_FORM, again)
    t.state.end()
    from bot.dialogue.engine import dispatch  # the engine owns intent routing

    t.event = replace(t.event, text=said)  # the new request is what they typed, not the button
    t.__dict__.pop("parse", None)  # parse that text, not the button's
    return dispatch(t, pending)
