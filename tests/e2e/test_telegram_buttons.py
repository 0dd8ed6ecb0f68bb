"""Button presses over the local stand-in for the Bot API: answered at once, expiry is one line."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.events import Button, Inbound, Reply
from tests.e2e.test_telegram_channel import FakeEngine, bot
from tests.support.botapi import BotApiServer


def card(event: Inbound) -> list[Reply]:
    if event.kind == "button":
        return [Reply(text="已受理", edit=True, notice="已受理")]
    return [Reply(text="新工单", buttons=((Button("受理", "1:s:acc:BS-20261202-0001"),),))]


@pytest.mark.asyncio
async def test_a_slow_engine_does_not_keep_the_button_spinning(botapi: BotApiServer) -> None:
    release = threading.Event()

    def slow(event: Inbound) -> list[Reply]:
        if event.kind == "button":
            release.wait(timeout=60)  # held until the test has seen the press answered
        return card(event)

    async with bot(botapi, FakeEngine(slow)):
        await botapi.inject_text(-1003, "new")
        [msg] = await botapi.wait_messages(-1003)
        await botapi.press(msg, "受理", user_id=779)
        await botapi.wait_until(lambda: len(botapi.callback_answers) == 1)
        assert not release.is_set()  # answered while the engine was still working
        release.set()
        await botapi.wait_until(lambda: bool(botapi.edited))
    assert botapi.errors == []


@pytest.mark.asyncio
async def test_an_expired_query_is_one_log_line_not_a_traceback(
        botapi: BotApiServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with bot(botapi, FakeEngine(card)):
        await botapi.inject_text(-1004, "new")
        [msg] = await botapi.wait_messages(-1004)
        await botapi.press(msg, "受理", user_id=780)
        botapi.open_callbacks.clear()  # Telegram forgot the query: "query is too old"
        await botapi.wait_until(lambda: bool(botapi.edited))
    mine = [r for r in caplog.records if r.name.startswith("bot.")]
    expired = [r for r in mine if "expired" in r.getMessage()]
    assert len(expired) == 1
    assert all(r.exc_info is None for r in mine)
