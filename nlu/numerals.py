"""Chinese numerals: 三 -> 3, 十二 -> 12, 三百零二 -> 302, 二零二四 -> 2024."""

from __future__ import annotations

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "幺": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

# A regex character class matching one numeral character (digits or Chinese).
NUM_CHARS = "0-9零〇○一幺壹二两贰三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟"


def cn_to_int(text: str) -> int | None:
    """Convert Arabic or Chinese numerals to an int; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    if any(ch not in DIGITS and ch not in UNITS and not ch.isdigit() for ch in text):
        return None
    if not any(ch in UNITS for ch in text):
        # digit-by-digit reading: 三零二 -> 302
        return int("".join(str(DIGITS[ch]) if ch in DIGITS else ch for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch.isdigit():
            current = current * 10 + int(ch)
        else:
            unit = UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current
