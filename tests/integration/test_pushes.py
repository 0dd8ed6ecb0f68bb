"""Push records, progress counted from the outbox, and subscriptions on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from bot import pushes
from bot.app import App
from bot.events import ChatUnreachable, Reply
from bot.outbox import Dispatcher
from domain.pushes import ALERT, NOTICE, POLICY, Targets
from domain.residents import Address, Resident
from tests.fixtures import id_number

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def add_residents(app: App) -> list[Resident]:
    with app.uow() as uow:
        people = [
            uow.residents.add(Resident("王秀英", "13900000101", Address("E1", "3"),
                                       id_number(date(1948, 5, 1), 1), ["老年人", "独居"],
                                       verified=True, user_id=101, chat_id=101)),
            uow.residents.add(Resident("李强", "13900000102", Address("E2"),
                                       id_number(date(1988, 5, 1), 2), ["租户"],
                                       verified=True, user_id=102, chat_id=102)),
            uow.residents.add(Resident("张伟", "13900000103", Address("E1"),
                                       id_number(date(1950, 5, 1), 3), ["老年人"],
                                       verified=False, user_id=103, chat_id=103)),
        ]
        uow.commit()
    return people


def test_subscriptions_default_on_switch_and_leave_with_the_resident(app: App) -> None:
    wang, li, _ = add_residents(app)
    assert wang.id and li.id
    with app.uow() as uow:
        assert uow.subscriptions.of(wang.id) == {POLICY: True, NOTICE: True, ALERT: True}
        uow.subscriptions.switch(wang.id, POLICY, False, NOW)
        uow.subscriptions.switch(li.id, POLICY, False, NOW)
        uow.subscriptions.switch(li.id, POLICY, True, NOW)
        uow.commit()
    with app.uow() as uow:
        assert uow.subscriptions.of(wang.id)[POLICY] is False
        assert uow.subscriptions.opted_out(POLICY) == {wang.id}
        uow.residents.delete(wang.id)
        uow.commit()
    with app.uow() as uow:
        assert uow.subscriptions.opted_out(POLICY) == set()


def test_audience_by_age_tag_and_estate_from_the_database(app: App) -> None:
    add_residents(app)
    with app.uow() as uow:
        def chats(topic: str, targets: Targets) -> list[int]:
            return sorted(r.chat_id or 0 for r in pushes.audience(uow, topic, targets,
                                                                  today=NOW.date()))

        assert chats(POLICY, Targets()) == [101, 102]  # 103 is not verified
        assert chats(POLICY, Targets(min_age=70)) == [101]
        assert chats(POLICY, Targets(tags=("租户", "独居"))) == [101, 102]
        assert chats(POLICY, Targets(estates=("E2",))) == [102]


def test_a_push_and_its_progress_counted_from_its_outbox_rows(app: App) -> None:
    add_residents(app)
    with app.uow() as uow:
        push_id = pushes.send(app, uow, {"policy": "relief", "targets": {}}, started_by="S01",
                              now=NOW, progress_at=(700000001, 42))
        uow.commit()
    with app.uow() as uow:
        push = uow.pushes.get(push_id)
        assert push is not None and (push.kind, push.topic, push.total) == ("policy", POLICY, 2)
        assert push.created_at == NOW
        assert push.targets == {**Targets().to_dict(), "reach": {  # the place is kept with it
            "level": "community", "name": "lc-wuma-a", "district": "", "communities": 1}}
        assert uow.pushes.progress(push_id).pending == 2
        assert [p.id for p in uow.pushes.watched()] == [push_id]
        assert uow.pushes.by_progress_message(700000001, 42) is not None

    class Sender:
        async def send(self, chat_id: int, reply: Reply, priority: int = 1) -> None:
            if chat_id == 102:
                raise ChatUnreachable("blocked")

    asyncio.run(Dispatcher(app, Sender(), clock=lambda: NOW).deliver_due())
    with app.uow() as uow:
        p = uow.pushes.progress(push_id)
        assert (p.total, p.sent, p.failed, p.blocked, p.done) == (2, 1, 0, 1, True)
        assert pushes.report_progress(uow, NOW) == 1
        uow.commit()
    with app.uow() as uow:
        assert uow.pushes.watched() == []
        (edit,) = [m for m in uow.outbox.due(NOW) if m.chat_id == 700000001]
        assert edit.payload["edit_message_id"] == 42 and edit.push_id is None
        assert edit.payload["text"] == "推送完成：已发送 1/2，失败 1"


def test_one_row_per_recipient_even_when_a_chat_is_listed_twice(app: App) -> None:
    with app.uow() as uow:
        push_id = pushes.start_push(uow, kind="notice", topic=NOTICE, title="停水通知",
                                    messages=[(5, Reply("a")), (6, Reply("b")), (5, Reply("a"))],
                                    started_by=None, now=NOW)
        uow.commit()
    with app.uow() as uow:
        rows = [m for m in uow.outbox.due(NOW, limit=100) if m.push_id == push_id]
        assert sorted(m.key for m in rows) == [f"push:{push_id}:5", f"push:{push_id}:6"]
        assert [p.id for p in uow.pushes.list()] == [push_id]
