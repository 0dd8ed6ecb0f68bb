"""Menu, the public 你说我做 list, shelters, the office, and requests passed to staff."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import texts
from bot.alerts import open_shelters, shelters_of
from bot.callbacks import MENU, PUBLIC, Callback
from bot.cards import RELAY_CATEGORY, category_label, estate_name
from bot.communities import CommunityEntry
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, example_estate, grid_rows
from bot.events import Location
from bot.flows import estate_choice
from bot.geo import index_of
from domain.alerts import Shelter
from domain.reports import STATUS_LABELS, Kind
from domain.residents import Address
from domain.usecases import reports as uc

if TYPE_CHECKING:
    from bot.app import App

BUTTONS = (MENU, PUBLIC)  # this flow's button namespaces
COMING_SOON = texts.COMING_SOON_NAMES
# What the 转给工作人员 button can pass on: what is not open yet, and a policy question no policy fits.
RELAYED = {**COMING_SOON, "ask_policy": texts.POLICY_RELAY_WHAT}


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
    from bot.flows import identity, policy, report

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
        from bot.flows import board

        return board.show(t)
    if choice == "shelter":
        return shelters(t)
    if choice == "policy":
        return policy.browse(t)
    if choice == "me":
        return identity.show_mine(t)
    if choice == "relay":
        return relay(t)
    return menu(t)


def public_pick(t: Turn) -> None:
    """Choose an estate to see its public list (a button, or its name typed)."""
    t.state.pending = {"pick": "public"}
    t.say(texts.PUBLIC_PICK, grid_rows([PUBLIC.button(e.name, "estate", e.code)
                                        for e in t.app.config.estates]))


def picked_estate(t: Turn) -> bool:
    """"翠微苑" typed after "看哪个小区": that estate's public list; True if it answered."""
    if t.state.pending.get("pick") != "public" or t.state.form or t.is_group:
        return False
    t.state.pending = {}
    named = t.entity("estate")
    code = t.app.estate_lookup().get(str(named["value"])) if named else None
    if code is None:
        return False  # something else was said: understood as usual
    public_list(t, code)
    return True


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


def format_distance(metres: float) -> str:
    """约600米 / 约1.2公里, as people say it."""
    n = max(50, round(metres / 50) * 50)
    if n < 1000:
        return texts.DISTANCE_METRES.format(n=n)
    km = metres / 1000
    return texts.DISTANCE_KM.format(n=f"{km:.0f}" if km >= 10 else f"{km:.1f}".removesuffix(".0"))


def _shelter_origin(t: Turn) -> tuple[float, float, str] | None:
    """Where to measure from: a shared location, an estate named, else the resident's home."""
    ev = t.event
    if ev.latitude is not None and ev.longitude is not None:
        return ev.latitude, ev.longitude, texts.SHELTER_WHERE_POINT
    named = t.entity("estate") if ev.text else None
    code = t.app.estate_lookup().get(str(named["value"])) if named else None
    if code is None and t.resident and t.resident.address.estate:
        code = t.resident.address.estate
    estate = next((e for e in t.app.config.estates if e.code == code), None)
    if estate is None or estate.lat is None or estate.lon is None:
        return None
    where = estate.name if named else texts.SHELTER_WHERE_HOME.format(estate=estate.name)
    return estate.lat, estate.lon, where


def shelters(t: Turn) -> None:
    """The three nearest open shelters with distance and a map pin; without a place, ask for one."""
    named = t.entity("estate") if t.event.text else None
    if named and str(named["value"]) not in t.app.estate_lookup():
        match = estate_choice.elsewhere(t, str(named["value"]))
        if match is not None and match.kind == "ambiguous":
            return estate_choice.ask(t, match, "shelter")
        if match is not None:  # asking about a place is not moving there: no question needed
            return on_estate_chosen(t, match.communities[0], match.name)
    origin = _shelter_origin(t)
    if origin is None:
        t.say(texts.ASK_SHELTER_WHERE.format(example=example_estate(t)), request="location")
        return
    lat, lon, where = origin
    _nearest(t, lat, lon, where, open_shelters(t.app, t.uow, t.now))


def on_estate_chosen(t: Turn, community: CommunityEntry | None, name: str) -> None:
    """Shelters near an estate of another community: that community's shelters, from its file."""
    found = estate_choice.estate_of(t, community, name)
    config, estate = found if found is not None else (None, None)
    if community is None or config is None or estate is None or estate.lat is None or estate.lon is None:
        t.say(texts.ASK_SHELTER_WHERE.format(example=example_estate(t)), request="location")
        return
    where = texts.ESTATE_WHERE.format(estate=estate.name, place=community.label())
    _nearest(t, estate.lat, estate.lon, where, [s for s in shelters_of(config) if s.open])


def _nearest(t: Turn, lat: float, lon: float, where: str, candidates: list[Shelter]) -> None:
    near = index_of(tuple(candidates)).nearest(lat, lon, k=3)
    if not near:
        t.say(texts.SHELTER_NONE_OPEN.format(call=office_call(t)))
        return
    lines = "\n".join(texts.SHELTER_NEAR_LINE.format(
        name=s.name, distance=format_distance(d), address=s.address, capacity=s.capacity)
        for s, d in near)
    first = near[0][0]
    t.say(texts.SHELTERS_NEAR.format(where=where, lines=lines),
          location=Location(first.lat, first.lon, first.name))


def office_call(t: Turn) -> str:
    """打社区电话 …（hours）: every "please call" names the number and when someone answers."""
    return office_call_for(t.app)


def office_call_for(app: App) -> str:
    """The same, where there is no turn (messages the notifier queues)."""
    office = app.config.community.office
    if office is None:
        return texts.OFFICE_UNKNOWN
    return texts.OFFICE_CALL.format(phone=office.phone, hours=office.hours)


def contact_office(t: Turn) -> None:
    """社区电话 / 居委会在哪 / 几点上班: the office's phone, address and hours from config."""
    office = t.app.config.community.office
    if office is None:
        t.say(texts.OFFICE_NONE, texts.MENU_BUTTONS)
        return
    t.say(texts.OFFICE.format(community=t.app.config.community.name, phone=office.phone,
                              address=office.address, hours=office.hours), texts.MENU_BUTTONS)


def coming_soon(t: Turn, intent: str) -> None:
    """Not open yet: the number and hours, and an offer to pass the request to staff."""
    what = COMING_SOON[intent]
    text = t.event.text.strip()
    t.state.pending = {"relay": intent, "text": text} if text else {}
    rows = texts.RELAY_BUTTONS if text else texts.MENU_BUTTONS
    t.say(texts.COMING_SOON_RELAY.format(what=what, call=office_call(t)), rows)


def relay(t: Turn) -> None:
    """Pass the resident's own request to staff as a report they can act on, with a number."""
    intent, text = t.state.pending.get("relay"), t.state.pending.get("text")
    if intent not in RELAYED or not text:
        t.say(texts.RELAY_NOTHING, texts.MENU_BUTTONS)
        return
    t.state.pending = {}
    resident = t.resident
    address = resident.address if resident else Address()
    draft = uc.Draft(kind=Kind.PROBLEM, category=RELAY_CATEGORY, address=address,
                     description=texts.RELAY_DESCRIPTION.format(what=RELAYED[intent], text=text))
    report = uc.file_report(t.uow, draft, t.app.report_rules, t.now,
                            resident.id if resident else None, t.event.chat_id)
    accept_by = texts.format_when(report.accept_due or t.now, t.app.zone, t.now)
    t.say(texts.RELAY_DONE.format(number=report.number, accept_by=accept_by), texts.MENU_BUTTONS)
    if resident is None or not resident.phone:
        # "他们会联系您" needs a way to reach them: asked every time, not once per chat.
        t.state.contact_asked = True
        t.say(texts.RELAY_ASK_CONTACT, request="contact")


def help_(t: Turn) -> None:
    """How to use the bot, with the menu."""
    t.say(texts.HELP, texts.MENU_BUTTONS)


BYE = re.compile(r"再见|拜拜|没事了|就这样|bye", re.IGNORECASE)


FLOW = Flow(
    name="info",
    intents={
        "help": help_, "find_shelter": shelters,
        "contact_office": contact_office,
        "thank": lambda t: t.say(texts.BYE_REPLY if BYE.search(t.event.text) else texts.THANKS_REPLY),
        "stop": lambda t: t.say(texts.NOTHING_TO_STOP),
    },
    buttons=BUTTONS, on_button=on_button, on_any_text=picked_estate,
)
