"""Volunteering over the real PTB Application and the local stand-in for the Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.app import App
from bot.volunteer_notices import publish
from domain.residents import Address, Resident
from domain.volunteers import Task
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.botapi_model import SentMessage
from tests.support.chat import Clock, staffed
from tests.support.ptb_harness import live_bot

VOLUNTEER = 5201
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SATURDAY_9 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def live(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    staffed(sqlite_app, Clock())
    with sqlite_app.uow() as uow:
        uow.residents.add(Resident(name="陈安娜", phone="13805770001", address=Address("E1", "3", "2", "101"),
                                   verified=True, user_id=VOLUNTEER, chat_id=VOLUNTEER))
        uow.commit()
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


async def edited(tg: BotApiServer, msg: SentMessage, words: str) -> SentMessage:
    """The message once an edit shows `words`."""
    key = (msg.chat_id, msg.message_id)
    await tg.wait_until(lambda: words in tg.messages[key].text)
    return tg.messages[key]


@pytest.mark.asyncio
async def test_a_resident_signs_up_with_buttons_and_takes_a_task(live: tuple[App, BotApiServer]) -> None:
    app, tg = live
    await tg.inject_text(VOLUNTEER, "我想当志愿者")
    (ask,) = await tg.wait_messages(VOLUNTEER)
    assert "您会做哪些事" in ask.text
    await tg.press(ask, "陪伴老人", user_id=VOLUNTEER)
    ask = await edited(tg, ask, "已选：陪伴老人")
    await tg.press(ask, "选好了", user_id=VOLUNTEER)
    ask = await edited(tg, ask, "什么时候有空")
    await tg.press(ask, "周末上午", user_id=VOLUNTEER)
    ask = await edited(tg, ask, "已选：周末上午")
    await tg.press(ask, "选好了，报名", user_id=VOLUNTEER)
    (done,) = await tg.wait_messages(VOLUNTEER)
    assert "报名好了" in done.text
    with app.uow() as uow:
        task = Task(title="陪独居老人聊天", start=SATURDAY_9, hours=2, capacity=1, posted_by="",
                    skill="陪伴老人", estate="E1", grid="G1")
        assert publish(app, uow, task, None, NOW) == 1
        uow.commit()
    (offer,) = await tg.wait_messages(VOLUNTEER, timeout=10)
    assert "【志愿任务】陪独居老人聊天" in offer.text
    await tg.press(offer, "我来", user_id=VOLUNTEER)
    (taken,) = await tg.wait_messages(VOLUNTEER)
    assert "这个任务由您来" in taken.text
    with app.uow() as uow:
        assert [s.resident_id for s in uow.volunteers.signups(task.id or 0)] == [1]
