"""The `time` entity: fast path first, Microsoft Recognizers-Text for the rest (gated, cached)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from nlu.entities.base import Entity, Taken, make_entity
from nlu.entities.timefast import VAGUE_GRAIN, FastTime, false_bare_hour, fast_times

log = logging.getLogger(__name__)
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST in China since 1991
SERVICE_HOURS = (8, 20)

# Cheap gate: only text matching this can hold a time the fast path might have missed.
GATE_RE = re.compile(
    r"[今明后昨前][天日儿早晚]|[周礼拜星期][一二三四五六日天末]|[0-9一二两三四五六七八九十]+\s*[月号日点时]"
    r"|上午|下午|中午|晚上|早上|傍晚|凌晨|月[底初中]|年[底初]|下个?月|下礼拜|下星期|过[两几]天"
    r"|国庆|春节|元旦|中秋|端午|清明|除夕|小时|分钟|\d[:：]\d|待会|等会|一会儿|马上"
)


def to_shanghai(now: datetime | None) -> datetime:
    """The reference time in Asia/Shanghai (naive times are taken as Shanghai time)."""
    if now is None:
        return datetime.now(SHANGHAI)
    if now.tzinfo is None:
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


def _iso(moment: datetime) -> str:
    """ISO 8601 with the +08:00 offset and seconds."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _value(begin: datetime, until: datetime | None) -> str | dict[str, str]:
    """A point as a string, a range as Duckling's {from, to}."""
    return _iso(begin) if until is None else {"from": _iso(begin), "to": _iso(until)}


class _Recognizer:
    """Lazy wrapper around Recognizers-Text's Chinese date-time model."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self.calls = 0

    def model(self) -> Any:
        """Import and build the model on first use only (about 1.5 s): most messages never need it."""
        with self._lock:  # two chats at once must not build it twice
            if self._model is None:
                from ms_recognizers_date_time import DateTimeRecognizer
                from ms_recognizers_text import Culture

                self._model = DateTimeRecognizer(Culture.Chinese).get_datetime_model(Culture.Chinese)
            return self._model

    def parse(self, text: str, reference: datetime) -> tuple[tuple[int, int, str, tuple[Any, ...]], ...]:
        """(start, end_exclusive, type, values) candidates; empty on any library failure."""
        self.calls += 1
        try:
            results = self.model().parse(text, reference)
        except Exception as exc:  # the library raises on odd input; a time is optional
            # Not the text, nor a traceback that may quote it: logs carry no resident's words.
            log.debug("recognizers failed on a text of %d characters (%s)", len(text),
                      type(exc).__name__)
            return ()
        out = []
        for r in results:
            values = tuple(dict(v) for v in (r.resolution or {}).get("values", []))
            out.append((int(r.start), int(r.end) + 1, str(r.type_name), values))
        return tuple(out)


RECOGNIZER = _Recognizer()


@lru_cache(maxsize=4096)
def _recognize_cached(text: str, reference: datetime) -> tuple[tuple[int, int, str, tuple[Any, ...]], ...]:
    """Recognizers results keyed by text and reference minute."""
    return RECOGNIZER.parse(text, reference)


def _candidates(kind: str, values: tuple[Any, ...], now: datetime) -> Iterator[tuple[datetime, datetime | None, str]]:
    """Concrete (begin, until, grain) candidates from one Recognizers result."""
    for v in values:
        try:
            if kind.endswith("datetime"):
                yield datetime.fromisoformat(v["value"]).replace(tzinfo=SHANGHAI), None, "hour"
            elif kind.endswith(".date"):
                d = date.fromisoformat(v["value"])
                begin = datetime(d.year, d.month, d.day, tzinfo=SHANGHAI)
                yield begin, begin + timedelta(days=1), "day"
            elif kind.endswith(".time"):
                t = datetime.fromisoformat(f"{now.date().isoformat()} {v['value']}").replace(tzinfo=SHANGHAI)
                yield (t if t > now else t + timedelta(days=1)), None, "hour"
            elif kind.endswith("range") and "start" in v and "end" in v:
                base = now.date().isoformat() + " " if kind.endswith("timerange") else ""
                begin = datetime.fromisoformat(base + v["start"]).replace(tzinfo=SHANGHAI)
                until = datetime.fromisoformat(base + v["end"]).replace(tzinfo=SHANGHAI)
                if base and until <= now:
                    begin, until = begin + timedelta(days=1), until + timedelta(days=1)
                yield begin, until, "range"
        except (KeyError, ValueError, TypeError):
            continue


def _choose(
    cands: list[tuple[datetime, datetime | None, str]], now: datetime
) -> tuple[datetime, datetime | None, str] | None:
    """Prefer the future, then service hours (8:00-20:00), then the earliest."""

    def score(c: tuple[datetime, datetime | None, str]) -> tuple[int, int, datetime]:
        end = c[1] or c[0]
        in_hours = c[1] is not None or SERVICE_HOURS[0] <= c[0].hour < SERVICE_HOURS[1]
        return (0 if end >= now else 1, 0 if in_hours else 1, c[0])

    return min(cands, key=score) if cands else None


def extract_time(text: str, now: datetime | None, taken: Taken, use_recognizers: bool = True) -> list[Entity]:
    """`time` entities in text, normalised against now in Asia/Shanghai."""
    ref = to_shanghai(now)
    found: list[FastTime] = [f for f in fast_times(text, ref) if taken.free(f.start, f.end)]
    vague = any(f.grain == VAGUE_GRAIN for f in found)  # 过几天: named, not exact; nobody guesses
    out = [make_entity("time", _value(f.begin, f.until), f.start, f.end, "TimeFastPath", grain=f.grain)
           for f in found if f.grain != VAGUE_GRAIN]
    if not out and not vague and use_recognizers and GATE_RE.search(text):
        minute = ref.replace(second=0, microsecond=0, tzinfo=None)
        for start, end, kind, values in _recognize_cached(text, minute):
            chosen = _choose(list(_candidates(kind, values, ref)), ref)
            if chosen is None or not taken.free(start, end) or false_bare_hour(text, start, end):
                continue
            out.append(
                make_entity(
                    "time",
                    _value(chosen[0], chosen[1]),
                    start,
                    end,
                    "RecognizersText",
                    confidence=0.9,
                    grain=chosen[2],
                )
            )
    for ent in out:
        taken.claim(ent["start"], ent["end"])
    return out
