"""The bot's rate limiter: answers first, one message a second per chat for the rest, 429s waited out.

Time is a clock the test moves: nothing here waits on the wall clock, except the 429 case,
which checks that the retry came no sooner than Telegram asked.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import ExtBot

from bot.channels.ratelimit import PriorityRateLimiter
from domain.ports import ANSWER, BULK, NOTICE
from tests.support.botapi import BotApiServer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Calls:
    """Requests through a limiter: (endpoint, chat, the test clock when it was let through)."""

    def __init__(self, limiter: PriorityRateLimiter, clock: Clock) -> None:
        self.limiter, self.clock = limiter, clock
        self.made: list[tuple[str, int | None, float]] = []
        self.tasks: list[asyncio.Task[Any]] = []

    def start(self, chat_id: int | None, priority: int, endpoint: str = "sendMessage") -> None:
        async def callback(*_args: Any, **_kwargs: Any) -> bool:
            self.made.append((endpoint, chat_id, self.clock()))
            return True

        data = {} if chat_id is None else {"chat_id": chat_id}
        self.tasks.append(asyncio.ensure_future(self.limiter.process_request(
            callback, (), {}, endpoint, data, {"priority": priority})))

    async def settle(self) -> None:
        """Let every request that was let through run."""
        for _ in range(5):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        self.clock.now += seconds
        self.limiter.pump()
        await self.settle()

    def chats(self) -> list[int | None]:
        return [chat for _, chat, _ in self.made]

    async def close(self) -> None:
        await self.limiter.shutdown()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def limited(rate: float) -> Calls:
    clock = Clock()
    return Calls(PriorityRateLimiter(rate, clock=clock), clock)


async def test_an_answer_overtakes_the_bulk_push_already_waiting() -> None:
    calls = limited(10)  # a bucket of 2, then one every 0.1 s
    for chat in range(1, 7):
        calls.start(chat, BULK)
    await calls.settle()
    assert calls.chats() == [1, 2]  # the budget's burst; four pushes wait
    calls.start(99, NOTICE)
    calls.start(100, ANSWER)
    await calls.settle()
    assert calls.chats() == [1, 2, 100]  # an answer is not held by the spent budget (it borrows)
    for _ in range(4):
        await calls.advance(0.1)
    assert calls.chats() == [1, 2, 100, 99, 3, 4]  # the budget repaid; the notice, then the push
    await calls.close()


async def test_bulk_to_one_chat_is_spaced_a_second_but_an_answer_of_three_messages_goes_at_once() -> None:
    calls = limited(1000)
    for _ in range(3):
        calls.start(7, BULK)
        calls.start(8, ANSWER)
    await calls.settle()
    for _ in range(12):
        await calls.advance(0.25)
    bulk = [at for _, chat, at in calls.made if chat == 7]
    answers = [at for _, chat, at in calls.made if chat == 8]
    assert bulk == [0.0, 1.0, 2.0]
    assert answers == [0.0, 0.0, 0.0]
    await calls.close()


async def test_a_group_gets_at_most_20_messages_a_minute() -> None:
    calls = limited(1000)
    for _ in range(22):
        calls.start(-100, ANSWER)
    await calls.settle()
    for _ in range(62):
        await calls.advance(1.0)
    times = [at for _, _, at in calls.made]
    assert len([t for t in times if t < 60]) == 20
    assert times[20:] == [60.0, 60.0]  # a minute after the first three (sent at once)
    await calls.close()


async def test_rate_zero_turns_the_limiter_off_and_callback_answers_never_wait() -> None:
    off = limited(0)
    for _ in range(50):
        off.start(7, BULK)
    await off.settle()
    assert len(off.made) == 50  # no budget, no per-chat spacing: all at once
    await off.close()

    busy = limited(1)  # one message a second: the first takes it
    busy.start(7, NOTICE)
    busy.start(8, NOTICE)
    busy.start(None, ANSWER, endpoint="answerCallbackQuery")
    await busy.settle()
    assert [e for e, _, _ in busy.made] == ["sendMessage", "answerCallbackQuery"]
    await busy.close()


# PTB itself warns about retry_after's type while building the 429 error (not our code).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_pauses_every_send_for_retry_after_then_the_message_goes_once() -> None:
    limiter = PriorityRateLimiter(30)
    async with BotApiServer(retry_after=1) as server:
        server.too_many_next = 1  # Telegram says: too many, retry after 1 s
        bot = ExtBot(server.token, base_url=server.base_url, rate_limiter=limiter)
        async with bot:
            await bot.do_api_request("SendMessage", api_kwargs={"chat_id": 5, "text": "您好"},
                                     rate_limit_args={"priority": ANSWER})
            sent_at = asyncio.get_running_loop().time()
    assert [m.chat_id for m in server.sent] == [5]  # delivered, and once
    assert limiter.retries == 1 and len(server.too_many) == 1
    (_, refused_at), = server.too_many
    # The retry came no sooner than Telegram asked (a lower bound: no machine makes it fail).
    assert sent_at - refused_at >= 1.0 - 0.05
    assert isinstance(bot, Bot)
