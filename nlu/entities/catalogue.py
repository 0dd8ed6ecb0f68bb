"""Dictionary entities generated from the lexicon: estate, service, report_category, relation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nlu.entities.base import Entity, Taken, make_entity
from nlu.gazetteer import Gazetteer
from nlu.lexicon import Lexicon, alias_pattern
from nlu.relations import RELATIONS

EXTRACTOR = "LexiconEntityExtractor"


@dataclass
class _Table:
    """One entity kind: a compiled alternation and what each surface form stands for."""

    kind: str
    regex: re.Pattern[str] | None
    values: dict[str, tuple[Any, dict[str, Any]]]
    keys: list[tuple[re.Pattern[str], str]]

    def find(self, text: str) -> list[tuple[int, int, Any, dict[str, Any]]]:
        """All non-overlapping leftmost-longest matches."""
        if self.regex is None:
            return []
        out = []
        for m in self.regex.finditer(text):
            surface = m.group(0)
            hit = self.values.get(surface)
            if hit is None:  # loose pattern (量一下血压): find which form it came from
                hit = next((self.values[f] for p, f in self.keys if p.fullmatch(surface)), None)
            if hit is not None:
                out.append((m.start(), m.end(), hit[0], hit[1]))
        return out


def _table(kind: str, forms: dict[str, tuple[Any, dict[str, Any]]]) -> _Table:
    """Compile surface forms longest-first into one regex."""
    ordered = sorted(forms, key=len, reverse=True)
    if not ordered:
        return _Table(kind, None, {}, [])
    patterns = [alias_pattern(f) for f in ordered]
    keys = [(re.compile(p), f) for p, f in zip(patterns, ordered, strict=True) if p != re.escape(f)]
    return _Table(kind, re.compile("|".join(patterns)), forms, keys)


class CatalogueExtractor:
    """Finds catalogue entities with precompiled regexes (microseconds per message)."""

    def __init__(self, lexicon: Lexicon, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer
        estates: dict[str, tuple[Any, dict[str, Any]]] = {}
        for estate in lexicon.estates:
            for form in estate.forms:
                estates.setdefault(form, (estate.name, {"code": estate.code}))
        services: dict[str, tuple[Any, dict[str, Any]]] = {}
        for svc in lexicon.services:
            for form in svc.forms:
                services.setdefault(form, (svc.name, {"category": svc.category, "group": svc.group}))
        cats: dict[str, tuple[Any, dict[str, Any]]] = {}
        for cat in lexicon.categories:
            for kw in cat.keywords:
                cats.setdefault(kw, (cat.code, {"label": cat.label}))
        rels: dict[str, tuple[Any, dict[str, Any]]] = {w: (r, {}) for w, r in RELATIONS.items()}
        self.tables = [
            _table("estate", estates),
            _table("service", services),
            _table("relation", rels),
            _table("report_category", cats),
        ]

    def extract(self, text: str, taken: Taken) -> list[Entity]:
        """Entities of every catalogue kind; report categories are deduplicated by code."""
        out: list[Entity] = []
        for table in self.tables:
            seen: set[Any] = set()
            found = table.find(text)
            if table.kind == "estate" and self.gazetteer:
                found = self._with_city(text, found, table.values)
            for start, end, value, extra in found:
                if value is None or not taken.free(start, end):
                    continue
                if table.kind == "report_category" and value in seen:
                    continue
                seen.add(value)
                out.append(make_entity(table.kind, value, start, end, EXTRACTOR, **extra))
                if table.kind in ("estate", "service"):
                    taken.claim(start, end)
        return out

    def _with_city(self, text: str, found: list[tuple[int, int, Any, dict[str, Any]]],
                   own: dict[str, Any]) -> list[tuple[int, int, Any, dict[str, Any]]]:
        """The lexicon's estates and the city's, leftmost-longest (the lexicon's win a tie)."""
        assert self.gazetteer is not None
        city: list[tuple[int, int, Any, dict[str, Any]]] = [
            (s, e, name, {}) for s, e, name in self.gazetteer.find(text) if name not in own]
        if not city:
            return found
        merged = sorted(found + city, key=lambda m: (m[0], m[0] - m[1]))  # stable: lexicon first
        out: list[tuple[int, int, Any, dict[str, Any]]] = []
        for m in merged:
            if not out or m[0] >= out[-1][1]:
                out.append(m)
        return out
