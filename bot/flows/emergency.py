"""Emergencies first: safety advice and the number to call, before anything is asked."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.dialogue.turn import Turn
from nlu.urgent import detect

# The report category an emergency is filed under, when config has it and the text named none.
CATEGORY = {"gas": "safety", "fire": "safety", "smoke": "safety", "injury": "safety",
            "lift_trapped": "facilities", "flooding": "drainage"}


def kind_of(t: Turn) -> str | None:
    """The emergency this turn's text describes (the NLU's urgent_kind), or None."""
    if not t.event.text.strip() or not t.parse.get("urgent"):
        return None
    kind = t.parse.get("urgent_kind")
    return kind if kind in texts.EMERGENCY_ADVICE else None


def kind_mid_form(t: Turn) -> str | None:
    """An emergency told inside an open report, read with the story so far.

    "昨天王阿姨" then "在门口摔了一跤": the earlier line makes it a past fall, not an emergency now.
    """
    kind = kind_of(t)
    before = str(t.state.slots.get("description") or "")
    if kind is None or not before:
        return kind
    return kind if detect(f"{before}，{t.event.text.strip()}") is not None else None


def numbers(t: Turn, kind: str) -> str:
    """火警 119，燃气抢修 96777: the numbers config gives for this kind."""
    entries = getattr(t.app.config.emergency, kind)
    return texts.EMERGENCY_JOIN.join(
        texts.EMERGENCY_NUMBER.format(name=e.name, number=e.number) for e in entries)


def advise(t: Turn, kind: str, slots: dict[str, Any]) -> None:
    """Say what to do now and whom to call; mark the form's report urgent."""
    t.say(texts.EMERGENCY_ADVICE[kind] + "\n" + texts.EMERGENCY_CALL.format(numbers=numbers(t, kind)))
    slots.update(urgent=kind, dup_checked=True)  # no "是同一件事吗" in an emergency
    said, before = t.event.text.strip(), slots.get("description")
    # Mid-form, what was already said stays: the emergency is added to the same story.
    slots["description"] = f"{before}，{said}" if before and said not in before else (before or said)
    codes = {c.code for c in t.app.config.reports.categories}
    if CATEGORY.get(kind) in codes:
        slots["category"] = CATEGORY[kind]  # the emergency decides who must act, and how fast
