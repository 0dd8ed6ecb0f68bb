"""Length-preserving text clean-up: width, control characters, common typos and homophones."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 1000  # longer messages: only the first 1,000 characters are read

# Voice-typing slips and homophones seen in residents' messages. Each replacement has the
# same length as the original so entity offsets stay valid against the input text.
TYPOS: dict[str, str] = {
    "不量": "不亮",
    "楼道等": "楼道灯",
    "路等": "路灯",
    "电悌": "电梯",
    "电锑": "电梯",
    "下水到": "下水道",
    "拉圾": "垃圾",
    "垃级": "垃圾",
    "燥音": "噪音",
    "澡音": "噪音",
    "噪声": "噪音",
    "预定": "预约",
    "予约": "预约",
    "盖张": "盖章",
    "台风来勒": "台风来了",
}
_TYPO_RE = re.compile("|".join(sorted(map(re.escape, TYPOS), key=len, reverse=True)))
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff]")


def _width(ch: str) -> str:
    """Map a full-width ASCII character to half-width; anything else unchanged."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if code == 0x3000:
        return " "
    return ch


def clean(text: str) -> str:
    """Return a same-length cleaned copy: half-width, lower-case ASCII, typos fixed."""
    text = text[:MAX_CHARS]
    text = "".join(_width(ch) for ch in text)
    text = _CONTROL_RE.sub(" ", text)
    text = "".join(ch.lower() if ch.isascii() else ch for ch in text)
    return _TYPO_RE.sub(lambda m: TYPOS[m.group(0)], text)


def has_meaning(text: str) -> bool:
    """True when the text holds at least one letter, digit or CJK character."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
