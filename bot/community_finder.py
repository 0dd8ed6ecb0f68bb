"""Finding a resident's community: by the name they say, or by where they are."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.communities import CommunityEntry
from bot.geo import NearestIndex

# What people leave off when they name their community: 南垟社区 → 南垟, 金竹村 → 金竹.
SUFFIXES = ("社区居委会", "村民委员会", "居民委员会", "社区", "村委会", "居委会", "村")
# A short name must still say something: 两个字 at least (单字 would match ordinary words).
MIN_KEY = 2
_SPACE = re.compile(r"\s+")


def short_name(name: str) -> str:
    """The name without its 社区/村 suffix, when what is left is still a name."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_KEY:
            return name[: -len(suffix)]
    return name


WILDCARD = "\0"
# What estates are called after their name: 南垟花园, 白象新村. A slip is looked for only in the name.
ESTATE_SUFFIXES = ("花园", "小区", "新村", "家园", "公寓", "嘉园", "佳苑", "名苑", "苑", "园", "庭", "府",
                   "城", "湾", "里", "坊", "村")
ESTATE_KEY = 3  # an estate's name (or alias) this long names its community; 2 would catch 白象 in 南白象
# A 街道/镇 or 区/县 as people say it: 南白象街道 → 南白象, 瓯海区 → 瓯海.
AREA_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "区", "县", "市")


def _area_keys(name: str) -> set[str]:
    keys = {name}
    for suffix in AREA_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_KEY:
            keys.add(name[: -len(suffix)])
            break
    return {k for k in keys if len(k) >= MIN_KEY}


@dataclass(frozen=True)
class Area:
    """A 街道/镇 (level "street") or 区/县 ("district") someone named, with its communities."""

    name: str
    level: str
    entries: tuple[CommunityEntry, ...]


def slip_patterns(name: str, suffixes: Sequence[str] = SUFFIXES) -> list[str]:
    """南垟社区 → "?垟社区", "南?社区": the name part with each character left open, suffix kept."""
    short = next((name[: -len(x)] for x in suffixes if name.endswith(x) and len(name) - len(x) >= MIN_KEY),
                 name)
    if short == name:
        return []  # no 社区/村 suffix: a lone 2-character name with a slip says too little
    return [f"{short[:j]}{WILDCARD}{short[j + 1:]}{name[len(short):]}" for j in range(len(short))]


@dataclass(frozen=True)
class _Centre:
    lat: float
    lon: float
    entry: CommunityEntry


def slip_match(names: dict[str, str], text: str) -> str | None:
    """The one value whose estate name is in the text with one character misheard (南洋花园)."""
    text = _SPACE.sub("", text)
    hits = {value for name, value in names.items() for pattern in slip_patterns(name, ESTATE_SUFFIXES)
            if _holds(text, pattern)}
    return hits.pop() if len(hits) == 1 else None


def _holds(text: str, pattern: str) -> bool:
    j = pattern.index(WILDCARD)
    size = len(pattern)
    return any(text[i:i + j] == pattern[:j] and text[i + j + 1:i + size] == pattern[j + 1:]
               for i in range(len(text) - size + 1))


class CommunityFinder:
    """Names and places of every community, indexed once for fast lookups."""

    def __init__(self, entries: Sequence[CommunityEntry],
                 estates: Callable[[CommunityEntry], Sequence[str]] = lambda e: e.estates) -> None:
        self._keys: dict[str, list[CommunityEntry]] = {}
        self._estates: dict[str, list[CommunityEntry]] = {}
        for e in entries:
            for key in {_SPACE.sub("", k) for k in (e.name, short_name(e.name), *e.aliases,
                                                    *(short_name(a) for a in e.aliases))}:
                if len(key) >= MIN_KEY:
                    self._keys.setdefault(key, []).append(e)
            # "住在南垟花园": an estate names its community too (several, when the name is shared)
            for key in {_SPACE.sub("", k) for k in estates(e)} - {_SPACE.sub("", e.name)}:
                if len(key) >= ESTATE_KEY and all(f is not e for f in self._estates.get(key, ())):
                    self._estates.setdefault(key, []).append(e)
        self._longest = max((len(k) for k in self._keys), default=0)
        self._estate_sizes = sorted({len(k) for k in self._estates}, reverse=True)
        # Voice typing turns a rare character into a common one that sounds alike (南垟 → 南洋):
        # a full name with its 社区/村 suffix matches with one other character in the name part.
        self._slips: dict[str, list[CommunityEntry]] = {}
        for e in entries:
            for name in {_SPACE.sub("", n) for n in (e.name, *e.aliases)}:
                for pattern in slip_patterns(name):
                    self._slips.setdefault(pattern, []).append(e)
            for name in {_SPACE.sub("", n) for n in estates(e)}:  # 南洋花园 for 南垟花园
                for pattern in slip_patterns(name, ESTATE_SUFFIXES):
                    if all(f is not e for f in self._slips.get(pattern, ())):
                        self._slips.setdefault(pattern, []).append(e)
        self._slip_sizes = sorted({len(p) for p in self._slips}, reverse=True)
        self._entries = list(entries)
        # 街道/镇 and 区/县 names: "南白象街道的" offers that place's communities.
        self._areas: dict[str, dict[str, dict[tuple[str, str], list[CommunityEntry]]]] = {"street": {}, "district": {}}
        for e in entries:
            for level, name, place in (("street", e.street, (e.district, e.street)),
                                       ("district", e.district, (e.district, ""))):
                for k in _area_keys(_SPACE.sub("", name)) if name else ():
                    self._areas[level].setdefault(k, {}).setdefault(place, []).append(e)
        self._centres: NearestIndex[_Centre] | None = None  # built on the first location lookup
        self._bounded = [e for e in entries if e.boundary]
        self._shapes: Any = None  # shapely polygons, built on the first location lookup

    def by_name(self, text: str) -> list[CommunityEntry]:
        """The communities named in the text (several when the name is shared), longest name first.

        Every substring is looked up, longest first, so "南垟社区" wins over "南垟" and a
        street's name in the text ("南白象街道南垟社区") narrows a shared name down.
        """
        text = _SPACE.sub("", text)
        found: list[CommunityEntry] = []
        size = min(self._longest, len(text))
        while size >= MIN_KEY and not found:
            for i in range(len(text) - size + 1):
                for e in self._keys.get(text[i:i + size], ()):
                    if all(e is not f for f in found):
                        found.append(e)
            size -= 1
        if len(found) > 1:
            narrowed = [e for e in found if (e.street and e.street in text) or (e.district and e.district in text)]
            found = narrowed or found
        return found

    def by_estate(self, text: str) -> list[CommunityEntry]:
        """The communities with an estate named in the text (longest name first): to confirm, not settle."""
        text = _SPACE.sub("", text)
        for size in self._estate_sizes:
            found: list[CommunityEntry] = []
            for i in range(len(text) - size + 1):
                for e in self._estates.get(text[i:i + size], ()):
                    if all(e is not f for f in found):
                        found.append(e)
            if found:
                return found
        return []

    def by_slip(self, text: str) -> list[CommunityEntry]:
        """Communities whose full name is in the text with one character misheard ("南洋社区")."""
        text = _SPACE.sub("", text)
        found: list[CommunityEntry] = []
        for size in self._slip_sizes:
            for i in range(len(text) - size + 1):
                window = text[i:i + size]
                for j in range(size):
                    for e in self._slips.get(f"{window[:j]}{WILDCARD}{window[j + 1:]}", ()):
                        if all(e is not f for f in found):
                            found.append(e)
        return found

    def by_area(self, text: str) -> Area | None:
        """The 街道/镇 (else 区/县) named in the text, longest name first, with its communities.

        A street name two districts share is narrowed by the district when the text names it.
        """
        text = _SPACE.sub("", text)
        for level in ("street", "district"):
            keys = self._areas[level]
            for size in range(min(len(text), max((len(k) for k in keys), default=0)), MIN_KEY - 1, -1):
                hits = [keys[text[i:i + size]] for i in range(len(text) - size + 1) if text[i:i + size] in keys]
                if not hits:
                    continue
                places = {k: v for hit in hits for k, v in hit.items()}
                places = {k: v for k, v in places.items() if k[0] in text} or places
                found = tuple(e for v in places.values() for e in v)
                name = next(iter(places))[1 if level == "street" else 0]
                return Area(name, level, found)
        return None

    def by_location(self, lat: float, lon: float) -> tuple[CommunityEntry, float] | None:
        """The community whose boundary holds the point, else the nearest centre (with metres)."""
        near = self.near(lat, lon, k=1)
        return near[0] if near else None

    def near(self, lat: float, lon: float, k: int = 3) -> list[tuple[CommunityEntry, float]]:
        """Up to k communities: the one whose boundary holds the point (0 m), then the nearest centres."""
        inside = self._containing(lat, lon) if self._bounded else None
        found = [(inside, 0.0)] if inside is not None else []
        if self._centres is None:
            self._centres = NearestIndex([_Centre(e.lat, e.lon, e) for e in self._entries
                                          if e.lat is not None and e.lon is not None])
        for centre, metres in self._centres.nearest(lat, lon, k=k + 1):
            if len(found) < k and centre.entry is not inside:
                found.append((centre.entry, metres))
        return found

    def _containing(self, lat: float, lon: float) -> CommunityEntry | None:
        from shapely import Point, Polygon, STRtree  # imported on first use: it is not small

        if self._shapes is None:
            polygons = [Polygon(e.boundary) for e in self._bounded]
            self._shapes = (STRtree(polygons), polygons)
        tree, polygons = self._shapes
        point = Point(lon, lat)
        for i in tree.query(point, predicate="intersects"):
            if polygons[int(i)].covers(point):
                return self._bounded[int(i)]
        return None
