"""A resident's community: asked once, early, keeping what they said; by name, place or roster; 换社区."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, fields

from bot import texts
from bot.callbacks import MENU, PLACE, Callback, decode
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from bot.events import Inbound
from bot.flows import community_find as place
from bot.flows import community_move, emergency, story
from bot.flows.community_find import KEY
from domain.identity import normalize_phone

# What needs no community: greetings, help, yes/no, thanks, and what was not understood.
FREE_INTENTS = frozenset({"greet", "help", "affirm", "deny", "stop", "thank", "out_of_scope",
                          # reads of one's own records, wherever filed: nothing to ask first
                          "check_status", "cancel_booking"})
FREE_MENU = frozenset({"menu", "me"})  # menu buttons that show, not do
FREE_WORDS = frozenset({"菜单", "主菜单", "menu", "首页", "返回", "帮助", "help", "怎么用", "?", "？",
                        "取消", "算了", "不办了", "退出", "不要了", "cancel", "停"})
# An answer that tries to name a place ("南洋村", "我住白象那边"): not found, asked again.
TRIES_A_NAME = re.compile(r"(社区|村|街道|镇|乡)(的|啊|呀)?$|^(我是|我住|住在|我在|我们是)")
NAME_SIZE = 12  # longer than this, it says more than where they live
BOOKING_FORM = "booking"  # bot/flows/booking.py's form (it imports community_move)
Router = Callable[[Turn], None]


def route(t: Turn, route_on: Router) -> None:
    """Route the turn, first placing an unplaced speaker (asking, keeping what they said)."""
    if not t.app.several or t.is_group or t.staff is not None:
        return route_on(t)
    ev = t.event
    cb = decode(ev.data) if ev.kind == "button" else None
    if cb is not None and cb.ns == PLACE.name:
        return _button(t, cb, route_on)
    if t.uow.community is not None:
        home = t.state.slots.get("home") if t.state.form == BOOKING_FORM else None
        if home and home != t.uow.community and home in t.app.codes():
            place.scope(t, home, frozenset({t.uow.community}))  # booking for a parent who lives there
        return community_move.placed(t, route_on)
    from bot.flows.visits_today import asked_by_provider  # (visits import the booking flows)

    if asked_by_provider(t):
        return route_on(t)  # a partner's own chat: its visits in every community, nobody to place
    if ev.kind == "contact" and (code := _roster_community(t)) is not None:
        place.scope(t, code)  # on the roster somewhere in the city: that community is theirs
        return route_on(t)
    if ev.kind == "location":
        return _guess_at(t)
    if ev.kind == "text":
        return _text(t, route_on)
    if ev.kind == "command" or (cb is not None and cb.ns == MENU.name and cb.action in FREE_MENU):
        return route_on(t)
    _hold(t)
    return place.ask(t, texts.PLACE_ASK_KEPT)  # a photo or a phone number off the roster: kept


def mine(t: Turn) -> tuple[str, list[list[tuple[str, str]]]]:
    """For 我的信息: the speaker's community and a 换社区 button (nothing in a one-community bot)."""
    code = t.uow.community
    if t.app.several and code is None:
        return texts.ME_NO_COMMUNITY, []  # the next step: say where they live
    if not t.app.several or code is None:
        return "", []
    return (texts.PLACE_MINE.format(community=place.label(t.app, code)),
            [[PLACE.button(texts.PLACE_MOVE_BUTTON, "move")]])


def named(t: Turn) -> str:
    """"您所在的社区：…" after a roster match, when the deployment has several communities."""
    code = t.uow.community
    if not t.app.several or code is None:
        return ""
    return "\n" + texts.PLACE_BY_ROSTER.format(community=place.label(t.app, code))


# -- unplaced ------------------------------------------------------------------------------
def _text(t: Turn, route_on: Router) -> None:
    text = t.event.text.strip()
    if text.lower().strip("。.!！ ") in FREE_WORDS or _last_line(text) in FREE_WORDS:
        return route_on(t)  # the way out is never in doubt (menu also drops what was kept)
    held = t.state.pending.get(KEY)
    guess = held.pop("guess", None) if held else None  # asked once: a later line is not its answer
    if guess and guess in t.app.codes() and (yes := place.typed_answer(text)) is not None:
        return _settle(t, guess, route_on) if yes else place.ask(t, texts.PLACE_ASK_AGAIN)
    needs = _needs(t)
    kind = emergency.kind_of(t) if needs else None
    advice = ""
    if kind is not None:  # safety first, whatever else the message says; the report follows
        advice = texts.EMERGENCY_ADVICE[kind] + "\n" + texts.EMERGENCY_CALL.format(
            numbers=emergency.numbers(t, kind))
        t.say(advice)
    found = place.finder(t.app)
    names = found.by_name(text) if found is not None else []
    if len(names) == 1 and (held or place.only_place(text, names[0])):
        if not place.only_place(text, names[0]):
            _hold(t, advice)  # "南垟花园5幢" as the answer: kept with what they said before
        return _settle(t, names[0].code, route_on)
    if names or (found is not None and (names := found.by_estate(text) or found.by_slip(text))):
        if (needs or held) and not place.only_place(text, names[0]):
            _hold(t, advice)  # "南洋花园3幢" as the answer: the place is part of the request
        return place.offer(t, names)
    area = found.by_area(text) if found is not None else None
    if area is not None and (held or needs or place.only_area(text, area)):
        if needs and not place.only_area(text, area):
            _hold(t, advice)
        return place.offer_area(t, area)  # "南白象街道的": that place's communities to tap
    if not held and not needs:
        return route_on(t)
    if held and len(text) <= NAME_SIZE and TRIES_A_NAME.search(text):
        return place.ask(t, texts.PLACE_ASK_AGAIN)  # a place we do not know: asked again
    # More of the request, line by line ("我家" "楼道的灯" "晚上看不见"): kept with it.
    _hold(t, advice)
    return place.ask(t, texts.PLACE_ASK_KEPT if held else texts.PLACE_ASK)


def _needs(t: Turn) -> bool:
    """Whether this message asks for something a community does (a report, a booking, …)."""
    rest = story.strip_greeting(t.event.text)
    if not rest:
        return False
    parse = t.parse if rest == t.event.text.strip() else t.app.parser.parse(rest, now=t.now)
    if parse.get("urgent"):
        return True
    return str(parse.get("intent", {}).get("name") or "out_of_scope") not in FREE_INTENTS


def _last_line(text: str) -> str:
    return text.splitlines()[-1].lower().strip("。.!！ ") if "\n" in text else ""


def _roster_community(t: Turn) -> str | None:
    phone = normalize_phone(t.event.phone or "")
    resident = t.uow.residents.by_phone(phone) if phone else None
    code = resident.community if resident is not None else None
    return code if code in t.app.codes() else None


def _guess_at(t: Turn) -> None:
    found = place.finder(t.app)
    near = found.near(t.event.latitude or 0.0, t.event.longitude or 0.0) if found else []
    if not t.state.pending.get(KEY):
        _hold(t)  # a location sent on its own: their shelters, once we know whose
    if not near:
        return place.ask(t)
    return place.offer_near(t, near)  # never chosen silently: the nearest few to tap


def _hold(t: Turn, advised: str = "") -> None:
    """Keep what they said (lines sent while we ask are added to it), to answer once placed."""
    held = dict(t.state.pending.get(KEY) or {})
    before = held.get("event")
    now = {k: v for k, v in asdict(t.event).items() if v not in (None, "")}
    if before and before.get("kind") == "text" and now.get("kind") == "text":
        now["text"] = f"{before['text']}\n{now['text']}"
    elif before and now.get("kind") != "text":
        now = before  # a button or location in between does not replace the request
    held["event"] = now
    if advised:
        held["advised"] = advised
    t.state.pending = {KEY: held}


def _settle(t: Turn, code: str, route_on: Router) -> None:
    """Place them in `code`; then answer what they said before, as if it came now."""
    held = dict(t.state.pending.pop(KEY, None) or {})
    t.state.community = code
    if t.resident is not None and t.resident.community != code:
        community_move.move_resident(t, code)
    place.scope(t, code)
    event = held.get("event")
    t.say(texts.PLACE_DONE.format(community=place.label(t.app, code)), () if event else texts.MENU_BUTTONS)
    if not event:
        return None
    known = {f.name for f in fields(Inbound)}
    t.event = Inbound(**{k: v for k, v in event.items() if k in known})
    t.__dict__.pop("parse", None)
    start = len(t.replies)
    route_on(t)
    advised = held.get("advised")
    if advised:  # said first already: not twice
        t.replies[start:] = [r for r in t.replies[start:] if r.text != advised]
    return None


# -- buttons -------------------------------------------------------------------------------
def _button(t: Turn, cb: Callback, route_on: Router) -> None:
    placed = t.uow.community is not None
    moving = bool((t.state.pending.get(KEY) or {}).get("move"))
    if cb.action == "pick" and cb.arg() not in t.app.codes():
        return place.ask(t)  # a community taken out of the deployment since the button was sent
    if cb.action == "pick":
        return community_move.confirm_move(t, cb.arg()) if placed else _settle(t, cb.arg(), route_on)
    if cb.action == "to" and placed and moving:
        return community_move.move(t, cb.arg())
    if cb.action == "move" and placed:
        return community_move.ask_move(t)
    if cb.action == "stay":
        t.state.pending.pop(KEY, None)
        if placed:
            t.say(texts.PLACE_STAYED.format(community=place.label(t.app, t.uow.community or "")), texts.MENU_BUTTONS)
            return None
    if cb.action == "st":
        return place.offer_street(t, cb.arg())
    if cb.action == "type":
        t.say(texts.PLACE_TYPE)
        return None
    return community_move.ask_move(t) if placed else place.ask(t)


def on_button(t: Turn, cb: Callback) -> None:
    """Reached only when a turn is routed without route() first: nothing kept is answered then."""
    _button(t, cb, lambda turn: None)


def greeting_name(t: Turn) -> str:
    """Whose helper the bot is: the speaker's community, or the city's service before they say."""
    return texts.PLACE_CITY if t.app.several and t.uow.community is None else t.app.config.community.name


FLOW = Flow(name="community", buttons=(PLACE,), on_button=on_button)
