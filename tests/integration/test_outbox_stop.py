"""At a stop the outbox sends what it has in hand, and what the last turns queued, then ends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app import App
from bot.dialogue.turn import reply
from bot.events import Reply
from bot.outbox import Dispatcher, enqueue
from tests.support.chat import queued

RESIDENT = 4301
STAFF_CHAT = 4302


class HeldSender:
    """Holds the first send until released, so a stop can come in the middle of a round."""

    def __init__(self) -> None:
        self.sending = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[tuple[int, str]] = []

    async def send(self, chat_id: int, message: Reply, priority: int = 1) -> None:
        self.sending.set()
        await self.release.wait()
        self.sent.append((chat_id, message.text))


def _queue(app: App, chat_id: int, text: str, key: str) -> None:
    with app.uow() as uow:
        now = datetime.now(UTC)
        enqueue(uow, chat_id, reply(text), key, now)
        uow.commit()


async def test_a_stop_in_the_middle_of_a_round_still_sends_what_came_in_meanwhile(app: App) -> None:
    _queue(app, RESIDENT, "您的报修已受理", "stop:1")
    sender = HeldSender()
    dispatcher = Dispatcher(app, sender, interval=3600)  # no tick: only the stop wakes it
    running = asyncio.create_task(dispatcher.run())
    await sender.sending.wait()  # the first round holds the resident's message
    # The last turn before the stop queued a message for staff after that round had read.
    await asyncio.to_thread(_queue, app, STAFF_CHAT, "新报修待受理", "stop:2")
    dispatcher.stop()
    sender.release.set()
    await asyncio.wait_for(running, timeout=30)  # it ends by itself, not cancelled
    assert sender.sent == [(RESIDENT, "您的报修已受理"), (STAFF_CHAT, "新报修待受理")]
    assert queued(app, RESIDENT) == [] and queued(app, STAFF_CHAT) == []
