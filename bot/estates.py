"""Estates across the city: every community's names for the NLU, and which community a name means.

A name is resolved within the resident's own community first. A name found only elsewhere,
or in several communities, is a question for the resident (they may have moved, or be asking
for a parent), never a silent switch. `resolve_estate` is pure over the directory's index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from bot.communities import CommunityDirectory, CommunityEntry, _estate_names
from bot.config import AppConfig

if TYPE_CHECKING:
    from bot.dialogue.turn import Turn
    from nlu import Gazetteer

log = logging.getLogger(__name__)
MatchKind = Literal["exact", "elsewhere", "ambiguous", "none"]
_INDEXES: WeakKeyDictionary[CommunityDirectory, dict[str, tuple[CommunityEntry, ...]]] = WeakKeyDictionary()


@dataclass(frozen=True)
class EstateMatch:
    """Where an estate name is: in the home community, in one other, in several, or nowhere."""

    kind: MatchKind
    name: str
    communities: tuple[CommunityEntry, ...] = ()  # exact: the home one; else every one holding it


def estates_of(directory: CommunityDirectory, entry: CommunityEntry) -> tuple[str, ...]:
    """A community's estate names; a file that names none has config.yaml's (社区 A's file)."""
    return entry.estates or _estate_names(directory.city)


def estate_index(directory: CommunityDirectory) -> dict[str, tuple[CommunityEntry, ...]]:
    """Estate name or alias → the communities that have it, built once per directory."""
    index = _INDEXES.get(directory)
    if index is None:
        found: dict[str, list[CommunityEntry]] = {}
        for entry in directory.entries:
            for name in dict.fromkeys(estates_of(directory, entry)):
                found.setdefault(name, []).append(entry)
        index = {name: tuple(entries) for name, entries in found.items()}
        _INDEXES[directory] = index
    return index


def resolve_estate(directory: CommunityDirectory, home_code: str | None, name: str) -> EstateMatch:
    """Which community an estate name means: the home one first, then a question, never a guess."""
    found = estate_index(directory).get(name, ())
    home = next((e for e in found if e.code == home_code), None)
    if home is not None:
        return EstateMatch("exact", name, (home,))
    if not found:
        return EstateMatch("none", name)
    if len(found) == 1:
        return EstateMatch("elsewhere", name, found)
    return EstateMatch("ambiguous", name, found)


def open_directory(config: AppConfig) -> CommunityDirectory | None:
    """The deployment's communities (communities_dir), or None when it serves one community."""
    if not config.communities_dir:
        return None
    from bot.communities import INDEX_CACHE

    return CommunityDirectory.open(config.communities_dir, city=config.raw, cache=INDEX_CACHE)


def all_estate_names(directory: CommunityDirectory) -> Iterator[str]:
    """Every community's estate names and aliases (each community's once)."""
    for entry in directory.entries:
        yield from estates_of(directory, entry)


def city_gazetteer(directory: CommunityDirectory | None) -> Gazetteer | None:
    """The NLU's view of every community's estates (None: only the lexicon's own)."""
    if directory is None:
        return None
    from nlu import Gazetteer

    return Gazetteer(all_estate_names(directory))


def home_code(t: Turn) -> str | None:
    """The code of the community this turn runs in, None when the resident has none yet."""
    return t.uow.community or None


def switch_community(t: Turn, code: str) -> None:
    """The place named is in another community: what is filed goes there (its staff act on it).

    The resident stays where they are (their mother's 小区 is not their home); someone not yet
    placed is placed there.
    """
    from bot.flows.community_find import scope

    own = t.uow.community
    if not own:
        t.state.community = code
    scope(t, code, frozenset({own}) if own else frozenset())

