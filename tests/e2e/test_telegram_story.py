"""The whole story over the real PTB Application and a local stand-in for the Bot API
(it validates like Telegram but is not Telegram).

A resident reports in natural language, staff accept and resolve with buttons, the resident is
told at each step and rates. Everything between is the product: NLU, dialogue, SQLite, outbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.app import App
from bot.callbacks import STAFF
from domain.reports import Status
from domain.usecases.residents import import_roster
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Clock, staffed
from tests.support.ptb_harness import live_bot

RESIDENT = 5001
GRID1_CHAT = -1002000000011
GRID1_STAFF = 700000002
NUMBER = re.compile(r"BS-\d{8}-\d{4}")


@pytest_asyncio.fixture
async def live(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    staffed(sqlite_app, Clock(datetime.now(UTC)))
    import_roster(sqlite_app.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "小区": "翠微苑",
                                      "幢": "3", "单元": "2", "室": "302", "标签": "老年人,独居"}],
                  sqlite_app.estate_lookup(), set(sqlite_app.config.resident_tags))
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


@pytest.mark.asyncio
async def test_report_accept_resolve_rate_over_telegram(live: tuple[App, BotApiServer]) -> None:
    app, tg = live
    await tg.inject_command(RESIDENT, "start")
    greeting, ask_contact = await tg.wait_messages(RESIDENT, 2)
    assert "小助手" in greeting.text
    assert ask_contact.keyboard and ask_contact.keyboard[0][0].get("request_contact") is True

    await tg.share_contact(RESIDENT, "+8613812345678")
    (bound,) = await tg.wait_messages(RESIDENT)
    assert "已核实您是翠微苑的居民" in bound.text

    # Natural language, with characters that must be escaped for Telegram's HTML.
    await tg.inject_text(RESIDENT, "楼道灯坏了好几天了 晚上黑<看不见> & 老人容易摔")
    (confirm,) = await tg.wait_messages(RESIDENT)
    assert "地点：翠微苑3幢2单元302室" in confirm.text and "<看不见>" in confirm.text
    await tg.press(confirm, "确认提交", user_id=RESIDENT)
    (filed,) = await tg.wait_messages(RESIDENT)
    number = NUMBER.search(filed.text).group(0)  # type: ignore[union-attr]
    assert "前受理" in filed.text

    (card,) = await tg.wait_messages(GRID1_CHAT, timeout=10)
    assert number in card.text and "138****5678" in card.text and "13812345678" not in card.text

    # A resident cannot act on the staff card, even with the right button data.
    answered = len(tg.callback_answers)
    await tg.press_button(GRID1_CHAT, card.message_id, STAFF.data("acc", number), user_id=RESIDENT)
    await tg.wait_until(lambda: len(tg.callback_answers) > answered)
    assert "只有负责" in (tg.callback_answers[-1]["text"] or "")

    answered = len(tg.callback_answers)
    await tg.press(card, "查看联系方式", user_id=GRID1_STAFF)
    await tg.wait_until(lambda: len(tg.callback_answers) > answered)
    assert tg.callback_answers[-1]["text"] == "张阿姨 13812345678"
    assert tg.messages_in(GRID1_CHAT) == [card]  # the phone is shown to the presser only

    await tg.press(card, "受理", user_id=GRID1_STAFF)
    (accepted,) = await tg.wait_messages(RESIDENT, timeout=10)
    assert "社区已受理" in accepted.text and number in accepted.text
    await tg.wait_until(lambda: "已受理" in tg.messages[(GRID1_CHAT, card.message_id)].text)
    card = tg.messages[(GRID1_CHAT, card.message_id)]  # the card was edited in place
    assert [label for row in card.buttons for label, _ in row][:3] == ["开始处理", "办结", "转派"]

    await tg.press(card, "办结", user_id=GRID1_STAFF)
    (ask,) = await tg.wait_messages(GRID1_CHAT)
    assert "办了什么" in ask.text
    await tg.inject_text(GRID1_CHAT, "已更换灯泡", user_id=GRID1_STAFF)
    (confirm_note,) = await tg.wait_messages(GRID1_CHAT)
    await tg.press(confirm_note, "发给居民", user_id=GRID1_STAFF)
    (resolved,) = await tg.wait_messages(RESIDENT, timeout=10)
    assert "已办结" in resolved.text and "办理情况：已更换灯泡" in resolved.text
    await tg.press(resolved, "5分", user_id=RESIDENT)
    (thanks,) = await tg.wait_messages(RESIDENT)
    assert "谢谢您的评价（5分）" in thanks.text

    with app.uow() as uow:
        report = uow.reports.get(number)
    assert report is not None and report.status == Status.RESOLVED and report.rating == 5
    assert [c.status for c in report.history] == [Status.PENDING, Status.ACCEPTED, Status.RESOLVED]


@pytest.mark.asyncio
async def test_a_photo_report_reaches_staff_who_can_see_the_photo(live: tuple[App, BotApiServer]) -> None:
    _, tg = live
    await tg.send_photo(RESIDENT, "翠微苑5幢门口井盖松了 很危险")
    got, confirm = await tg.wait_messages(RESIDENT, 2)
    assert "照片收到了" in got.text and "照片：1张" in confirm.text and "地点：翠微苑5幢" in confirm.text
    await tg.press(confirm, "确认提交", user_id=RESIDENT)
    await tg.wait_messages(RESIDENT)
    (card,) = await tg.wait_messages(GRID1_CHAT, timeout=10)
    await tg.press(card, "看照片（1张）", user_id=GRID1_STAFF)
    photo, caption = await tg.wait_messages(GRID1_CHAT, 2)
    assert photo.kind == "photo" and photo.document_name and photo.document_name.endswith("-1280")
    assert "居民发来的照片（1张）" in caption.text
    assert tg.errors == []  # nothing the bot sent was refused as Telegram would refuse it


@pytest.mark.asyncio
async def test_a_resident_who_blocked_the_bot_is_shown_to_staff_as_unreachable(
    live: tuple[App, BotApiServer],
) -> None:
    app, tg = live
    await tg.share_contact(RESIDENT, "+8613812345678")
    await tg.wait_messages(RESIDENT)
    await tg.inject_text(RESIDENT, "翠微苑3幢2单元楼道灯坏了")
    (confirm,) = await tg.wait_messages(RESIDENT)
    await tg.press(confirm, "确认提交", user_id=RESIDENT)
    await tg.wait_messages(RESIDENT)
    (card,) = await tg.wait_messages(GRID1_CHAT, timeout=10)
    assert "停用机器人" not in card.text

    tg.blocked_by.add(RESIDENT)  # the resident blocks the bot: Telegram answers 403
    await tg.press(card, "受理", user_id=GRID1_STAFF)
    await tg.wait_until(lambda: any(d.startswith("Forbidden") for _, d in tg.errors), timeout=10)

    def held() -> list[str]:
        with app.uow() as uow:
            return [m.status for m in uow.outbox.undelivered()]

    async with asyncio.timeout(10):  # the dispatcher records the 403 right after it
        while held() != ["blocked"]:
            await asyncio.sleep(0.02)
    edits = len(tg.edited)
    await tg.press(tg.messages[(GRID1_CHAT, card.message_id)], "开始处理", user_id=GRID1_STAFF)
    await tg.wait_until(lambda: len(tg.edited) > edits, timeout=10)
    assert "居民已停用机器人，请电话联系" in tg.messages[(GRID1_CHAT, card.message_id)].text
    assert held() == ["blocked", "blocked"]  # the next update is held too, not tried

    tg.blocked_by.discard(RESIDENT)  # they come back and write: reachable again
    await tg.inject_text(RESIDENT, "你好")
    await tg.wait_messages(RESIDENT)
    with app.uow() as uow:
        assert not uow.outbox.is_blocked(RESIDENT)
