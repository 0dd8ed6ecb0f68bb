"""Short lines sent together are one message, over the real PTB Application and the local stand-in
for the Bot API. No timing is asserted: updates injected without yielding reach the bot in one
batch, and every check waits for replies (or for a line to be held), never for a time to pass."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.channels.telegram import CunsheApplication, build_application
from bot.events import Button, Inbound, Reply
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Clock, staffed
from tests.support.ptb_harness import polling

LONG = 30.0  # a gap no test waits for: only a flush can let the held text through
SHORT = 0.3


class Recorder:
    """An engine that notes what it was given and echoes it, with one button to press."""

    def __init__(self) -> None:
        self.events: list[Inbound] = []
        self._lock = threading.Lock()

    def handle(self, event: Inbound) -> list[Reply]:
        with self._lock:
            self.events.append(event)
        said = event.text or event.data or event.phone or event.kind
        return [Reply(text=f"收到：{said}", buttons=((Button("好", "ok"),),))]


@asynccontextmanager
async def bot(server: BotApiServer, engine: object, gap: float) -> AsyncIterator[CunsheApplication]:
    app = build_application(engine, server.token, base_url=server.base_url,  # type: ignore[arg-type]
                            rate_limit=False, burst_gap=gap)
    async with polling(app):
        yield app


async def held(app: CunsheApplication, chat_id: int, n: int) -> None:
    """Wait until n lines of a chat are held (a readiness wait, not a timing)."""
    async with asyncio.timeout(10):
        while app.bursts.holding(chat_id) < n:
            await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_lines_sent_together_are_one_turn_in_order(botapi: BotApiServer) -> None:
    engine = Recorder()
    async with bot(botapi, engine, SHORT):
        for line in ("我要反映一个问题", "我是南塘新村5幢的住户", "楼道里堆了好多纸箱子"):
            await botapi.inject_text(301, line)
        [answer] = await botapi.wait_messages(301)
        await botapi.inject_command(301, "menu")  # goes straight through: nothing else was sent
        [menu] = await botapi.wait_messages(301)
    assert answer.text == "收到：我要反映一个问题\n我是南塘新村5幢的住户\n楼道里堆了好多纸箱子"
    assert menu.text == "收到：menu"
    assert [e.kind for e in engine.events] == ["text", "command"]
    assert botapi.errors == []


Other = Callable[[BotApiServer, int], Awaitable[object]]
OTHERS: dict[str, Other] = {
    "command": lambda s, c: s.inject_command(c, "status"),
    "contact": lambda s, c: s.share_contact(c, "+8613800138000"),
    "location": lambda s, c: s.share_location(c, 28.01, 120.65),
    "photo": lambda s, c: s.send_photo(c, caption="照片"),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", sorted(OTHERS))
async def test_anything_but_text_lets_the_held_lines_through_first(botapi: BotApiServer, kind: str) -> None:
    engine = Recorder()
    async with bot(botapi, engine, LONG):
        await botapi.inject_text(302, "楼道灯坏了")
        await botapi.inject_text(302, "好几天了")
        await OTHERS[kind](botapi, 302)
        first, _ = await botapi.wait_messages(302, 2)
    assert first.text == "收到：楼道灯坏了\n好几天了"
    assert [e.kind for e in engine.events] == ["text", kind]


@pytest.mark.asyncio
async def test_a_button_press_lets_the_held_lines_through_first(botapi: BotApiServer) -> None:
    engine = Recorder()
    async with bot(botapi, engine, LONG):
        await botapi.inject_command(303, "start")
        [shown] = await botapi.wait_messages(303)
        await botapi.inject_text(303, "还有一件事")
        await botapi.press(shown, "好")
        first, second = await botapi.wait_messages(303, 2)
    assert (first.text, second.text) == ("收到：还有一件事", "收到：ok")
    assert [e.kind for e in engine.events] == ["command", "text", "button"]


@pytest.mark.asyncio
async def test_in_a_group_one_persons_lines_are_not_anothers(botapi: BotApiServer) -> None:
    engine = Recorder()
    async with bot(botapi, engine, SHORT):
        await botapi.inject_text(-3001, "第一句", user_id=11)
        await botapi.inject_text(-3001, "第二句", user_id=22)
        await botapi.inject_text(-3001, "第三句", user_id=22)
        await botapi.wait_messages(-3001, 2)
    assert [(e.user_id, e.text) for e in engine.events] == [(11, "第一句"), (22, "第二句\n第三句")]


@pytest.mark.asyncio
async def test_a_gap_of_zero_turns_bursts_off(botapi: BotApiServer) -> None:
    engine = Recorder()
    async with bot(botapi, engine, 0.0):
        await botapi.inject_text(304, "一")
        await botapi.inject_text(304, "二")
        await botapi.wait_messages(304, 2)
    assert [e.text for e in engine.events] == ["一", "二"]


@pytest.mark.asyncio
async def test_lines_held_at_shutdown_are_still_answered(botapi: BotApiServer) -> None:
    engine = Recorder()
    async with bot(botapi, engine, LONG) as app:
        await botapi.inject_text(305, "楼道灯坏了")
        await held(app, 305, 1)
    [answer] = await botapi.wait_messages(305)
    assert answer.text == "收到：楼道灯坏了"


NUMBER = re.compile(r"BS-\d{8}-\d{4}")
STORY = ["我要反映一个问题", "我是南塘新村5幢的住户", "我们楼道里", "堆了好多纸箱子", "怕着火",
         "还有门口的路灯坏了", "晚上黑乎乎的", "昨天王阿姨", "在门口摔了一跤", "腿都摔破了"]


@pytest.mark.asyncio
async def test_a_story_in_ten_short_lines_is_one_report_over_telegram(
        sqlite_app: App, botapi: BotApiServer) -> None:  # noqa: F811
    staffed(sqlite_app, Clock(datetime.now(UTC)))
    async with bot(botapi, sqlite_app.dialogue, SHORT):
        for line in STORY:
            await botapi.inject_text(306, line)
        [confirm] = await botapi.wait_messages(306)
        assert "请您核对一下" in confirm.text and "地点：南塘新村5幢" in confirm.text
        await botapi.press(confirm, "确认提交")
        filed = (await botapi.wait_messages(306))[0]
    assert NUMBER.search(filed.text)
    with sqlite_app.uow() as uow:
        [saved] = uow.reports.list()
    for part in ("纸箱", "着火", "路灯", "摔了一跤"):
        assert part in saved.description
    assert "我要反映" not in saved.description
    assert (saved.address.estate, saved.address.building) == ("E4", "5")
