"""Shelters over the real PTB Application and the local Bot API stand-in: the location button and pin."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.e2e.test_telegram_story import live  # noqa: F401
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer

STRANGER = 5101


@pytest.mark.asyncio
async def test_shelters_ask_for_the_location_then_list_the_nearest_with_a_pin(
    live: tuple[App, BotApiServer],  # noqa: F811
) -> None:
    _, tg = live
    await tg.inject_text(STRANGER, "台风来了去哪里躲")
    (ask,) = await tg.wait_messages(STRANGER)
    assert "发送我的位置" in ask.text and "可容纳" not in ask.text
    assert ask.keyboard and ask.keyboard[0][0].get("request_location") is True

    await tg.share_location(STRANGER, 28.0046, 120.6571)  # 南塘新村
    listing, pin = await tg.wait_messages(STRANGER, 2)
    assert "离您的位置最近的避灾点" in listing.text and listing.text.count("可容纳") == 3
    assert listing.text.splitlines()[1].startswith("· 南塘文化礼堂：约")
    assert pin.kind == "location" and (pin.latitude, pin.longitude) == (28.0031, 120.6589)
    assert tg.errors == []  # everything sent was accepted as Telegram would accept it
