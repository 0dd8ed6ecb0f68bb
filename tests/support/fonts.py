"""The CJK font certificates embed: CI installs it (.ci/run); only a developer's machine may lack it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def needs_font() -> Path:
    """The installed Debian CJK font; skips locally when absent, fails on CI."""
    from bot.seal_pdf import FONT_CANDIDATES

    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return Path(p)
    if os.environ.get("CI"):
        pytest.fail("no CJK font: .ci/run installs Debian's fonts-wqy-microhei")
    pytest.skip("no CJK font: apt-get install fonts-wqy-microhei")
