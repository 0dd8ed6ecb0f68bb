"""Scheduled jobs and the durable outbox, on a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot import jobs
from bot.app import App
from bot.dialogue.turn import reply
from bot.events import Reply
from bot.outbox import Dispatcher, enqueue
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(sqlite_app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    jobs._APP = staffed(sqlite_app, clock)
    yield sqlite_app
    jobs._APP = None


class FlakySender:
    """Fails the first `failures` sends, then records what it delivers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[int, Reply]] = []

    async def send(self, chat_id: int, message: Reply, priority: int = 1) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("network down")
        self.sent.append((chat_id, message))


def test_a_failed_send_stays_in_the_outbox_and_is_retried(bot: App) -> None:
    now = datetime.now(UTC)
    with bot.uow() as uow:
        enqueue(uow, 42, reply("台风蓝色预警"), "alert:1", now)
        enqueue(uow, 42, reply("台风蓝色预警"), "alert:1", now)  # the same key is queued once
        uow.commit()
    sender = FlakySender(failures=1)
    dispatcher = Dispatcher(bot, sender)
    assert asyncio.run(dispatcher.deliver_due()) == 0
    assert len(queued(bot, 42)) == 1  # still owed, with a later retry time
    with bot.uow() as uow:
        assert uow.outbox.due(datetime.now(UTC)) == []  # backing off
        assert len(uow.outbox.due(datetime.now(UTC) + timedelta(minutes=1))) == 1
    with bot.uow() as uow:  # time passes: make it due now
        from sqlalchemy import update

        from storage.models import OutboxRow

        uow.session.execute(update(OutboxRow).values(not_before=now))
        uow.commit()
    assert asyncio.run(dispatcher.deliver_due()) == 1
    assert [(c, r.text) for c, r in sender.sent] == [(42, "台风蓝色预警")]
    assert queued(bot, 42) == []


def test_idle_forms_are_closed_by_the_job_and_the_resident_is_told(bot: App, clock: Clock) -> None:
    chat = Chat(bot, 2001)
    Chat(bot, 2003).say("你好")  # an idle chat without a form is left alone
    chat.say("我要报修")
    clock.advance(minutes=29)
    assert jobs.expire_forms(clock.now) == 0  # not idle long enough yet
    clock.advance(minutes=2)
    closed = jobs.expire_forms(clock.now)
    assert closed == 1
    assert "超过30分钟没有继续" in chat.inbox()
    with bot.uow() as uow:
        assert uow.conversations.load(2001) is None
        assert uow.conversations.load(2003) is not None


def test_daily_digest_counts_what_staff_owe(bot: App, clock: Clock) -> None:
    chat = Chat(bot, 2002)
    chat.say("翠微苑3幢2单元楼道灯坏了")
    chat.say("确认提交")
    jobs.send_digest(clock.now + timedelta(days=5))
    digest = [r.text for r in queued(bot, bot.config.community.staff_chat_id)]
    assert len(digest) == 1
    assert "待受理：1件" in digest[0] and "已超时：1件" in digest[0] and "新登记：0件" in digest[0]


JOB_IDS = {"check_sla", "expire_forms", "daily_digest", "booking_reminders", "booking_quality",
           "close_polls", "push_progress"}


def test_scheduler_registers_jobs_in_the_database(bot: App) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = jobs.start_scheduler(bot, BackgroundScheduler())
    try:
        assert {j.id for j in sched.get_jobs()} == JOB_IDS
        # The booking reminder runs at bookings.reminder_time (18:00), local.
        remind = sched.get_job("booking_reminders").next_run_time  # type: ignore[union-attr]
        assert (remind.astimezone(bot.zone).hour, remind.minute) == (18, 0)
    finally:
        sched.shutdown(wait=False)
    # A restart finds the same jobs in the persistent store instead of losing them.
    from sqlalchemy import text

    with bot.engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("select id from apscheduler_jobs"))}
    assert ids == JOB_IDS
