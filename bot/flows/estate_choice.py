"""An estate named that is not in the resident's community: which community it means, asked.

The report and shelter flows call `elsewhere` with the estate the NLU found; a name held
by several communities (or by one other) is asked about with a button per community, and
the answer goes back to the flow that asked (`on_chosen`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot import texts
from bot.callbacks import ESTATE, Callback
from bot.communities import CommunityEntry
from bot.config import AppConfig, ConfigError
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from bot.estates import EstateMatch, home_code, resolve_estate

log = logging.getLogger(__name__)
BUTTONS = (ESTATE,)
PENDING = "estate"
# What each asking flow does with the answer: (turn, community, estate name) or (turn, None, name).
Chosen = Callable[[Turn, CommunityEntry | None, str], None]


def elsewhere(t: Turn, name: str) -> EstateMatch | None:
    """Where a name this community does not have is ("elsewhere"/"ambiguous"), else None."""
    directory = t.app.directory
    if directory is None or not name:
        return None
    match = resolve_estate(directory, home_code(t), name)
    return match if match.kind in ("elsewhere", "ambiguous") else None


def ask(t: Turn, match: EstateMatch, purpose: str) -> None:
    """The question: this one community (yes/no), or which of several (a button each)."""
    t.state.pending = {**t.state.pending, PENDING: {
        "name": match.name, "for": purpose, "codes": [c.code for c in match.communities]}}
    if match.kind == "elsewhere":
        place = match.communities[0].label()
        t.say(texts.ESTATE_ELSEWHERE.format(estate=match.name, place=place), [
            [ESTATE.button(texts.ESTATE_YES.format(place=place), "in", match.communities[0].code)],
            [ESTATE.button(texts.ESTATE_NO, "no")]])
        return
    rows = [[ESTATE.button(c.label(), "in", c.code)] for c in match.communities]
    t.say(texts.ESTATE_WHICH.format(estate=match.name), [*rows, [ESTATE.button(texts.ESTATE_NONE_OF, "no")]])


def estate_of(t: Turn, community: CommunityEntry | None, name: str) -> tuple[AppConfig, Any] | None:
    """That community's configuration and its estate of this name or alias; None when not there."""
    directory = t.app.directory
    if community is None or directory is None:
        return None
    try:
        config = directory.config(community.code)
    except ConfigError:  # a broken file: `cunshe communities check` names it; here, the list
        log.warning("community %s: configuration not valid", community.code)
        return None
    estate = next((e for e in config.estates if name == e.name or name in e.aliases), None)
    return (config, estate) if estate is not None else None


def on_button(t: Turn, cb: Callback) -> None:
    """A community chosen (or none of them): handed to the flow that asked."""
    from bot.flows import info, report

    asked = t.state.pending.pop(PENDING, None)
    handlers: dict[str, Chosen] = {"report": report.on_estate_chosen, "shelter": info.on_estate_chosen}
    directory = t.app.directory
    if not isinstance(asked, dict) or asked.get("for") not in handlers or directory is None:
        t.say(texts.STALE_STEP, texts.MENU_BUTTONS)
        return
    handle = handlers[asked["for"]]
    entry = directory.get(cb.arg()) if cb.action == "in" else None
    if cb.action == "in" and (entry is None or entry.code not in asked.get("codes", ())):
        t.say(texts.STALE_STEP, texts.MENU_BUTTONS)
        return
    handle(t, entry, str(asked.get("name") or ""))


FLOW = Flow(name="estate_choice", buttons=BUTTONS, on_button=on_button)
