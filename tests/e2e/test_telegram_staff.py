"""Staff in their Telegram group, over the local stand-in for the Bot API: numbers, 待办, notes."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.e2e.test_telegram_story import GRID1_CHAT, GRID1_STAFF, NUMBER, RESIDENT, live  # noqa: F401
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer

GRID2_STAFF = 700000003


@pytest.mark.asyncio
async def test_staff_group_number_todo_and_a_cancelled_reason(live: tuple[App, BotApiServer]) -> None:  # noqa: F811
    _, tg = live
    await tg.inject_text(RESIDENT, "翠微苑3幢2单元楼道灯坏了好几天了")
    (confirm,) = await tg.wait_messages(RESIDENT)
    await tg.press(confirm, "确认提交", user_id=RESIDENT)
    (filed,) = await tg.wait_messages(RESIDENT)
    number = NUMBER.search(filed.text).group(0)  # type: ignore[union-attr]
    (card,) = await tg.wait_messages(GRID1_CHAT, timeout=10)

    await tg.inject_text(GRID1_CHAT, number.lower(), user_id=GRID1_STAFF)
    (again,) = await tg.wait_messages(GRID1_CHAT)
    assert number in again.text and again.buttons[0][0][0] == "受理"
    await tg.inject_text(GRID1_CHAT, "待办", user_id=GRID1_STAFF)
    (todo,) = await tg.wait_messages(GRID1_CHAT)
    assert "待办（1件" in todo.text

    await tg.press(card, "不予受理", user_id=GRID1_STAFF)
    (ask,) = await tg.wait_messages(GRID1_CHAT)
    assert "原因" in ask.text
    await tg.inject_text(GRID1_CHAT, "取消", user_id=GRID1_STAFF)
    (cancelled,) = await tg.wait_messages(GRID1_CHAT)
    assert "没有改动" in cancelled.text
    await tg.inject_text(GRID1_CHAT, number, user_id=GRID2_STAFF)  # another grid's: silence
    await tg.inject_text(GRID1_CHAT, "待办", user_id=GRID1_STAFF)
    (todo,) = await tg.wait_messages(GRID1_CHAT)
    assert "待办（1件" in todo.text and "待受理" in todo.text
    assert all("不受理" not in m.text for m in tg.messages_in(RESIDENT))  # the resident was told nothing
    assert tg.errors == []
