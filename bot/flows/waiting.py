"""A request that needs the phone number first: held while it is asked for, then taken up again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import texts
from bot.dialogue.turn import Turn

WAIT_MINUTES = 30  # a request held for the phone number goes on if it is shared within this
SWITCH_CONFIDENCE = 0.6  # a line this sure of another request drops the held one (it is answered)
# Lines that say more of the held request rather than ask for something else.
MORE_OF_IT = frozenset({"out_of_scope", "affirm", "deny", "thank", "greet"})
MAX_HELD = 500


def wait_for_contact(t: Turn, intent: str, ask: str) -> None:
    """Ask for the phone number, holding the request so that it goes on once it is shared."""
    t.state.contact_asked = True
    t.state.after_contact = {"intent": intent, "text": t.event.text[:MAX_HELD], "at": t.now.isoformat()}
    t.say(ask, request="contact")


def held_line(t: Turn) -> bool:
    """A line typed while a request waits for the phone: kept with it, unless it asks for another."""
    held = t.state.after_contact
    if not held:
        return False
    from bot.flows import emergency  # (the NLU's urgency words: not loaded by commands that parse nothing)

    other = t.intent not in (held["intent"], *MORE_OF_IT) and t.confidence >= SWITCH_CONFIDENCE
    if expired(t, held) or emergency.kind_of(t) is not None or other:
        t.state.after_contact = {}  # "我楼上漏水了": that request is answered (and filed) instead
        return False
    held["text"] = f"{held['text']}，{t.event.text.strip()}"[:MAX_HELD]
    t.say(texts.CONTACT_STILL_NEEDED, request="contact")
    return True


def expired(t: Turn, held: dict[str, str]) -> bool:
    """Past the time a held request waits for the phone number."""
    return t.now - datetime.fromisoformat(held["at"]) > timedelta(minutes=WAIT_MINUTES)


def too_late(t: Turn, held: dict[str, str]) -> None:
    """The phone came after the held request's time: say so, rather than drop it without a word."""
    t.say(texts.HELD_EXPIRED.format(what=texts.SWITCH_NAMES.get(held["intent"], texts.SWITCH_OTHER),
                                    minutes=WAIT_MINUTES))


def resume(t: Turn, held: dict[str, str]) -> None:
    """The held request, as if just said again by someone now known."""
    from bot.dialogue.engine import dispatch  # the engine owns intent routing

    t.event = replace(t.event, kind="text", text=held["text"])
    t.__dict__.pop("parse", None)
    t.__dict__.pop("resident", None)  # bound just now
    dispatch(t, held["intent"])
