"""A policy written by staff as Markdown: YAML front matter for the fields, sections for the texts."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import yaml

from bot import texts
from domain.policies import Policy, missing_fields

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.S)
_HEADING = re.compile(r"^#{1,6}[ \t]*(.+?)[ \t#]*$", re.M)
_CODE = re.compile(r"[A-Za-z0-9_]{1,16}")
# The body's sections (their heading's first word) → the field each fills.
SECTIONS = {"对象": "target", "内容": "benefit", "标准": "benefit", "材料": "documents",
            "办理": "apply"}
_LISTS = ("tags", "estates", "keywords")


class PolicyFileError(ValueError):
    """What is wrong with a policy file: one line per problem, naming the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_policy(text: str, *, tags: Collection[str], estates: Collection[str],
                 taken: Collection[str], added_by: str, now: datetime) -> Policy:
    """A policy from its Markdown file; every problem found is reported at once."""
    m = _FRONT.match(text)
    if m is None:
        raise PolicyFileError([texts.POLICY_FILE_NO_FRONT])
    try:
        front = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise PolicyFileError([texts.POLICY_FILE_BAD_YAML.format(
            line=(line + 2) if line is not None else "?")]) from None
    if not isinstance(front, dict):
        raise PolicyFileError([texts.POLICY_FILE_NO_FRONT])
    fields: dict[str, Any] = {str(k): v for k, v in front.items()}
    problems = [texts.POLICY_FILE_UNKNOWN_FIELD.format(field=k) for k in fields
                if k not in _FRONT_FIELDS]
    for field, body in _sections(m.group(2)).items():
        fields.setdefault(field, body)
    fields["issued_on"] = fields.pop("date", None)
    problems += [texts.POLICY_FILE_MISSING[f] for f in missing_fields(fields)]
    code = str(fields.get("code") or "")
    if code and not _CODE.fullmatch(code):
        problems.append(texts.POLICY_FILE_BAD_CODE.format(code=code))
    elif code in taken:
        problems.append(texts.POLICY_FILE_TAKEN.format(code=code))
    issued = fields.get("issued_on")
    if issued and not isinstance(issued, date):
        problems.append(texts.POLICY_FILE_BAD_DATE.format(value=issued))
    lists = {name: _strings(fields.get(name)) for name in _LISTS}
    for name in _LISTS:
        if lists[name] is None:
            problems.append(texts.POLICY_FILE_NOT_LIST.format(field=name))
    problems += [texts.POLICY_FILE_UNKNOWN_TAG.format(tag=x, known="、".join(tags))
                 for x in lists["tags"] or () if tags and x not in tags]
    problems += [texts.POLICY_FILE_UNKNOWN_ESTATE.format(estate=x, known="、".join(estates))
                 for x in lists["estates"] or () if x not in estates]
    ages = {}
    for name in ("min_age", "max_age"):
        value = fields.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 0 <= value <= 150):
            problems.append(texts.POLICY_FILE_BAD_AGE.format(field=name, value=value))
        else:
            ages[name] = value
    if problems or not isinstance(issued, date):
        raise PolicyFileError(problems)
    return Policy(
        code=code, title=_text(fields, "title"), target=_text(fields, "target"),
        benefit=_text(fields, "benefit"), documents=_text(fields, "documents"),
        apply=_text(fields, "apply"), issuer=_text(fields, "issuer"),
        issued_on=issued.date() if isinstance(issued, datetime) else issued,
        source=_text(fields, "source"), tags=tuple(lists["tags"] or ()),
        estates=tuple(lists["estates"] or ()), keywords=tuple(lists["keywords"] or ()),
        min_age=ages.get("min_age"), max_age=ages.get("max_age"), origin="staff",
        added_by=added_by, added_at=now)


_FRONT_FIELDS = frozenset({"code", "title", "issuer", "date", "source", "min_age", "max_age",
                           *_LISTS, *SECTIONS.values()})


def _sections(body: str) -> dict[str, str]:
    """## 对象 / ## 内容 / ## 材料 / ## 办理 → their texts (a heading may say more: 办理地点)."""
    found: dict[str, str] = {}
    heads = list(_HEADING.finditer(body))
    for i, h in enumerate(heads):
        field = next((f for word, f in SECTIONS.items() if h.group(1).startswith(word)), None)
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        text = body[h.end():end].strip()
        if field and text and field not in found:
            found[field] = text
    return found


def _strings(value: object) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value]
    return None


def _text(fields: dict[str, Any], name: str) -> str:
    return str(fields[name]).strip()
