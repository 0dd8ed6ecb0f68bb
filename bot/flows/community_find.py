"""Finding a community in a turn: the finder, names, the one question, one-tap guesses, placing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import PLACE
from bot.community_finder import AREA_SUFFIXES, Area, CommunityFinder, short_name
from bot.dialogue.turn import Turn
from bot.flows import story

if TYPE_CHECKING:
    from bot.app import App
    from bot.communities import CommunityDirectory, CommunityEntry

KEY = "place"  # the placement's key in ChatState.pending: the kept message, a move
# Said around a community's name when the message only says where they live.
PLACE_WORDS = re.compile(r"我是|我们是|我住在?|住在|我家在?|我们在|我在|属于|居民|村民|的|了|啊|呀|哦|嗯|是")
NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")
LISTED = 4  # a deployment this small offers every community as a button
AREA_LISTED = 8  # a 街道/镇's communities (or a 区's 街道) offered as buttons; more: type the name


@lru_cache(maxsize=4)
def _finder_of(directory: CommunityDirectory) -> CommunityFinder:
    from bot.estates import estates_of  # (社区 A's file names no estates: config.yaml's are its)

    return CommunityFinder(directory.entries, lambda e: estates_of(directory, e))


def finder(app: App) -> CommunityFinder | None:
    """The deployment's community finder, built once."""
    return _finder_of(app.directory) if app.directory is not None else None


def label(app: App, code: str) -> str:
    """南垟社区 (with its 街道 when names are shared), for one code."""
    entry = app.directory.get(code) if app.directory is not None else None
    return entry.name if entry is not None else app.tenant(code).config.community.name


TYPED_YES = re.compile(r"^(是|是的|对|对的|没错|嗯|嗯嗯|好|好的|是我们)$")
TYPED_NO = re.compile(r"^(不是|不对|错了|都不是|不是的)$")
# The question when there are too many communities to list: nothing to point at below.
MANY = {texts.PLACE_ASK: texts.PLACE_ASK_MANY, texts.PLACE_ASK_AGAIN: texts.PLACE_ASK_AGAIN_MANY,
        texts.PLACE_ASK_KEPT: texts.PLACE_ASK_KEPT_MANY}


def ask(t: Turn, text: str = texts.PLACE_ASK, skip: str = "", many: str = "") -> None:
    """One question with buttons: which community (a few, when there are few) or 我打字说."""
    directory = t.app.directory
    entries = [e for e in directory.entries if e.code != skip] if directory is not None else []
    rows = [[PLACE.button(e.label(), "pick", e.code)] for e in entries] if len(entries) <= LISTED else []
    if not rows:  # no buttons to point at: a name, a 街道 or a location
        text = many or MANY.get(text, text)
    t.say(text, [*rows, [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


def only_place(text: str, entry: CommunityEntry) -> bool:
    """ "我是南垟社区的", "南白象街道南垟": nothing but where they live."""
    return only_words(text, {entry.name, short_name(entry.name), *entry.aliases, entry.street, entry.district})


def only_area(text: str, area: Area) -> bool:
    """ "南白象街道的", "我住瓯海": nothing but the 街道/镇 or 区 they live in."""
    names = {area.name, *(area.name[:-len(s)] for s in AREA_SUFFIXES if area.name.endswith(s))}
    return only_words(text, names | {e.district for e in area.entries})


def only_words(text: str, names: set[str]) -> bool:
    """Whether the text says nothing but these names and words of where one lives."""
    rest = NOT_HAN.sub("", text)
    for name in sorted(names, key=len, reverse=True):
        if name:
            rest = misheard(rest, name).replace(name, "")
    return len(NOT_HAN.sub("", PLACE_WORDS.sub("", story.strip_greeting(rest) or ""))) <= 1


def misheard(text: str, name: str) -> str:
    """The text without the name heard with one character wrong ("南洋社区" for 南垟社区)."""
    size = len(name)
    for i in range(len(text) - size + 1) if size >= 3 else ():
        if sum(a != b for a, b in zip(text[i:i + size], name, strict=True)) == 1:
            return text[:i] + text[i + size:]
    return text


def offer(t: Turn, entries: Sequence[CommunityEntry]) -> None:
    """One found: "您是…的吗？" with 是的/不是; several: one button each, with its 街道."""
    if len(entries) == 1:
        e = entries[0]
        t.say(texts.PLACE_GUESS.format(community=e.label()),
              [[PLACE.button(texts.PLACE_YES_BUTTON, "pick", e.code), PLACE.button(texts.PLACE_NO_BUTTON, "no")]])
        t.state.pending[KEY] = {**(t.state.pending.get(KEY) or {}), "guess": e.code}  # "是的" typed
        return
    t.say(texts.PLACE_WHICH, [*([PLACE.button(e.label(), "pick", e.code)] for e in entries[:6]),
                              [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


def typed_answer(text: str) -> bool | None:
    """是的 / 不是 typed to "您是…的吗？" (elderly residents type what they could tap); None if neither."""
    said = text.strip().strip("。.!！啊呀")
    return True if TYPED_YES.match(said) else False if TYPED_NO.match(said) else None


def offer_area(t: Turn, area: Area) -> None:
    """A 街道/镇 named: its communities as buttons; a 区/县 with many: its 街道/镇 first."""
    entries = list(area.entries)
    streets: dict[str, CommunityEntry] = {}
    for e in entries:
        streets.setdefault(e.street, e)
    if area.level == "district" and len(entries) > AREA_LISTED and len(streets) > 1:
        rows = [[PLACE.button(name or area.name, "st", e.code)] for name, e in list(streets.items())[:AREA_LISTED]]
        t.say(texts.PLACE_AREA_STREETS.format(area=area.name), [*rows, [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])
        return
    shown = entries[:AREA_LISTED]
    text = (texts.PLACE_AREA_PICK.format(area=area.name) if len(entries) == len(shown)
            else texts.PLACE_AREA_MORE.format(area=area.name, n=len(entries), shown=len(shown)))
    one_street = len(streets) == 1
    t.say(text, [*([PLACE.button(e.name if one_street else e.label(), "pick", e.code)] for e in shown),
                 [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


def offer_street(t: Turn, code: str) -> None:
    """The 街道/镇 button of a 区: that street's communities (the code is one of them)."""
    entry = t.app.directory.get(code) if t.app.directory is not None else None
    if entry is None:
        return ask(t)
    entries = t.app.directory.under(district=entry.district, street=entry.street) if t.app.directory else []
    offer_area(t, Area(entry.street or entry.district, "street", tuple(entries)))


def offer_near(t: Turn, near: Sequence[tuple[CommunityEntry, float]]) -> None:
    """A location: the community there (or nearest) to confirm, and the next nearest as buttons."""
    entry, metres = near[0]
    text = (texts.PLACE_GUESS if metres == 0 else texts.PLACE_GUESS_NEAR).format(community=entry.label())
    rows = [[PLACE.button(texts.PLACE_YES_BUTTON, "pick", entry.code), PLACE.button(texts.PLACE_NO_BUTTON, "no")]]
    if len(near) > 1:
        text += "\n" + texts.PLACE_NEAR_OTHERS
        rows += [[PLACE.button(e.label(), "pick", e.code)] for e, _ in near[1:]]
    t.say(text, rows)


def scope(t: Turn, code: str, also: frozenset[str] = frozenset()) -> None:
    """The rest of this turn in `code`: its config, its records (as the engine places a turn)."""
    tenant = t.app.tenant(code)
    t.uow.scope_to(code, frozenset({code}) | also, tenant.on_event or tenant.notifier.handle)
    t.app = tenant
