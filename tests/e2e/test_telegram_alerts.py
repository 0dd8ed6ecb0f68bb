"""A red warning sent from the secretary's chat reaches a resident over Telegram with their nearest pin."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.e2e.test_telegram_story import live  # noqa: F401
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer

RESIDENT = 5401  # 张阿姨 of 翠微苑 (on the roster of `live`)
SECRETARY = 700000001


@pytest.mark.asyncio
async def test_the_secretary_sends_a_red_warning_and_the_resident_gets_text_and_pin(
    live: tuple[App, BotApiServer],  # noqa: F811
) -> None:
    _, tg = live
    await tg.share_contact(RESIDENT, "+8613812345678")
    await tg.wait_messages(RESIDENT)

    await tg.inject_text(SECRETARY, "发布预警")
    (levels,) = await tg.wait_messages(SECRETARY)
    edits = len(tg.edited)
    await tg.press(levels, "红色", user_id=SECRETARY)
    await tg.wait_until(lambda: len(tg.edited) > edits)  # the level question becomes the title's
    assert "请输入标题" in tg.edited[-1].text
    await tg.inject_text(SECRETARY, "台风海葵红色预警")
    await tg.wait_messages(SECRETARY)
    await tg.inject_text(SECRETARY, "台风将于今晚登陆 <鹿城区> 请勿外出 & 远离河道")
    (preview,) = await tg.wait_messages(SECRETARY)
    assert "发给1位居民" in preview.text and "<鹿城区>" in preview.text
    await tg.press(preview, "确认发布", user_id=SECRETARY)

    warning, pin = await tg.wait_messages(RESIDENT, 2, timeout=10)
    assert "【红色预警】台风海葵红色预警" in warning.text
    assert "台风将于今晚登陆 <鹿城区> 请勿外出 & 远离河道" in warning.text  # unchanged, escaped right
    assert "离您家（翠微苑）最近的开放避灾点" in warning.text and warning.text.count("可容纳") == 3
    assert pin.kind == "location" and (pin.latitude, pin.longitude) == (28.0139, 120.6441)
    assert tg.errors == []
