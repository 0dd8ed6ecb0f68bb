"""Finding a community in a turn: the finder, names, the one question, one-tap guesses, placing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import PLACE
from bot.community_finder import CommunityFinder, short_name
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


def ask(t: Turn, text: str = texts.PLACE_ASK, skip: str = "") -> None:
    """One question with buttons: which community (a few, when there are few) or 我打字说."""
    directory = t.app.directory
    entries = [e for e in directory.entries if e.code != skip] if directory is not None else []
    rows = [[PLACE.button(e.label(), "pick", e.code)] for e in entries] if len(entries) <= LISTED else []
    t.say(text, [*rows, [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


def only_place(text: str, entry: CommunityEntry) -> bool:
    """ "我是南垟社区的", "南白象街道南垟": nothing but where they live."""
    rest = NOT_HAN.sub("", text)
    for name in sorted({entry.name, short_name(entry.name), *entry.aliases, entry.street, entry.district},
                       key=len, reverse=True):
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
        return
    t.say(texts.PLACE_WHICH, [*([PLACE.button(e.label(), "pick", e.code)] for e in entries[:6]),
                              [PLACE.button(texts.PLACE_TYPE_BUTTON, "type")]])


def scope(t: Turn, code: str, also: frozenset[str] = frozenset()) -> None:
    """The rest of this turn in `code`: its config, its records (as the engine places a turn)."""
    tenant = t.app.tenant(code)
    t.uow.scope_to(code, frozenset({code}) | also, tenant.on_event or tenant.notifier.handle)
    t.app = tenant
