"""The certificate as an A4 PDF in Chinese: embedded CJK font, text, serial, date, seal, QR code."""

from __future__ import annotations

import io
import math
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from bot import texts
from bot.seal_sign import SealSetupError

# Debian's WenQuanYi fonts are TrueType (reportlab embeds TrueType; Noto CJK is CFF and it cannot).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FONT_NAME = "CunsheCJK"
RED = (0.82, 0.08, 0.08)


def find_font(configured: str | None) -> Path:
    """The CJK font to embed: the configured file, else the first Debian font installed."""
    paths = [configured] if configured else list(FONT_CANDIDATES)
    for p in paths:
        if p and Path(p).is_file():
            return Path(p)
    raise SealSetupError("seals.font_file: no CJK TrueType font found "
                         "(install Debian's fonts-wqy-microhei, or set seals.font_file)")


@lru_cache(maxsize=4)
def _register(path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"{FONT_NAME}{abs(hash(path)) % 10_000}"
    font = TTFont(name, path, subfontIndex=0) if path.endswith(".ttc") else TTFont(name, path)
    pdfmetrics.registerFont(font)  # embedded as a subset of the characters used
    return name


def _seal(c: object, cx: float, cy: float, community: str, font: str) -> None:
    """A round red community seal: outer ring, the name along the arc, a star, 证明专用章."""
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(c, Canvas)
    r = 54
    c.saveState()
    c.setStrokeColorRGB(*RED)
    c.setFillColorRGB(*RED)
    c.setLineWidth(2.4)
    c.circle(cx, cy, r, stroke=1, fill=0)
    chars = list(texts.CERT_SEAL_NAME.format(community=community))
    span = min(250.0, 32.0 * len(chars))
    for i, ch in enumerate(chars):
        angle = 90 + span / 2 - (span / max(1, len(chars) - 1)) * i if len(chars) > 1 else 90
        rad = math.radians(angle)
        c.saveState()
        c.translate(cx + (r - 15) * math.cos(rad), cy + (r - 15) * math.sin(rad))
        c.rotate(angle - 90)
        c.setFont(font, 13 if len(chars) <= 10 else 10)
        c.drawCentredString(0, -4, ch)
        c.restoreState()
    star = []
    for k in range(10):
        rr = 13 if k % 2 == 0 else 5.2
        a = math.radians(90 + 36 * k)
        star.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    p = c.beginPath()
    p.moveTo(*star[0])
    for x, y in star[1:]:
        p.lineTo(x, y)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFont(font, 8)
    c.drawCentredString(cx, cy - 30, texts.CERT_SEAL_LABEL)
    c.restoreState()


def _qr(c: object, url: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares (no image library needed)."""
    import segno
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(c, Canvas)
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix) + 8  # the quiet zone
    cell = size / n
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    for j, row in enumerate(matrix):
        for i, dark in enumerate(row):
            if dark:
                c.rect(x + (i + 4) * cell, y + size - (j + 5) * cell, cell, cell, stroke=0, fill=1)
    c.restoreState()


def render(*, community: str, title: str, body: str, number: str, code: str, verify_url: str,
           issued: datetime, font_file: Path) -> bytes:
    """The unsigned certificate PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    font = _register(str(font_file))
    buf = io.BytesIO()
    w, h = A4
    c = Canvas(buf, pagesize=A4, invariant=True)
    c.setTitle(f"{title} {number}")
    c.setAuthor(community)
    c.setFont(font, 24)
    c.drawCentredString(w / 2, h - 110, title)
    c.setFont(font, 10)
    c.drawRightString(w - 72, h - 140, texts.CERT_SERIAL.format(number=number))
    style = ParagraphStyle("body", fontName=font, fontSize=14, leading=26, firstLineIndent=28,
                           wordWrap="CJK")
    para = Paragraph(body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)
    _, ph = para.wrap(w - 144, h)
    para.drawOn(c, 72, h - 170 - ph)
    base = h - 280 - ph
    c.setFont(font, 14)
    c.drawRightString(w - 90, base, community)
    c.drawRightString(w - 90, base - 26, texts.seal_date(issued))
    _seal(c, w - 125, base - 8, community, font)  # stamped over the name and date, as on paper
    _qr(c, verify_url, 66, 84, 110)
    c.setFont(font, 9)
    c.drawString(176, 160, texts.CERT_CODE.format(code=code))
    c.drawString(176, 144, texts.CERT_SCAN.format(url=verify_url))
    c.drawString(176, 128, texts.CERT_SIGNED_NOTE)
    c.showPage()
    c.save()
    return buf.getvalue()
