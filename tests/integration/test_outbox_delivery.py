"""Nothing owed to a chat is dropped: failed and blocked messages are kept, shown and resent.

On SQLite and PostgreSQL (the `app` fixture runs both when CI provides PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import jobs
from bot.app import App
from bot.dialogue.turn import reply
from bot.events import ChatUnreachable, Reply
from bot.outbox import Dispatcher, enqueue
from tests.fixtures import run_cli
from tests.support.chat import Chat, Clock, queued, staffed

RESIDENT = 4201
NEIGHBOUR = 4202
START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


class Sender:
    """Delivers, except to chats that blocked the bot (403) or while the network is down."""

    def __init__(self, *, down: bool = False, blocked: frozenset[int] = frozenset()) -> None:
        self.down = down
        self.blocked = set(blocked)
        self.sent: list[tuple[int, str]] = []
        self.tries: list[int] = []

    async def send(self, chat_id: int, message: Reply, priority: int = 1) -> None:
        self.tries.append(chat_id)
        if chat_id in self.blocked:
            raise ChatUnreachable("Forbidden: bot was blocked by the user")
        if self.down:
            raise ConnectionError(f"network down while sending {message.text}")
        self.sent.append((chat_id, message.text))


def _queue(app: App, chat_id: int, text: str, key: str) -> None:
    with app.uow() as uow:
        enqueue(uow, chat_id, reply(text), key, START)
        uow.commit()


def _drive(app: App, sender: Sender, rounds: int, max_attempts: int = 3) -> None:
    """Let time pass between rounds so every backoff has run out."""
    clock = Clock(datetime.now(UTC))  # `outbox retry` queues for the real now
    dispatcher = Dispatcher(app, sender, clock=clock, max_attempts=max_attempts)
    for _ in range(rounds):
        clock.advance(hours=1)
        asyncio.run(dispatcher.deliver_due())


def test_after_its_tries_a_message_is_kept_as_failed_and_can_be_resent(
    app: App, config_file: Path,
) -> None:
    _queue(app, RESIDENT, "您的报修已受理，王阿姨", "t:1")
    down = Sender(down=True)
    _drive(app, down, rounds=6)
    assert down.tries == [RESIDENT] * 3  # three tries, then no more
    assert queued(app, RESIDENT) == []  # not due any more, but not gone:
    with app.uow() as uow:
        (kept,) = uow.outbox.undelivered()
    assert (kept.status, kept.attempts, kept.chat_id) == ("failed", 3, RESIDENT)
    assert kept.last_error.startswith("ConnectionError")

    listed = run_cli("--config", config_file, "outbox", "failed", "--json")
    assert listed.code == 0, listed.err
    (row,) = json.loads(listed.out)
    assert (row["id"], row["chat_id"], row["attempts"], row["status"]) == (kept.id, RESIDENT, 3, "failed")
    assert row["created_at"] and "王阿姨" not in listed.out and "受理" not in listed.out
    table = run_cli("--config", config_file, "outbox", "failed")
    assert f"chat {RESIDENT}" in table.out and "发送失败" in table.out and "王阿姨" not in table.out

    again = run_cli("--config", config_file, "outbox", "retry", str(kept.id))
    assert again.code == 0, again.err
    up = Sender()
    _drive(app, up, rounds=1)
    assert up.sent == [(RESIDENT, "您的报修已受理，王阿姨")]
    assert json.loads(run_cli("--config", config_file, "outbox", "failed", "--json").out) == []


def test_retry_all_and_unknown_ids(app: App, config_file: Path) -> None:
    _queue(app, RESIDENT, "一", "t:1")
    _queue(app, NEIGHBOUR, "二", "t:2")
    _drive(app, Sender(down=True), rounds=3)
    assert run_cli("--config", config_file, "outbox", "retry", "999").code == 1
    res = run_cli("--config", config_file, "outbox", "retry", "--all")
    assert res.code == 0 and "2" in res.out
    assert run_cli("--config", config_file, "outbox", "retry").code == 2


def test_a_blocked_chat_is_marked_and_its_messages_held(app: App) -> None:
    _queue(app, RESIDENT, "一", "t:1")
    _queue(app, RESIDENT, "二", "t:2")
    _queue(app, NEIGHBOUR, "三", "t:3")
    sender = Sender(blocked=frozenset({RESIDENT}))
    _drive(app, sender, rounds=4)
    assert sender.tries.count(RESIDENT) == 1  # one 403, then nothing is tried again
    assert sender.sent == [(NEIGHBOUR, "三")]
    _queue(app, RESIDENT, "四", "t:4")  # queued later: held as well
    _drive(app, sender, rounds=2)
    assert sender.tries.count(RESIDENT) == 1
    with app.uow() as uow:
        assert uow.outbox.is_blocked(RESIDENT)
        held = uow.outbox.undelivered()
        assert [(m.chat_id, m.status) for m in held] == [(RESIDENT, "blocked")] * 3
        assert uow.outbox.count_undelivered() == 3


def test_a_message_from_the_blocked_chat_unmarks_it(app: App) -> None:
    staffed(app, Clock(START))
    _queue(app, RESIDENT, "一", "t:1")
    _drive(app, Sender(blocked=frozenset({RESIDENT})), rounds=1)
    with app.uow() as uow:
        assert uow.outbox.is_blocked(RESIDENT)
    Chat(app, RESIDENT).say("你好")
    with app.uow() as uow:
        assert not uow.outbox.is_blocked(RESIDENT)


def test_the_daily_digest_names_what_was_not_delivered(app: App) -> None:
    jobs._APP = staffed(app, Clock(START))
    try:
        _queue(app, RESIDENT, "一", "t:1")
        _drive(app, Sender(blocked=frozenset({RESIDENT})), rounds=1)
        jobs.send_digest(START + timedelta(days=1))
    finally:
        jobs._APP = None
    (digest,) = [r.text for r in queued(app, app.config.community.staff_chat_id)]
    assert "有1条消息没能送达" in digest and "cunshe outbox failed" in digest


def test_erasing_a_resident_erases_their_queued_messages_and_dialogue(app: App) -> None:
    staffed(app, Clock(START))
    me = Chat(app, RESIDENT)
    me.say("/contact 13957700009")
    me.say("我要报修")  # a form half filled …
    me.say("厨房水管漏水了 我是王阿姨")
    _queue(app, RESIDENT, "您的报修已受理，王阿姨", "t:1")  # … and a message still owed
    _queue(app, NEIGHBOUR, "三", "t:3")
    with app.uow() as uow:
        resident = uow.residents.by_user(RESIDENT)
        assert resident is not None and resident.id is not None
        assert uow.conversations.load(RESIDENT) is not None
    from domain.usecases.residents import erase_resident

    erase_resident(app.uow(), resident.id)
    assert queued(app, RESIDENT) == []
    with app.uow() as uow:
        assert uow.conversations.load(RESIDENT) is None
    assert [r.text for r in queued(app, NEIGHBOUR)] == ["三"]  # other chats untouched


def test_erasing_ones_own_data_in_the_chat_drops_what_was_owed(app: App) -> None:
    staffed(app, Clock(START))
    me = Chat(app, RESIDENT)
    me.say("/contact 13957700009")
    _queue(app, RESIDENT, "您的报修已受理，王阿姨", "t:1")
    me.say("菜单")
    me.say("我的信息")
    me.say("删除我的信息")
    out = me.say("确认删除")
    assert "已删除" in out, out
    assert queued(app, RESIDENT) == []
    with app.uow() as uow:
        assert uow.conversations.load(RESIDENT) is None  # nothing of the conversation is kept
