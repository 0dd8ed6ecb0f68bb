"""The poll result chart: a real PNG of a sane size, drawn with a CJK font that has the glyphs."""

from __future__ import annotations

import io

from bot.poll_chart import _font, render
from tests.support.fonts import needs_font

QUESTION = "小区东门要不要装停车道闸"
OPTIONS = ("同意装", "不同意", "无所谓")


def test_chart_is_a_png_of_sane_size_drawn_with_the_cjk_font() -> None:
    from PIL import Image

    font_path = needs_font()
    png = render(QUESTION, OPTIONS, (12, 3, 0), font_path)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 2_000 < len(png) < 300_000
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.width == 900 and 200 < image.height < 1200
    # The file names the font it was drawn with: Debian's WenQuanYi CJK font.
    assert image.text["Font"] == font_path.name and "wqy" in font_path.name  # type: ignore[attr-defined]
    # That font really has the characters: each draws differently from a missing glyph (tofu).
    font = _font(str(font_path), 28)
    tofu = bytes(font.getmask("\ue000"))
    for ch in QUESTION + "".join(OPTIONS) + "票户":
        assert bytes(font.getmask(ch)) != tofu, ch
    # Something was drawn in the bar colour for the leading option, and not all in one colour.
    assert len(image.getcolors(maxcolors=100_000) or []) > 10


def test_chart_with_no_votes_and_six_long_options() -> None:
    from PIL import Image

    font_path = needs_font()
    options = tuple(f"第{i}个很长很长很长很长很长很长的选项" for i in range(1, 7))
    png = render(QUESTION * 5, options, (0,) * 6, font_path)
    image = Image.open(io.BytesIO(png))
    assert image.width == 900 and image.height < 1200
