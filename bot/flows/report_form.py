"""The report form's slots and questions: places read from text, the next question, the summary.

bot/flows/report.py handles what the resident types, presses and sends; this module decides
what to ask next from what the form holds, so every path (text, button, location, photo)
ends in the same question or the same summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot import texts
from bot.callbacks import FORM
from bot.cards import category_label, place_label
from bot.community_finder import slip_match
from bot.dialogue.turn import Turn, example_estate, grid_rows, reply
from bot.estates import home_code
from bot.flows import estate_choice, story
from domain.reports import STATUS_LABELS, Kind
from domain.residents import Address
from domain.usecases import reports as uc

ASK_ESTATE = "estate_ask"  # slot: an estate named that only other communities have


def has_description(t: Turn) -> bool:
    """Whether this turn says what is wrong, beyond a place or "我要报修"."""
    # A place ("我是南塘新村5幢的住户") or "我要报修" alone does not say what is wrong.
    rest = story.residue(t.event.text, t.parse.get("entities", []))
    return len(rest) >= 2 or t.entity("report_category") is not None


def fill_place(t: Turn, slots: dict[str, Any]) -> bool:
    """Take estate/building/unit/room entities from this turn's text; True if any."""
    found = False
    estate = t.entity("estate")
    if estate:
        code = t.app.estate_lookup().get(str(estate["value"]))
        if code:
            # Parts add up ("3幢2单元…" then "翠微苑"); another estate, or one replacing the
            # roster's guess, makes the building said before meaningless.
            if slots.get("prefilled") or slots.get("estate") not in (None, "", code):
                slots.update(building="", unit="", room="")
            slots.update(estate=code, prefilled=False)
            for key in ("community", "estate_name", ASK_ESTATE):
                slots.pop(key, None)
            found = True
        elif estate_choice.elsewhere(t, str(estate["value"])) is not None:
            slots[ASK_ESTATE] = str(estate["value"])  # asked at the next step: which community
    elif not slots.get("estate") and (code := slip_match(t.app.estate_lookup(), t.event.text)):
        slots["estate"], found = code, True  # 南洋花园 for 南垟花园: shown back before it is filed
    for part in ("building", "unit", "room"):
        e = t.entity(part)
        if e:
            slots[part] = str(e["value"])
            found = True
    if found and not slots.get("estate") and not slots.get(ASK_ESTATE) and t.resident \
            and t.resident.address.estate:
        slots["estate"] = t.resident.address.estate  # "3幢" alone: the resident's own estate
    return found


def advance(t: Turn) -> None:
    """Ask for the first thing still missing; with everything there, the duplicate check, then the summary."""
    s = t.state.slots
    kind = s["kind"]
    if s.get(ASK_ESTATE):
        match = estate_choice.elsewhere(t, s.pop(ASK_ESTATE))
        if match is not None:
            t.state.step = "place"
            return estate_choice.ask(t, match, "report")
    if not s.get("description"):
        return ask(t, "description", texts.ASK_DESCRIPTION[kind])
    if not s.get("category"):
        if kind == Kind.SUGGESTION:
            s["category"] = "suggestion"  # suggestions are not sorted into repair categories
        else:
            return ask(t, "category", texts.ASK_CATEGORY, category_rows(t))
    if not s.get("estate") and s.get("lat") is None and kind != Kind.SUGGESTION:
        return ask_place(t)
    if not s.get("dup_checked"):
        s["dup_checked"] = True
        dup = uc.find_duplicate(t.uow, draft(s), t.app.report_rules, t.now)
        if dup is not None:
            s["dup_of"] = dup.number
            # Never the other report's words: they may hold a stranger's name or phone.
            text = texts.DUPLICATE_HINT.format(
                category=category_label(t.app, dup.category),
                place=place_label(t.app, dup.address, public=True),
                status=STATUS_LABELS[dup.status])
            return ask(t, "duplicate", text, texts.DUPLICATE_BUTTONS)
    photos = s.get("photos") or []
    text = texts.CONFIRM_REPORT.format(
        category=category_label(t.app, s["category"]),
        place=_place(t, s), description=s["description"],
        photos=texts.PHOTOS_LINE.format(n=len(photos)) if photos else "")
    return ask(t, "confirm", text, confirm_rows(s))


def ask(t: Turn, step: str, text: str, rows: Any = ()) -> None:
    """Ask one question and remember which step it answers."""
    t.state.step = step
    t.say(text, rows)


def ask_place(t: Turn, prefix: str = "") -> None:
    """Where is it: the estates as buttons, and sharing a location."""
    estates = [FORM.button(e.name, "est", e.code) for e in t.app.config.estates]
    rows = [*grid_rows(estates), [FORM.button(texts.SEND_LOCATION_BUTTON, "loc")]]
    ask(t, "place", prefix + texts.ASK_PLACE.format(example=example_estate(t)), rows)


def category_rows(t: Turn) -> Any:
    """The community's report categories as buttons."""
    return grid_rows([FORM.button(c.label, "cat", c.code) for c in t.app.config.reports.categories])


def confirm_rows(s: dict[str, Any]) -> Any:
    """The summary's buttons (a suggestion has no place to change)."""
    return texts.CONFIRM_BUTTONS_SUGGESTION if s["kind"] == Kind.SUGGESTION else texts.CONFIRM_BUTTONS


def _place(t: Turn, s: dict[str, Any]) -> str:
    a = Address(s.get("estate", ""), s.get("building", ""), s.get("unit", ""), s.get("room", ""))
    if s.get("community") and s["community"] != home_code(t):
        return a.label(s.get("estate_name", ""))  # an estate of the community chosen this turn
    if s["kind"] == Kind.SUGGESTION and not a.estate and s.get("lat") is None:
        return texts.PLACE_WHOLE_COMMUNITY
    return place_label(t.app, a, s.get("lat"), s.get("lon"))


def draft(s: dict[str, Any]) -> uc.Draft:
    """The report the form's slots describe, as the use case takes it."""
    return uc.Draft(
        kind=Kind(s["kind"]), category=s.get("category", "other"),
        description=s.get("description", ""),
        address=Address(s.get("estate", ""), s.get("building", ""), s.get("unit", ""),
                        s.get("room", "")),
        latitude=s.get("lat"), longitude=s.get("lon"), photos=list(s.get("photos") or []),
        urgent=bool(s.get("urgent")))


def acknowledged(t: Turn, ack: str, step: Callable[[Turn], None] | None) -> None:
    """Say `ack`, then do `step`: in one message when its first reply is plain text.

    Why: every message spends Telegram's sending budget and one more wait for the resident,
    and "位置收到了。" alone tells nothing the next question does not.
    """
    start = len(t.replies)
    if step is not None:
        step(t)
    nxt = t.replies[start] if len(t.replies) > start else None
    if nxt is not None and nxt.text and not (nxt.document or nxt.location or nxt.photos):
        t.replies[start] = replace(nxt, text=f"{ack}\n{nxt.text}")
    else:
        t.replies.insert(start, reply(ack))
