"""A booking for a parent over the real PTB Application and the local stand-in for the Bot API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.app import App
from domain.usecases.residents import import_roster
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Clock, staffed
from tests.support.ptb_harness import live_bot

RELATIVE = 5101
CARE_CHAT = -1002000000031  # 颐养服务中心
NUMBER = re.compile(r"YY-\d{8}-\d{4}")


@pytest_asyncio.fixture
async def live(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    staffed(sqlite_app, Clock())  # Monday 10:00 in Shanghai
    import_roster(sqlite_app.uow(), [{"姓名": "王秀英", "手机号": "13812345678", "小区": "翠微苑",
                                      "幢": "3", "单元": "2", "室": "302", "标签": "老年人,独居"}],
                  sqlite_app.estate_lookup(), set(sqlite_app.config.resident_tags))
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


@pytest.mark.asyncio
async def test_a_relative_books_a_bath_for_mum_and_the_provider_is_told(
        live: tuple[App, BotApiServer]) -> None:
    app, tg = live
    await tg.inject_text(RELATIVE, "帮我妈约明天下午两点的助浴")
    (ask,) = await tg.wait_messages(RELATIVE)
    assert "姓名和手机号" in ask.text
    await tg.inject_text(RELATIVE, "王秀英 13812345678")
    (confirm,) = await tg.wait_messages(RELATIVE)
    assert "服务：助浴" in confirm.text and "明天下午2:00" in confirm.text
    await tg.press(confirm, "确认预约", user_id=RELATIVE)
    (done,) = await tg.wait_messages(RELATIVE)
    number = NUMBER.search(done.text).group(0)  # type: ignore[union-attr]
    (card,) = await tg.wait_messages(CARE_CHAT, timeout=10)
    assert number in card.text and "【待核实】" in card.text and "138****5678" in card.text
    with app.uow() as uow:
        assert uow.bookings.get(number) is not None
