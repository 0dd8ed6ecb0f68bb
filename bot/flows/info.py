"""Menu, the public 你说我做 list, shelters and policies from config."""

from __future__ import annotations

import math
from dataclasses import replace

from bot import texts
from bot.callbacks import MENU, PUBLIC, Callback
from bot.cards import category_label, estate_name
from bot.dialogue.turn import Turn, grid_rows
from domain.reports import STATUS_LABELS, Kind

BUTTONS = (MENU, PUBLIC)  # this flow's button namespaces
COMING_SOON = texts.COMING_SOON_NAMES


def menu(t: Turn, in_form: bool = False) -> None:
    """The main menu; inside a form, a reminder of how to go on."""
    if in_form and t.state.form:
        kind = texts.FORM_NAMES.get(t.state.slots.get("kind", ""), texts.FORM_DEFAULT)
        t.say(texts.IN_FORM_HELP.format(form=kind))
        return
    t.say(texts.MENU, texts.MENU_BUTTONS)


def on_button(t: Turn, cb: Callback) -> None:
    """A main-menu button, or an estate of the public list."""
    if cb.ns == PUBLIC.name:
        return public_list(t, cb.arg())
    return on_menu(t, cb.action)


def on_menu(t: Turn, choice: str) -> None:
    """A main-menu button."""
    from bot.dialogue.engine import dispatch
    from bot.flows import identity, report

    if t.state.form and choice in ("report", "suggest", "status", "public", "shelter", "policy"):
        t.state.end()  # a menu press is a clear choice to leave the open form
    if choice == "report":
        t.event = replace(t.event, text="")  # a button carries no description
        return report.start(t, kind=Kind.REPAIR)
    if choice == "suggest":
        t.event = replace(t.event, text="")
        return report.start(t, suggestion=True)
    if choice == "status":
        return dispatch(t, "check_status")
    if choice == "public":
        return public_pick(t)
    if choice == "shelter":
        return shelters(t)
    if choice == "policy":
        return policies(t)
    if choice == "me":
        return identity.show_mine(t)
    return menu(t)


def public_pick(t: Turn) -> None:
    """Choose an estate to see its public list."""
    t.say(texts.PUBLIC_PICK, grid_rows([PUBLIC.button(e.name, "estate", e.code)
                                        for e in t.app.config.estates]))


def public_list(t: Turn, estate: str) -> None:
    """Recent reports of an estate with status, and no personal data at all."""
    name = estate_name(t.app, estate)
    if not name:
        return public_pick(t)
    items = t.uow.reports.list(estate=estate, limit=10)
    if not items:
        t.say(texts.PUBLIC_EMPTY.format(estate=name))
        return
    lines = [texts.PUBLIC_LIST.format(estate=name, n=len(items))]
    for r in items:
        lines.append(texts.PUBLIC_LINE.format(
            category=category_label(t.app, r.category),
            building=f"（{r.address.building}幢）" if r.address.building else "",
            status=STATUS_LABELS[r.status],
            when=texts.format_day(r.created_at or t.now, t.app.zone)))
    t.say("\n".join(lines))


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


def shelters(t: Turn) -> None:
    """Shelters from config, nearest first when the resident shared a location."""
    items = list(t.app.config.shelters)
    lat, lon = t.event.latitude, t.event.longitude
    if lat is not None and lon is not None:
        items.sort(key=lambda s: _distance_km(lat, lon, s.lat, s.lon))
        items = items[:3]
    lines = "\n".join(texts.SHELTER_LINE.format(name=s.name, address=s.address,
                                                capacity=s.capacity) for s in items)
    t.say(texts.SHELTERS.format(lines=lines))
    if lat is None:
        t.say(texts.ASK_SHELTER_LOCATION, request="location")


def policies(t: Turn) -> None:
    """The policy asked about by name; else all, those matching the resident's tags first."""
    text = t.event.text
    named = [p for p in t.app.config.policies
             if p.title in text or any(k in text for k in p.keywords)]
    if named:
        lines = "\n".join(texts.POLICY_LINE.format(title=p.title, summary=p.summary) for p in named)
        t.say(texts.POLICY_NAMED.format(lines=lines))
        return
    tags = set(t.resident.tags) if t.resident else set()
    items = sorted(t.app.config.policies, key=lambda p: not (tags & set(p.tags)))
    lines = "\n".join(texts.POLICY_LINE.format(title=p.title, summary=p.summary) for p in items[:5])
    t.say(texts.POLICIES.format(lines=lines))
