"""A receipt photo in the staff group becomes a ledger line in one step, over the real PTB
Application and the local stand-in for the Bot API (photos arrive with Telegram file ids)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio

from bot.app import App
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Clock, staffed
from tests.support.ptb_harness import live_bot

STAFF_CHAT = -1002000000001
SECRETARY = 700000001
GRID1_STAFF = 700000002
RESIDENT = 5001


@pytest_asyncio.fixture
async def live(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    staffed(sqlite_app, Clock(datetime.now(UTC)))
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


def _lines(app: App) -> list:  # type: ignore[type-arg]
    with app.uow() as uow:
        return uow.board.lines(date(2000, 1, 1), date(2100, 1, 1))


@pytest.mark.asyncio
async def test_a_receipt_photo_in_the_staff_group_is_one_ledger_line(live: tuple[App, BotApiServer]) -> None:
    app, tg = live
    await tg.send_photo(STAFF_CHAT, "买扫帚25块 王书记批的", user_id=GRID1_STAFF)
    (draft,) = await tg.wait_messages(STAFF_CHAT)
    assert "支出：25元" in draft.text and "用途：扫帚" in draft.text and "审批人：王书记" in draft.text
    assert [label for row in draft.buttons for label, _ in row] == ["确认记账", "修改", "取消"]

    # Someone else's press, and a resident's, write nothing and say why in a toast.
    await tg.press(draft, "确认记账", user_id=SECRETARY)
    await tg.press(draft, "确认记账", user_id=RESIDENT)
    await tg.wait_until(lambda: len(tg.callback_answers) == 2)
    toasts = [a["text"] for a in tg.callback_answers]
    assert any("别人的记账" in (x or "") for x in toasts) and any("工作人员" in (x or "") for x in toasts)
    assert _lines(app) == []

    await tg.press(draft, "确认记账", user_id=GRID1_STAFF)
    await tg.wait_until(lambda: any("已记账" in m.text for m in tg.messages_in(STAFF_CHAT)))
    (line,) = _lines(app)
    assert (line.amount_fen, line.purpose, line.approver, line.entered_by) == (2500, "扫帚", "王书记", "S02")
    assert line.receipt_file_id is not None and line.receipt_file_id.endswith("-1280")  # the largest size
    assert tg.errors == []


@pytest.mark.asyncio
async def test_a_photo_without_an_amount_asks_for_it(live: tuple[App, BotApiServer]) -> None:
    app, tg = live
    await tg.send_photo(STAFF_CHAT, "", user_id=SECRETARY)
    (ask,) = await tg.wait_messages(STAFF_CHAT)
    assert "多少钱" in ask.text
    await tg.inject_text(STAFF_CHAT, "垃圾袋 二十块", user_id=SECRETARY)
    (draft,) = await tg.wait_messages(STAFF_CHAT)
    assert "支出：20元" in draft.text and "用途：垃圾袋" in draft.text
    await tg.press(draft, "确认记账", user_id=SECRETARY)
    await tg.wait_until(lambda: len(_lines(app)) == 1)
    assert tg.errors == []
