"""The community's vocabulary, generated from config: estates, services, report categories."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nlu.relations import RELATIONS

ESTATE_SUFFIXES = ("小区", "花园", "新村", "家园", "公寓", "华庭", "新苑", "社区", "苑", "园")
# Verbs after which residents insert 个/一下 (量血压 -> 量一下血压): makes alias patterns looser.
LOOSE_VERBS = set("量测洗剪修办取提查装换补交买读陪租打搞推按念擦")


@dataclass(frozen=True)
class Estate:
    """A 小区 and every surface form that names it."""

    code: str
    name: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    """A catalogue service with its category (affairs|care), group and colloquial forms."""

    name: str
    category: str
    group: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    """A report category: its code, label and keywords."""

    code: str
    label: str
    keywords: tuple[str, ...]


def _uniq(items: Iterable[str]) -> tuple[str, ...]:
    """Deduplicate, keep order, drop empties."""
    seen: dict[str, None] = {}
    for item in items:
        item = str(item).strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def estate_short_forms(name: str) -> list[str]:
    """Short forms of an estate name: 百里坊小区 -> 百里坊, 江滨花园 -> 江滨."""
    out = []
    for suffix in ESTATE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.append(name[: -len(suffix)])
    return out


def alias_pattern(form: str) -> str:
    """Regex for one surface form, tolerant of 个/一下 after a leading verb."""
    if len(form) >= 3 and form[0] in LOOSE_VERBS:
        return re.escape(form[0]) + "(?:一下|个|下)?" + re.escape(form[1:])
    return re.escape(form)


@dataclass
class Lexicon:
    """Everything the NLU knows about this community, all generated from config."""

    estates: list[Estate] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any] | None) -> Lexicon:
        """Build from the raw config dict (estates, services, reports.categories)."""
        raw = raw or {}
        estates = []
        for item in raw.get("estates") or []:
            name = str(item.get("name", "")).strip()
            if not name:
                continue
            forms = _uniq([name, *(item.get("aliases") or []), *estate_short_forms(name)])
            estates.append(Estate(str(item.get("code", name)), name, forms))
        services = []
        for category, groups in (raw.get("services") or {}).items():
            for group in groups or []:
                group_name = str(group.get("group", ""))
                for svc in group.get("items") or []:
                    name = str(svc.get("name", "")).strip()
                    if name:
                        forms = _uniq([name, *(svc.get("aliases") or [])])
                        services.append(Service(name, str(category), group_name, forms))
        categories = []
        for cat in (raw.get("reports") or {}).get("categories") or []:
            code = str(cat.get("code", "")).strip()
            if code:
                label = str(cat.get("label", ""))
                keywords = _uniq([*(cat.get("keywords") or []), label])
                categories.append(Category(code, label, keywords))
        return cls(estates, services, categories)

    def synonyms(self) -> dict[str, list[str]]:
        """Rasa-style synonyms: canonical value -> surface forms (estates, services, relations)."""
        out: dict[str, list[str]] = {}
        for estate in self.estates:
            out.setdefault(estate.name, []).extend(f for f in estate.forms if f != estate.name)
        for svc in self.services:
            out.setdefault(svc.name, []).extend(f for f in svc.forms if f != svc.name)
        for word, rel in RELATIONS.items():
            if rel and word != rel:
                out.setdefault(rel, []).append(word)
        return {k: list(_uniq(v)) for k, v in out.items() if v}

    def lookups(self) -> dict[str, list[str]]:
        """Rasa-style lookup tables, one per entity kind."""
        return {
            "estate": list(_uniq(f for e in self.estates for f in e.forms)),
            "service": list(_uniq(f for s in self.services for f in s.forms)),
            "report_category": list(_uniq(k for c in self.categories for k in c.keywords)),
            "relation": [w for w, r in RELATIONS.items() if r],
        }

    def user_words(self) -> list[str]:
        """Words for the jieba user dictionary: every multi-character surface form."""
        words = [w for table in self.lookups().values() for w in table]
        return [w for w in _uniq(words) if len(w) >= 2]
