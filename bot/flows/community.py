"""A resident's community: asked once, early, keeping what they said; by name, place or roster; 换社区."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.callbacks import MENU, PLACE, Callback, decode
from bot.community_finder import CommunityFinder, short_name
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, reply
from bot.events import Inbound
from bot.flows import emergency, story
from domain.identity import normalize_phone
from domain.residents import Address

if TYPE_CHECKING:
    from bot.app import App
    from bot.communities import CommunityDirectory, CommunityEntry

KEY = "place"  # this flow's key in ChatState.pending: the kept message, a guess, a move
# What needs no community: greetings, help, yes/no, thanks, and what was not understood.
FREE_INTENTS = frozenset({"greet", "help", "affirm", "deny", "stop", "thank", "out_of_scope"})
FREE_MENU = frozenset({"menu", "me"})  # menu buttons that show, not do
FREE_WORDS = frozenset({"菜单", "主菜单", "menu", "首页", "返回", "帮助", "help", "怎么用", "?", "？",
                        "取消", "算了", "不办了", "退出", "不要了", "cancel", "停"})
MOVE_WORDS = re.compile(r"我搬家了|搬家了|换社区|换个社区|换村|改社区|不是这个社区|不是这个村|社区不对|社区选错")
# Said around a community's name when the message only says where they live.
PLACE_WORDS = re.compile(r"我是|我们是|我住在?|住在|我家在?|我们在|我在|属于|居民|村民|的|了|啊|呀|哦|嗯|是")
NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")
BOOKING_FORM = "booking"  # bot/flows/booking.py's form (it imports this module)
LISTED = 4  # a deployment this small offers every community as a button
Router = Callable[[Turn], None]


@lru_cache(maxsize=4)
def _finder_of(directory: CommunityDirectory) -> CommunityFinder:
    return CommunityFinder(directory.entries)


def finder(app: App) -> CommunityFinder | None:
    """The deployment's community finder, built once."""
    return _finder_of(app.directory) if app.directory is not None else None


def label(app: App, code: str) -> str:
    """南垟社区 (with its 街道 when names are shared), for one code."""
    entry = app.directory.get(code) if app.directory is not None else None
    return entry.name if entry is not None else app.tenant(code).config.community.name


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
            _scope(t, home, frozenset({t.uow.community}))  # booking for a parent who lives there
        return _placed(t, route_on)
    if ev.kind == "contact" and (code := _roster_community(t)) is not None:
        _scope(t, code)  # on the roster somewhere in the city: that community is theirs
        return route_on(t)
    if ev.kind == "location":
        return _guess_at(t)
    if ev.kind == "text":
        return _text(t, route_on)
    if ev.kind == "command" or (cb is not None and cb.ns == MENU.name and cb.action in FREE_MENU):
        return route_on(t)
    _hold(t)
    return ask(t)


def ask(t: Turn, text: str = texts.PLACE_ASK, skip: str = "") -> None:
    """One question with buttons: which community (a few, when there are few) or 我打字说."""
    directory = t.app.directory
    entries = [e for e in directory.entries if e.code != skip] if directory is not None else []
    rows = [[PLACE.button(e.label(), "pick", e.code)] for e in entries] if len(entries) <= LISTED else []
    t.say(text, [*rows, [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


def mine(t: Turn) -> tuple[str, list[list[tuple[str, str]]]]:
    """For 我的信息: the speaker's community and a 换社区 button (nothing in a one-community bot)."""
    code = t.uow.community
    if not t.app.several or code is None:
        return "", []
    return (texts.PLACE_MINE.format(community=label(t.app, code)),
            [[PLACE.button(texts.PLACE_MOVE_BUTTON, "move")]])


def named(t: Turn) -> str:
    """"您所在的社区：…" after a roster match, when the deployment has several communities."""
    code = t.uow.community
    if not t.app.several or code is None:
        return ""
    return "\n" + texts.PLACE_BY_ROSTER.format(community=label(t.app, code))


# -- unplaced ------------------------------------------------------------------------------
def _text(t: Turn, route_on: Router) -> None:
    text = t.event.text.strip()
    if text.lower().strip("。.!！ ") in FREE_WORDS or _last_line(text) in FREE_WORDS:
        return route_on(t)  # the way out is never in doubt (menu also drops what was kept)
    held = t.state.pending.get(KEY)
    needs = _needs(t)
    kind = emergency.kind_of(t) if needs else None
    advice = ""
    if kind is not None:  # safety first, whatever else the message says; the report follows
        advice = texts.EMERGENCY_ADVICE[kind] + "\n" + texts.EMERGENCY_CALL.format(
            numbers=emergency.numbers(t, kind))
        t.say(advice)
    found = finder(t.app)
    names = found.by_name(text) if found is not None else []
    if len(names) == 1 and (held or _only_place(text, names[0])):
        if not _only_place(text, names[0]):
            _hold(t, advice)  # "南垟花园5幢" as the answer: kept with what they said before
        return _settle(t, names[0].code, route_on)
    if names or (found is not None and (names := found.by_slip(text))):
        if needs and not _only_place(text, names[0]):
            _hold(t, advice)
        return _offer(t, names)
    if not held and not needs:
        return route_on(t)
    if needs:
        _hold(t, advice)
        return ask(t)
    return ask(t, texts.PLACE_ASK_AGAIN)


def _needs(t: Turn) -> bool:
    """Whether this message asks for something a community does (a report, a booking, …)."""
    rest = story.strip_greeting(t.event.text)
    if not rest:
        return False
    parse = t.parse if rest == t.event.text.strip() else t.app.parser.parse(rest, now=t.now)
    if parse.get("urgent"):
        return True
    return str(parse.get("intent", {}).get("name") or "out_of_scope") not in FREE_INTENTS


def _only_place(text: str, entry: CommunityEntry) -> bool:
    """ "我是南垟社区的", "南白象街道南垟": nothing but where they live."""
    rest = NOT_HAN.sub("", text)
    for name in sorted({entry.name, short_name(entry.name), *entry.aliases, entry.street, entry.district},
                       key=len, reverse=True):
        if name:
            rest = _misheard(rest, name).replace(name, "")
    return len(NOT_HAN.sub("", PLACE_WORDS.sub("", story.strip_greeting(rest) or ""))) <= 1


def _misheard(text: str, name: str) -> str:
    """The text without the name heard with one character wrong ("南洋社区" for 南垟社区)."""
    size = len(name)
    for i in range(len(text) - size + 1) if size >= 3 else ():
        if sum(a != b for a, b in zip(text[i:i + size], name, strict=True)) == 1:
            return text[:i] + text[i + size:]
    return text


def _last_line(text: str) -> str:
    return text.splitlines()[-1].lower().strip("。.!！ ") if "\n" in text else ""


def _roster_community(t: Turn) -> str | None:
    phone = normalize_phone(t.event.phone or "")
    resident = t.uow.residents.by_phone(phone) if phone else None
    code = resident.community if resident is not None else None
    return code if code in t.app.codes() else None


def _guess_at(t: Turn) -> None:
    found = finder(t.app)
    near = found.by_location(t.event.latitude or 0.0, t.event.longitude or 0.0) if found else None
    if not t.state.pending.get(KEY):
        _hold(t)  # a location sent on its own: their shelters, once we know whose
    if near is None:
        return ask(t)
    entry, metres = near
    text = texts.PLACE_GUESS if metres == 0 else texts.PLACE_GUESS_NEAR
    t.say(text.format(community=entry.label()),
          [[PLACE.button(texts.PLACE_YES_BUTTON, "pick", entry.code), PLACE.button(texts.PLACE_NO_BUTTON, "no")]])


def _offer(t: Turn, entries: Sequence[CommunityEntry]) -> None:
    if len(entries) == 1:
        e = entries[0]
        t.say(texts.PLACE_GUESS.format(community=e.label()),
              [[PLACE.button(texts.PLACE_YES_BUTTON, "pick", e.code), PLACE.button(texts.PLACE_NO_BUTTON, "no")]])
        return
    t.say(texts.PLACE_WHICH, [*([PLACE.button(e.label(), "pick", e.code)] for e in entries[:6]),
                              [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


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
        _move_resident(t, code)
    _scope(t, code)
    event = held.get("event")
    t.say(texts.PLACE_DONE.format(community=label(t.app, code)), () if event else texts.MENU_BUTTONS)
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


def _scope(t: Turn, code: str, also: frozenset[str] = frozenset()) -> None:
    """The rest of this turn in `code`: its config, its records (as the engine places a turn)."""
    tenant = t.app.tenant(code)
    t.uow.scope_to(code, frozenset({code}) | also, tenant.on_event or tenant.notifier.handle)
    t.app = tenant


# -- 家属代办 in the parent's community ---------------------------------------------------
def book_where_they_live(t: Turn) -> None:
    """A parent on another community's roster is booked there: its catalogue, slots and staff.

    Checked once per booking, when name and phone are known; later turns of the form are placed
    there by route(). The booker's own community stays visible (their links, their chat).
    """
    s = t.state.slots
    own = t.uow.community
    if not t.app.several or own is None or s.get("who") == "self" or not s.get("contact") or "home" in s:
        return
    match = t.uow.residents.by_phone(str(s["contact"]))
    home = match.community if match is not None and match.name == s.get("name") else None
    s["home"] = home if home and home != own and home in t.app.codes() else ""
    if s["home"]:
        _scope(t, s["home"], frozenset({own}))
        if s.get("svc") not in t.app.services:
            s.pop("svc", None)  # not offered there: chosen again from their catalogue


def _move_resident(t: Turn, code: str) -> None:
    """A bound resident moves: the new community has not checked them, the old 小区 is not theirs."""
    resident = t.resident
    if resident is None:
        return
    resident.community, resident.verified, resident.address = code, False, Address()
    t.uow.residents.save(resident)


# -- placed: 换社区 ------------------------------------------------------------------------
def _placed(t: Turn, route_on: Router) -> None:
    held = t.state.pending.get(KEY)
    text = t.event.text.strip() if t.event.kind == "text" else ""
    if text and not t.state.form and MOVE_WORDS.search(text):
        return _ask_move(t)
    found = finder(t.app) if text and not t.state.form else None
    names = found.by_name(text) if found is not None else []
    if len(names) == 1 and _only_place(text, names[0]):
        if names[0].code == t.uow.community:
            t.say(texts.PLACE_DONE.format(community=label(t.app, names[0].code)), texts.MENU_BUTTONS)
            return None
        return _confirm_move(t, names[0].code)  # "我是金竹村的" from someone placed elsewhere
    if text and held and held.get("move"):
        found = finder(t.app)
        names = found.by_name(text) or found.by_slip(text) if found is not None else []
        if len(names) == 1:
            return _confirm_move(t, names[0].code)
        if names:
            return _offer(t, names)
        t.state.pending.pop(KEY, None)  # something else: the move is dropped, this is answered
    return route_on(t)


def _ask_move(t: Turn) -> None:
    code = t.uow.community or ""
    t.state.pending = {KEY: {"move": True}}
    ask(t, texts.PLACE_MOVE_ASK.format(community=label(t.app, code)), skip=code)
    t.replies[-1] = reply(t.replies[-1].text, [*_rows(t.replies[-1]),
                                               [PLACE.button(texts.PLACE_STAY_BUTTON, "stay")]])


def _rows(r: Any) -> list[list[tuple[str, str]]]:
    return [[(b.text, b.data) for b in row] for row in r.buttons]


def _confirm_move(t: Turn, code: str) -> None:
    old = t.uow.community or ""
    if code == old:
        t.state.pending.pop(KEY, None)
        t.say(texts.PLACE_SAME.format(community=label(t.app, old)), texts.MENU_BUTTONS)
        return
    t.state.pending = {KEY: {"move": True}}
    t.say(texts.PLACE_MOVE_CONFIRM.format(new=label(t.app, code), old=label(t.app, old)),
          [[PLACE.button(texts.PLACE_MOVE_YES, "to", code), PLACE.button(texts.PLACE_STAY_BUTTON, "stay")]])


def _move(t: Turn, code: str) -> None:
    old = t.uow.community or ""
    t.state.pending.pop(KEY, None)
    if code == old or code not in t.app.codes():
        return _confirm_move(t, old)
    t.state.community = code
    _move_resident(t, code)  # saved while the old community is still in scope
    _scope(t, code)
    t.say(texts.PLACE_MOVED.format(new=label(t.app, code), old=label(t.app, old)), texts.MENU_BUTTONS)


# -- buttons -------------------------------------------------------------------------------
def _button(t: Turn, cb: Callback, route_on: Router) -> None:
    placed = t.uow.community is not None
    moving = bool((t.state.pending.get(KEY) or {}).get("move"))
    if cb.action == "pick" and cb.arg() not in t.app.codes():
        return ask(t)  # a community taken out of the deployment since the button was sent
    if cb.action == "pick":
        return _confirm_move(t, cb.arg()) if placed else _settle(t, cb.arg(), route_on)
    if cb.action == "to" and placed and moving:
        return _move(t, cb.arg())
    if cb.action == "move" and placed:
        return _ask_move(t)
    if cb.action == "stay":
        t.state.pending.pop(KEY, None)
        if placed:
            t.say(texts.PLACE_STAYED.format(community=label(t.app, t.uow.community or "")), texts.MENU_BUTTONS)
            return None
    if cb.action == "type":
        t.say(texts.PLACE_TYPE)
        return None
    return _ask_move(t) if placed else ask(t)


def on_button(t: Turn, cb: Callback) -> None:
    """Reached only when a turn is routed without route() first: nothing kept is answered then."""
    _button(t, cb, lambda turn: None)


def greeting_name(t: Turn) -> str:
    """Whose helper the bot is: the speaker's community, or the city's service before they say."""
    return texts.PLACE_CITY if t.app.several and t.uow.community is None else t.app.config.community.name


FLOW = Flow(name="community", buttons=(PLACE,), on_button=on_button)
