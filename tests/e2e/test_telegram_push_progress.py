"""A push's progress edits the staff member's one message (through the outbox payload)."""

from __future__ import annotations

import pytest

from bot.channels.telegram import build_application
from bot.events import Inbound, Reply
from bot.outbox import from_payload, to_payload
from tests.support.botapi import BotApiServer
from tests.support.ptb_harness import polling


class NoEngine:
    def handle(self, event: Inbound) -> list[Reply]:
        return []


@pytest.mark.asyncio
async def test_a_stored_progress_reply_edits_the_message_it_names(botapi: BotApiServer) -> None:
    app = build_application(NoEngine(), botapi.token, base_url=botapi.base_url,  # type: ignore[arg-type]
                            rate_limit=False)
    async with polling(app):
        await app.sender.send(-1009, Reply(text="推送进行中：已发送 0/3，失败 0"))
        [card] = await botapi.wait_messages(-1009)
        stored = to_payload(Reply(text="推送完成：已发送 2/3，失败 1", edit_message_id=card.message_id))
        await app.sender.send(-1009, from_payload(stored))
        await botapi.wait_until(lambda: bool(botapi.edited))
    assert card.text == "推送完成：已发送 2/3，失败 1"
    assert len(botapi.messages_in(-1009)) == 1  # one message, edited
    assert botapi.errors == []
