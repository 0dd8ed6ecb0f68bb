"""换社区 for someone placed, and 家属代办 filed in the parent's community."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot import texts
from bot.callbacks import PLACE
from bot.dialogue.turn import Turn, reply
from bot.flows.community_find import KEY, ask, finder, label, offer, offer_area, only_place, only_words, scope
from domain.residents import Address
from domain.usecases.beneficiaries import find_person

MOVE_WORDS = re.compile(r"我搬家了|搬家了|换社区|换个社区|换村|改社区|不是这个社区|不是这个村|社区不对|社区选错")
Router = Callable[[Turn], None]


def book_where_they_live(t: Turn) -> None:
    """A parent on another community's roster is booked there: its catalogue, slots and staff.

    Checked once per booking, when name and phone are known; later turns of the form are placed
    there by route(). The booker's own community stays visible (their links, their chat).
    """
    s = t.state.slots
    own = t.uow.community
    if not t.app.several or own is None or s.get("who") == "self" or "home" in s:
        return
    if not s.get("contact") and not s.get("id4"):
        return
    match = find_person(t.uow, str(s.get("name") or ""), str(s.get("contact") or ""), str(s.get("id4") or ""))
    home = match.community if match is not None else None
    s["home"] = home if home and home != own and home in t.app.codes() else ""
    if s["home"]:
        scope(t, s["home"], frozenset({own}))
        if s.get("svc") not in t.app.services:
            s.pop("svc", None)  # not offered there: chosen again from their catalogue


def move_resident(t: Turn, code: str) -> None:
    """A bound resident moves: the new community has not checked them, the old 小区 is not theirs."""
    resident = t.resident
    if resident is None:
        return
    resident.community, resident.verified, resident.address = code, False, Address()
    t.uow.residents.save(resident)


def placed(t: Turn, route_on: Router) -> None:
    """For someone placed: 换社区 words and names, else the turn as usual."""
    held = t.state.pending.get(KEY)
    text = t.event.text.strip() if t.event.kind == "text" else ""
    if text and MOVE_WORDS.search(text) and (not t.state.form or _only_moving(t, text)):
        return _moving(t, text)
    found = finder(t.app) if text and not t.state.form else None
    names = found.by_name(text) if found is not None else []
    if len(names) == 1 and only_place(text, names[0]):
        if names[0].code == t.uow.community:
            t.say(texts.PLACE_DONE.format(community=label(t.app, names[0].code)), texts.MENU_BUTTONS)
            return None
        return confirm_move(t, names[0].code)  # "我是金竹村的" from someone placed elsewhere
    if text and held and held.get("move"):
        found = finder(t.app)
        names = found.by_name(text) or found.by_slip(text) if found is not None else []
        if len(names) == 1:
            return confirm_move(t, names[0].code)
        if names:
            return offer(t, names)
        if found is not None and (area := found.by_area(text)) is not None:
            return offer_area(t, area)
        t.state.pending.pop(KEY, None)  # something else: the move is dropped, this is answered
    return route_on(t)


def _only_moving(t: Turn, text: str) -> bool:
    """Mid-form, "换社区" (or "我换社区了 我是南垟社区的") is about moving, not an answer."""
    rest = MOVE_WORDS.sub("", text)
    found = finder(t.app)
    names = found.by_name(rest) if found is not None and rest else []
    return only_words(rest, set()) or (len(names) == 1 and only_place(rest, names[0]))


def _moving(t: Turn, text: str) -> None:
    found = finder(t.app)
    names = found.by_name(MOVE_WORDS.sub("", text)) if found is not None else []
    if len(names) == 1 and names[0].code != t.uow.community:
        return confirm_move(t, names[0].code)  # "我搬家了 现在是金竹村的"
    return ask_move(t)


def ask_move(t: Turn) -> None:
    """Where to: the other communities, 我打字说, 不换了."""
    code = t.uow.community or ""
    t.state.pending = {KEY: {"move": True}}
    ask(t, texts.PLACE_MOVE_ASK.format(community=label(t.app, code)), skip=code,
        many=texts.PLACE_MOVE_ASK_MANY.format(community=label(t.app, code)))
    t.replies[-1] = reply(t.replies[-1].text, [*_rows(t.replies[-1]),
                                               [PLACE.button(texts.PLACE_STAY_BUTTON, "stay")]])


def _rows(r: Any) -> list[list[tuple[str, str]]]:
    return [[(b.text, b.data) for b in row] for row in r.buttons]


def confirm_move(t: Turn, code: str) -> None:
    """One confirmation, saying that what they filed stays with the old community."""
    old = t.uow.community or ""
    if code == old:
        t.state.pending.pop(KEY, None)
        t.say(texts.PLACE_SAME.format(community=label(t.app, old)), texts.MENU_BUTTONS)
        return
    t.state.pending = {KEY: {"move": True}}
    t.say(texts.PLACE_MOVE_CONFIRM.format(new=label(t.app, code), old=label(t.app, old)),
          [[PLACE.button(texts.PLACE_MOVE_YES, "to", code), PLACE.button(texts.PLACE_STAY_BUTTON, "stay")]])


def move(t: Turn, code: str) -> None:
    """Move them (and their resident record) to `code`, from this turn on."""
    old = t.uow.community or ""
    t.state.pending.pop(KEY, None)
    if code == old or code not in t.app.codes():
        return confirm_move(t, old)
    dropped = bool(t.state.form)
    t.state.end()  # a form half filled in the old community (its 小区, its catalogue) does not move
    t.state.community = code
    move_resident(t, code)  # saved while the old community is still in scope
    scope(t, code)
    t.say(texts.PLACE_MOVED.format(new=label(t.app, code), old=label(t.app, old))
          + ("\n" + texts.PLACE_MOVED_FORM_DROPPED if dropped else ""), texts.MENU_BUTTONS)
