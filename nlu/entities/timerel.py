"""Relative dates for the time fast path: 三天后, 一周后, 过两天, 两个小时后, 下下周, 这周末, 月底.

Recognizers-Text gets several of these wrong (下下周 as next week, 三个月后 as this month,
两天以后 as nothing), so the fast path reads them itself. Vague ones (过几天, 月初, 下旬)
are recognised only to say "a time was named but not exactly": no value is guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlu.numerals import cn_to_int

CN = "[0-9零〇一二两三四五六七八九十]"
_AFTER = ("后", "以后", "之后", "过后")
# Alternatives for TIME_RE's date group (named groups: off/offu/offd, guo, wk, me/mem, vague).
OFFSET = (
    rf"(?P<off>{CN}{{1,3}}|半|几|若干)(?P<offu>个?(?:天|日|星期|礼拜|周|月|年|小时|钟头)|分钟)"
    r"(?P<offd>以后|之后|过后|后|以前|之前|前)"
)
GUO = rf"过(?P<guo>{CN}{{1,3}}|几)(?:天|日)"
WEEK = r"(?P<wk>下下个?|下个?|这个?|本|上个?)(?:周|星期|礼拜)(?![一二三四五六日天末1-7])"
MONTH_END = rf"(?P<me>(?:下个?|这个?|本|(?P<mem>{CN}{{1,2}}))?月)(?:底|末)"
VAGUE = r"(?P<vague>过些天|过段时间|改天|月初|月中|上旬|中旬|下旬|年初|年中|年底|年末)"
# A time word the fast path does not read, right before a bare 下午/两点: not today's afternoon.
UNREAD_BEFORE = re.compile(r"(?:后|以后|之后|前|以前|之前|底|初|旬)\s*的?\s*$")


@dataclass(frozen=True)
class Relative:
    """A relative date: its first day and how many days it spans; or a moment offset in minutes."""

    day: date | None = None
    days: int = 1
    minutes: int | None = None  # 两个小时后: now + minutes


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _count(text: str) -> float | None:
    """3, 两 -> 2, 半 -> 0.5; None for 几 / 若干 (vague)."""
    if text == "半":
        return 0.5
    n = cn_to_int(text)
    return float(n) if n is not None else None


def _offset(m: re.Match[str], today: date) -> Relative | None:
    """三天后 / 一周后 / 三个月后 / 两个小时后 / 半小时后 (and 前); None when vague."""
    n = _count(m.group("off"))
    unit = m.group("offu").lstrip("个")
    sign = 1 if m.group("offd") in _AFTER else -1
    if n is None or n <= 0:
        return None
    if unit in ("小时", "钟头", "分钟"):
        return Relative(minutes=sign * round(n * (1 if unit == "分钟" else 60)))
    if unit in ("天", "日", "周", "星期", "礼拜"):
        days = n * (1 if unit in ("天", "日") else 7)
        return Relative(today + timedelta(days=sign * int(days))) if days == int(days) else None
    months = n * (12 if unit == "年" else 1)
    if months == 0.5:
        return Relative(today + timedelta(days=sign * 15))  # 半个月
    return Relative(add_months(today, sign * int(months))) if months == int(months) else None


def relative(m: re.Match[str], today: date) -> Relative | None:
    """The relative date a TIME_RE match names, or None when it names none exactly."""
    if m.group("vague"):
        return None
    if m.group("off"):
        return _offset(m, today)
    if m.group("guo"):
        n = cn_to_int(m.group("guo"))
        return Relative(today + timedelta(days=n)) if n else None
    monday = today - timedelta(days=today.weekday())
    if m.group("wk"):
        step = {"下下": 14, "下": 7, "上": -7}.get(m.group("wk").rstrip("个"), 0)
        return Relative(monday + timedelta(days=step), 7)
    which = m.group("me")
    if m.group("mem"):
        month = cn_to_int(m.group("mem")) or 0
        if not 1 <= month <= 12:
            return None
        year = today.year if month >= today.month else today.year + 1
    else:
        nxt = which.startswith("下")
        year, month = (add_months(today.replace(day=1), 1).year, add_months(today.replace(day=1), 1).month) \
            if nxt else (today.year, today.month)
    return Relative(date(year, month, calendar.monthrange(year, month)[1]))


def is_relative(m: re.Match[str]) -> bool:
    """Whether the match's date part is one of this module's forms."""
    return any(m.group(g) for g in ("off", "guo", "wk", "me", "vague"))
