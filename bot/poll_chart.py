"""A poll's result as a PNG bar chart in Chinese (Pillow, with the CJK font certificates use)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import texts

WIDTH, ROW, TOP, PAD = 900, 84, 150, 40
BAR = (46, 125, 50)
GREY, INK, BG = (225, 225, 225), (33, 33, 33), (255, 255, 255)


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, size, index=0)  # a .ttc's first face is the regular one


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    """Break Chinese text at any character so each line fits `width` pixels."""
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > width and line:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines


def render(question: str, options: Sequence[str], counts: Sequence[int], font_path: Path) -> bytes:
    """The chart as PNG bytes; the font file's name is kept in the PNG's `Font` text chunk."""
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    title_font, font = _font(str(font_path), 34), _font(str(font_path), 28)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    title = _wrap(probe, question, title_font, WIDTH - 2 * PAD)[:3]
    top = PAD + 46 * len(title) + 30
    height = top + ROW * len(options) + 70
    image = Image.new("RGB", (WIDTH, height), BG)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(title):
        draw.text((PAD, PAD + 46 * i), line, font=title_font, fill=INK)
    total = sum(counts)
    label_w, bar_x = 230, PAD + 240
    bar_w = WIDTH - bar_x - PAD - 150
    most = max(counts, default=0) or 1
    for i, (option, n) in enumerate(zip(options, counts, strict=True)):
        y = top + ROW * i
        label = _wrap(draw, option, font, label_w)
        draw.text((PAD, y + 8), label[0] + ("…" if len(label) > 1 else ""), font=font, fill=INK)
        draw.rectangle((bar_x, y + 6, bar_x + bar_w, y + 50), fill=GREY)
        if n:
            draw.rectangle((bar_x, y + 6, bar_x + max(4, round(bar_w * n / most)), y + 50), fill=BAR)
        share = f"{n}票 {round(100 * n / total) if total else 0}%"
        draw.text((bar_x + bar_w + 12, y + 10), share, font=font, fill=INK)
    draw.text((PAD, height - 55), texts.POLL_CHART_FOOT.format(n=total), font=font, fill=INK)
    meta = PngInfo()
    meta.add_text("Font", font_path.name)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=meta, optimize=True)
    return out.getvalue()


def font_for(configured: str | None) -> Path:
    """The CJK font to draw with: the one certificates embed (seals.font_file, else Debian's)."""
    from bot.seal_pdf import find_font

    return find_font(configured)
