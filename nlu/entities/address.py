"""Address parts: building (3幢/3栋/3号楼/三幢), unit (2单元), room (302室, 3-2-302)."""

from __future__ import annotations

import re

from nlu.entities.base import Entity, Taken, make_entity
from nlu.numerals import NUM_CHARS, cn_to_int

EXTRACTOR = "RegexEntityExtractor"
N = f"[{NUM_CHARS}]{{1,5}}"

_BUILDING_RE = re.compile(rf"(?<![0-9])({N})\s*(?:号楼|号幢|号栋|幢|栋|座|号院楼)")
_UNIT_RE = re.compile(rf"(?<![0-9])({N})\s*(?:单元|门洞)")
_ROOM_RE = re.compile(rf"(?<![0-9])({N})\s*(?:室|房间|号房)")
# 3-2-302 or 3幢2单元302 (room without 室 right after a unit)
_TRIPLE_RE = re.compile(r"(?<![0-9-])(\d{1,3})-(\d{1,2})-(\d{3,4})(?![0-9-])")
_AFTER_UNIT_RE = re.compile(rf"({N})(?:\s*单元)\s*(\d{{3,4}}|[{NUM_CHARS}]{{3,4}})(?![0-9]|\s*室|单元)")


def _num(text: str) -> str | None:
    """Digits of an Arabic or Chinese number, None when unreadable or zero."""
    value = cn_to_int(text)
    return str(value) if value else None


def extract_address(text: str, taken: Taken) -> list[Entity]:
    """Building, unit and room entities, values as digit strings."""
    out: list[Entity] = []

    def add(kind: str, raw: str, start: int, end: int) -> None:
        value = _num(raw)
        if value is not None and taken.free(start, end):
            out.append(make_entity(kind, value, start, end, EXTRACTOR))
            taken.claim(start, end)

    for m in _TRIPLE_RE.finditer(text):
        if taken.free(*m.span()):
            for i, kind in ((1, "building"), (2, "unit"), (3, "room")):
                add(kind, m.group(i), m.start(i), m.end(i))
    for regex, kind in ((_BUILDING_RE, "building"), (_UNIT_RE, "unit"), (_ROOM_RE, "room")):
        for m in regex.finditer(text):
            add(kind, m.group(1), m.start(), m.end())
    for m in _AFTER_UNIT_RE.finditer(text):
        add("room", m.group(2), m.start(2), m.end(2))
    out.sort(key=lambda e: e["start"])
    return out
