"""Phone numbers (mobiles, landlines) and 18-digit 身份证 numbers with validation."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from nlu.entities.base import Entity, Taken, make_entity

EXTRACTOR = "RegexEntityExtractor"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PROVINCES = {
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
    71,
    81,
    82,
    83,
}

# Digit runs, allowing single spaces or dashes between digits (voice typing groups them).
_ID_RE = re.compile(r"(?<![0-9a-z])\d(?:[ -]?\d){14,17}(?:[ -]?x)?(?![0-9a-z])", re.IGNORECASE)
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d){8})(?![0-9])")
_LANDLINE_RE = re.compile(r"(?<![0-9])(?:\(?(0\d{2,3})\)?[ -]?)(\d{7,8})(?:-(\d{1,5}))?(?![0-9])")


def id_checksum(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id(number: str, today: date | None = None) -> str | None:
    """Return None when the 18-character ID is valid, else a short Chinese reason."""
    if len(number) != 18:
        return f"身份证号应为18位，这里是{len(number)}位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号只能是数字，最后一位可以是X"
    if int(number[:2]) not in PROVINCES:
        return "身份证号开头的地区码不对"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号里的出生日期不存在"
    if born.year < 1900 or born > (today or date.today()):
        return "身份证号里的出生日期不对"
    if id_checksum(number[:17]) != number[17]:
        return "身份证号校验位不对，请核对"
    return None


def extract_ids(text: str, taken: Taken, today: date | None = None) -> list[Entity]:
    """Find 身份证 numbers; invalid ones are returned with valid=False and an error."""
    out = []
    for m in _ID_RE.finditer(text):
        digits = re.sub(r"[ -]", "", m.group(0)).upper()
        if len(digits) < 15 or (len(digits) == 11 and digits[0] == "1"):
            continue
        start, end = m.span()
        error = validate_id(digits, today)
        extra: dict[str, Any] = {"valid": error is None}
        if error is None:
            extra["birth_date"] = f"{digits[6:10]}-{digits[10:12]}-{digits[12:14]}"
        else:
            extra["error"] = error
        out.append(make_entity("id_number", digits, start, end, EXTRACTOR, **extra))
        taken.claim(start, end)
    return out


def extract_phones(text: str, taken: Taken) -> list[Entity]:
    """Find mainland mobile numbers and landlines, normalised to digits."""
    out = []
    for m in _MOBILE_RE.finditer(text):
        if taken.free(*m.span()):
            value = re.sub(r"\D", "", m.group(1))
            out.append(make_entity("phone", value, m.start(), m.end(), EXTRACTOR, kind="mobile"))
            taken.claim(*m.span())
    for m in _LANDLINE_RE.finditer(text):
        if taken.free(*m.span()):
            value = m.group(1) + m.group(2)
            extra: dict[str, Any] = {"kind": "landline", "area_code": m.group(1)}
            if m.group(3):
                extra["extension"] = m.group(3)
            out.append(make_entity("phone", value, m.start(), m.end(), EXTRACTOR, **extra))
            taken.claim(*m.span())
    return out
