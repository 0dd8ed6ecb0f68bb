"""The public verification page (/v/CODE) in a real headless Chromium: text checked, screenshot kept."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator

import pytest

from bot.app import App
from bot.seal_page import make_web_app
from tests.e2e.test_seals import PERSON_ID, SECRETARY, STAFF_CHAT, bot, config_file, press, request  # noqa: F401
from tests.fixtures import REPO, app, app_config, clean_env, database_url  # noqa: F401
from tests.support.chat import Chat, queued

SCREENSHOT = REPO / "var" / "screenshots" / "seal-verify-page.png"  # kept for review (var/ is not committed)


def chromium() -> str:
    """Debian's chromium; CI installs it (.ci/run), so only a developer's machine may skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs Debian's package)")
    pytest.skip("chromium is not installed: apt-get install chromium")


@pytest.fixture
def page(bot: App) -> Iterator[str]:  # noqa: F811
    """The page served by aiohttp on a free port in a thread; yields its base URL once it listens."""
    from aiohttp import web

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    runner = web.AppRunner(make_web_app(bot), access_log=None)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, sock).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


def browse(browser: str, url: str, *extra: str) -> str:
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--hide-scrollbars", "--no-first-run", "--window-size=720,900", *extra, url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def issued_code(bot: App) -> str:  # noqa: F811
    chat = Chat(bot, 1001)
    request(bot, chat)
    card = queued(bot, STAFF_CHAT)[-1]
    press(bot, SECRETARY, card.buttons[0][0].data)
    m = re.search(r"核验码 ([A-Z0-9]{10})", chat.inbox())
    assert m
    return m.group(1)


def test_the_page_in_chromium_shows_genuine_with_certified_facts_only(bot: App, page: str) -> None:  # noqa: F811
    browser = chromium()
    code = issued_code(bot)
    url = f"{page}/v/{code}"
    assert bot.certifier.verify_url(code).endswith(f"/v/{code}")  # the QR code's URL has the same path
    dom = browse(browser, url, "--dump-dom")
    masked = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert "这份证明是真的" in dom and "张桂英" in dom and masked in dom and "居住证明" in dom
    assert PERSON_ID not in dom and "翠微苑" not in dom and "实验小学" not in dom
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browse(browser, url, f"--screenshot={SCREENSHOT}")
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    forged = browse(browser, f"{page}/v/ABCDEFGH23", "--dump-dom")
    assert "可能是伪造的" in forged and "张桂英" not in forged
