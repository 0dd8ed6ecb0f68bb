"""Checks of Chinese identity values: mobile and landline numbers, 18-digit ID numbers."""

from __future__ import annotations

import re
from datetime import date

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_phone(raw: str) -> str | None:
    """Digits of a mainland mobile or landline (0577-88881234), or None if it is not one."""
    s = re.sub(r"[\s()（）]", "", raw or "")
    s = s.removeprefix("+86").removeprefix("0086")
    if s.startswith("86") and len(s) == 13:
        s = s[2:]
    if _MOBILE.match(s):
        return s
    if _LANDLINE.match(s):
        return s.replace("-", "")
    return None


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name: str) -> str:
    """王**: the surname only, for lists that need not name the person."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def id_number_problem(raw: str) -> str | None:
    """Why an 18-digit ID number is invalid (Chinese reason), or None if it is valid."""
    s = (raw or "").strip().upper()
    if not _ID.match(s):
        return "身份证号应为18位"
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return "出生日期不对"
    if born.year < 1900 or born > date.today():
        return "出生日期不对"
    total = sum(int(d) * w for d, w in zip(s[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != s[17]:
        return "校验位不对"
    return None


def mask_id_number(id_number: str) -> str:
    """330302********1234."""
    return f"{id_number[:6]}********{id_number[-4:]}" if len(id_number) == 18 else "****"
