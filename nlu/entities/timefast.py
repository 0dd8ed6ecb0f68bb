"""Fast path for the common Chinese time forms: 明天下午两点, 周一上午, 12月1号9点半, 9点到11点."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from nlu.entities.timerel import GUO, MONTH_END, OFFSET, UNREAD_BEFORE, VAGUE, WEEK, Relative, is_relative, relative
from nlu.numerals import cn_to_int

CN = "[0-9零〇一二两三四五六七八九十]"
VAGUE_GRAIN = "vague"  # a time was named but not exactly (过几天): no value, and no guess either
REL_DAYS = {
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "今早": 0,
    "今晚": 0,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "明早": 1,
    "明晚": 1,
    "后天": 2,
    "后日": 2,
    "大后天": 3,
}
REL_PART = {"今早": "早上", "明早": "早上", "今晚": "晚上", "明晚": "晚上"}
# Parts of day (hours, end exclusive); read for a service that runs 8:00-20:00.
PARTS: dict[str, tuple[int, int]] = {
    "凌晨": (0, 6),
    "早上": (8, 10),
    "早晨": (8, 10),
    "清早": (7, 9),
    "一早": (8, 10),
    "上午": (8, 12),
    "中午": (11, 13),
    "午后": (13, 15),
    "下午": (12, 18),
    "傍晚": (17, 19),
    "晚上": (18, 21),
    "夜里": (21, 24),
    "晚间": (18, 21),
    "白天": (8, 18),
}
PM_PARTS = {"下午", "午后", "傍晚", "晚上", "夜里", "晚间"}
WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "末": 6}
WEEKDAYS.update({str(i): i for i in range(1, 8)})

_PART = "|".join(sorted(PARTS, key=len, reverse=True))
_REL = "|".join(sorted(REL_DAYS, key=len, reverse=True))


def _hour(n: str) -> str:
    return (
        rf"(?:(?P<h{n}>{CN}{{1,3}})(?:点钟|点|时)(?:(?P<half{n}>半)|(?P<q{n}>一刻|三刻)"
        rf"|(?P<m{n}>{CN}{{1,3}})分?)?|(?P<hh{n}>\d{{1,2}})[:：](?P<mm{n}>\d{{2}}))"
    )


TIME_RE = re.compile(
    rf"(?:(?P<rel>{_REL})"
    rf"|(?P<wp>下下个?|下个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末1-7])"
    rf"|{OFFSET}|{GUO}|{WEEK}"
    rf"|(?P<nm>下个?月)(?P<nmd>{CN}{{1,3}})(?:日|号)"
    rf"|{MONTH_END}"
    rf"|(?:(?P<mon>{CN}{{1,2}})月份?)?(?P<day>{CN}{{1,3}})(?:日|号)(?![楼院房门线床机幢栋室码])"
    rf"|{VAGUE}"
    rf")?\s*的?\s*(?P<part>{_PART})?\s*{_hour('1')}?"
    rf"(?:\s*(?:到|至|-|~|—)\s*(?P<part2>{_PART})?\s*{_hour('2')})?"
)
_NOT_BEFORE_BARE_HOUR = set("快慢好多少大小早晚高低轻重有差近远便这那第每几一两")
_BARE_CN_HOUR_RE = re.compile(r"[零一二两三四五六七八九十]{1,3}点")


def false_bare_hour(text: str, start: int, end: int) -> bool:
    """True for 快一点 / 有两点建议: a Chinese-numeral 点 with nothing else saying it is a time."""
    if not _BARE_CN_HOUR_RE.fullmatch(text[start:end]):
        return False
    before = text[start - 1] if start else ""
    return before in _NOT_BEFORE_BARE_HOUR or text[start:end] == "一点"


@dataclass
class FastTime:
    """One resolved time expression: a point or a [start, end) range, with its grain."""

    start: int
    end: int
    begin: datetime
    until: datetime | None
    grain: str


def _hm(m: re.Match[str], n: str) -> tuple[int, int] | None:
    """Hour and minute from the hour group number n, or None."""
    if m.group(f"hh{n}"):
        return int(m.group(f"hh{n}")), int(m.group(f"mm{n}"))
    if not m.group(f"h{n}"):
        return None
    hour = cn_to_int(m.group(f"h{n}"))
    minute = 0
    if m.group(f"half{n}"):
        minute = 30
    elif m.group(f"q{n}"):
        minute = 15 if m.group(f"q{n}") == "一刻" else 45
    elif m.group(f"m{n}"):
        minute = cn_to_int(m.group(f"m{n}")) or 0
    if hour is None or hour > 24 or minute > 59:
        return None
    return hour, minute


def _apply_part(hour: int, part: str | None) -> int:
    """Read an hour within a part of day, else as a service hour (两点 -> 14)."""
    if part in PM_PARTS or (part == "中午" and hour < 11):
        return hour + 12 if hour < 12 else hour
    if part is None and 1 <= hour <= 7:
        return hour + 12
    return hour % 24 if hour == 24 else hour


def _date(m: re.Match[str], today: date) -> date | None:
    """The calendar date named by the date group, or None when none was given."""
    if m.group("rel"):
        return today + timedelta(days=REL_DAYS[m.group("rel")])
    if m.group("wd"):
        wd, prefix = WEEKDAYS[m.group("wd")], m.group("wp") or ""
        monday = today - timedelta(days=today.weekday())
        if prefix.startswith("下下"):
            return monday + timedelta(days=14 + wd - 1)
        if prefix.startswith("下"):
            return monday + timedelta(days=7 + wd - 1)
        if prefix or m.group("wd") == "末":  # 周末: this week's, rolled on once it is over
            return monday + timedelta(days=wd - 1)
        return today + timedelta(days=(wd - 1 - today.weekday()) % 7)
    try:
        if m.group("nm"):
            nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            return nxt.replace(day=cn_to_int(m.group("nmd")) or 0)
        if m.group("day"):
            day = cn_to_int(m.group("day")) or 0
            if m.group("mon"):
                found = date(today.year, cn_to_int(m.group("mon")) or 0, day)
                return found if found >= today else found.replace(year=today.year + 1)
            found = today.replace(day=day)
            if found < today:
                found = (today.replace(day=1) + timedelta(days=32)).replace(day=day)
            return found
    except ValueError:
        return None
    return None


def fast_times(text: str, now: datetime) -> list[FastTime]:
    """Resolve every common time expression in text against now (future-biased)."""
    out = []
    for m in TIME_RE.finditer(text):
        if m.end() - m.start() < 2 or not m.group(0).strip():
            continue
        found = _resolve(m, now)
        if found is not None:
            out.append(found)
    return out


def _resolve(m: re.Match[str], now: datetime) -> FastTime | None:
    """Turn one match into a FastTime, or None for a false alarm (快一点, 有两点)."""
    has_date = any(m.group(g) for g in ("rel", "wd", "nm", "day")) or is_relative(m)
    part = m.group("part") or REL_PART.get(m.group("rel") or "")
    hm1, hm2 = _hm(m, "1"), _hm(m, "2")
    if not has_date and part is None and hm1 is None:
        return None
    if not has_date and part is None and not hm2 and false_bare_hour(m.string, m.start(), m.end()):
        return None
    start, end = m.start(), m.end()
    vague = FastTime(start, end, now, None, VAGUE_GRAIN)
    if not has_date and UNREAD_BEFORE.search(m.string, 0, start):
        return vague  # 三天半后下午: a date the fast path cannot read; not today's afternoon
    rel = relative(m, now.date()) if is_relative(m) else None
    if is_relative(m) and rel is None:
        return vague
    if rel is not None and rel.minutes is not None:  # 两个小时后: a moment from now
        return FastTime(start, m.end("offd"), now + timedelta(minutes=rel.minutes), None, "minute")
    span = rel.days if rel is not None else 2 if m.group("wd") == "末" else 1
    if span > 1 and (part is not None or hm1 is not None):
        return vague  # 下周上午: which day?
    day = rel.day if isinstance(rel, Relative) else _date(m, now.date()) if has_date else now.date()
    if day is None:
        return None
    if hm1 is None and m.group("h2"):  # "到" without a first hour: cut the range off
        end = m.start("part2") if m.group("part2") else m.start("h2") - 1
        hm2 = None
    tz = now.tzinfo

    def at(d: date, hour: int, minute: int) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=tz) + timedelta(hours=hour, minutes=minute)

    def build(d: date) -> tuple[datetime, datetime | None, str]:
        if hm1 is not None:
            h1 = _apply_part(hm1[0], part)
            begin = at(d, h1, hm1[1])
            if hm2 is not None:
                h2 = _apply_part(hm2[0], m.group("part2") or part)
                until = at(d, h2, hm2[1])
                if until <= begin and h2 < 12:
                    until += timedelta(hours=12)
                return begin, until, "range"
            return begin, None, "minute" if hm1[1] else "hour"
        if part is not None:
            lo, hi = PARTS[part]
            return at(d, lo, 0), at(d, hi, 0), "part_of_day"
        return at(d, 0, 0), at(d + timedelta(days=span), 0, 0), "day" if span == 1 else "range"

    begin, until, grain = build(day)
    rolls = not has_date or (m.group("wd") and not m.group("wp"))
    if rolls and (until or begin + timedelta(minutes=1)) <= now:
        begin, until, grain = build(day + timedelta(days=7 if has_date else 1))
    return FastTime(start, end, begin, until, grain)
