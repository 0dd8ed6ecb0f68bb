"""Subscriptions, the staff push flow, audience and start_push over the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import pushes
from bot.app import App
from bot.callbacks import MENU, PUSH, SUBS
from bot.dialogue.engine import DialogueEngine
from bot.events import Inbound, Reply
from bot.outbox import from_payload
from domain.pushes import ALERT, NOTICE, POLICY, Targets
from domain.residents import Address, Resident
from tests.fixtures import id_number
from tests.support.fakes import FakeUnitOfWork, fake_world

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
STAFF_USER = 700000001  # 陈书记 in the shipped config
World = tuple[App, FakeUnitOfWork, DialogueEngine]


@pytest.fixture
def world() -> World:
    return fake_world(NOW)


def resident(uow: FakeUnitOfWork, user: int, *, born: date = date(1950, 3, 1), tags: tuple[str, ...] = (),
             estate: str = "E1", verified: bool = True) -> Resident:
    return uow.residents.add(Resident(f"居民{user}", f"139{user:08d}", Address(estate),
                                      id_number(born, user), list(tags), verified=verified,
                                      user_id=user, chat_id=user))


def text(user: int, words: str) -> Inbound:
    return Inbound(chat_id=user, user_id=user, kind="text", text=words)


def press(user: int, data: str, message_id: int | None = None) -> Inbound:
    return Inbound(chat_id=user, user_id=user, kind="button", data=data, message_id=message_id)


def joined(replies: list[Reply]) -> str:
    return "\n".join(r.text + " " + " ".join(b.text for row in r.buttons for b in row) for r in replies)


def datas(replies: list[Reply]) -> list[str]:
    return [b.data for r in replies for row in r.buttons for b in row]


# --- subscriptions ---------------------------------------------------------------------


def test_a_topic_named_in_the_words_is_switched_off_and_on(world: World) -> None:
    _, uow, engine = world
    r = resident(uow, 11)
    out = joined(engine.handle(text(11, "以后别给我发政策了")))
    assert "不再给您发政策" in out
    assert uow.subscriptions.of(r.id or 0)[POLICY] is False
    out = joined(engine.handle(text(11, "我想收政策")))
    assert "以后有政策会发给您" in out and uow.subscriptions.of(r.id or 0)[POLICY] is True
    engine.handle(text(11, "别发通知了"))
    assert uow.subscriptions.of(r.id or 0) == {POLICY: True, NOTICE: False, ALERT: True}


def test_switching_alerts_off_warns_first_and_keep_keeps_them(world: World) -> None:
    _, uow, engine = world
    r = resident(uow, 12)
    replies = engine.handle(text(12, "不要再发预警了"))
    assert "确定要关闭吗" in joined(replies) and "避灾点" in joined(replies)
    assert uow.subscriptions.of(r.id or 0)[ALERT] is True  # nothing changed yet
    assert SUBS.data("offy", "alert") in datas(replies) and SUBS.data("keep", "alert") in datas(replies)
    assert "继续为您保留" in joined(engine.handle(press(12, SUBS.data("keep", "alert"))))
    assert uow.subscriptions.of(r.id or 0)[ALERT] is True
    engine.handle(text(12, "不要再发预警了"))
    out = joined(engine.handle(press(12, SUBS.data("offy", "alert"))))
    assert "不再给您发预警" in out and uow.subscriptions.of(r.id or 0)[ALERT] is False


def test_no_topic_named_asks_which_with_a_button_each(world: World) -> None:
    _, uow, engine = world
    r = resident(uow, 13)
    replies = engine.handle(text(13, "我要订阅"))
    assert "哪一类" in joined(replies)
    assert [SUBS.data("on", c) for c in ("policy", "notice", "alert")] == datas(replies)[:3]
    assert MENU.data("menu") in datas(replies)  # a way out
    engine.handle(text(13, "取消订阅"))
    engine.handle(press(13, SUBS.data("off", "notice")))
    assert uow.subscriptions.of(r.id or 0)[NOTICE] is False


def test_someone_unknown_is_asked_for_their_phone_first(world: World) -> None:
    _, uow, engine = world
    replies = engine.handle(text(14, "以后别给我发政策了"))
    assert replies[-1].request == "contact"
    assert uow.subscriptions.rows == {}


def test_my_data_shows_the_three_choices_with_toggles(world: World) -> None:
    _, uow, engine = world
    r = resident(uow, 15)
    uow.subscriptions.switch(r.id or 0, NOTICE, False, NOW)
    replies = engine.handle(press(15, MENU.data("me")))
    assert "消息订阅：政策开、通知关、预警开" in joined(replies)
    assert SUBS.data("off", "policy") in datas(replies) and SUBS.data("on", "notice") in datas(replies)
    assert "确定要关闭吗" in joined(engine.handle(press(15, SUBS.data("off", "alert"))))


# --- audience and start_push -----------------------------------------------------------


def test_audience_is_verified_with_a_chat_not_opted_out_and_matching(world: World) -> None:
    _, uow, _ = world
    old = resident(uow, 21, born=date(1950, 1, 1), tags=("老年人",), estate="E2")
    resident(uow, 22, born=date(1990, 1, 1), tags=("租户",))
    resident(uow, 23, verified=False)
    off = resident(uow, 24, born=date(1950, 1, 1), tags=("老年人",), estate="E2")
    uow.subscriptions.switch(off.id or 0, POLICY, False, NOW)
    no_chat = resident(uow, 25)
    no_chat.chat_id = None
    uow.residents.save(no_chat)

    def ids(topic: str, targets: Targets) -> list[int]:
        return sorted(r.user_id or 0 for r in pushes.audience(uow, topic, targets, today=NOW.date()))

    assert ids(POLICY, Targets()) == [21, 22]
    assert ids(NOTICE, Targets()) == [21, 22, 24]
    assert ids(NOTICE, Targets(min_age=60)) == [21, 24]
    assert ids(NOTICE, Targets(tags=("租户",))) == [22]
    assert ids(NOTICE, Targets(estates=("E2",), max_age=80)) == [21, 24]
    assert old.id is not None


def test_start_push_writes_the_record_and_one_bulk_row_per_chat(world: World) -> None:
    _, uow, _ = world
    with uow:
        push_id = pushes.start_push(uow, kind="notice", topic=NOTICE, title="停水",
                                    messages=[(1, Reply("a")), (2, Reply("b")), (1, Reply("a"))],
                                    started_by="S01", now=NOW)
        uow.commit()
    rows = [m for m in uow.outbox.messages if m.push_id == push_id]
    assert sorted(m.key for m in rows) == [f"push:{push_id}:1", f"push:{push_id}:2"]
    push = uow.pushes.get(push_id)
    assert push is not None and push.total == 2 and push.started_by == "S01"
    assert uow.pushes.progress(push_id).pending == 2


def test_progress_edits_the_staff_message_until_done(world: World) -> None:
    _, uow, _ = world
    with uow:
        push_id = pushes.start_push(uow, kind="policy", topic=POLICY, title="临时救助",
                                    messages=[(1, Reply("a")), (2, Reply("b"))], started_by="S01",
                                    now=NOW, progress_at=(-100, 55))
        uow.commit()
    first, second = [m for m in uow.outbox.messages if m.push_id == push_id]
    uow.outbox.sent(first.id or 0, NOW)
    uow.outbox.failed(second.id or 0, "BadRequest", None)
    assert pushes.report_progress(uow, NOW) == 1
    (edit,) = [m for m in uow.outbox.messages if m.chat_id == -100]
    reply = from_payload(edit.payload)
    assert reply.edit_message_id == 55 and reply.text == "推送完成：已发送 1/2，失败 1"
    assert pushes.report_progress(uow, NOW) == 0  # finished: no more edits


# --- the staff push flow ---------------------------------------------------------------


def test_staff_push_policy_targets_confirm_with_count_then_once(world: World) -> None:
    _, uow, engine = world
    resident(uow, 31, tags=("残疾",))
    resident(uow, 32, tags=("残疾",))
    resident(uow, 33)
    replies = engine.handle(text(STAFF_USER, "发推送"))
    assert PUSH.data("pol", "relief") in datas(replies) and PUSH.data("x") in datas(replies)
    replies = engine.handle(press(STAFF_USER, PUSH.data("pol", "relief"), 900))
    assert replies[0].edit and PUSH.data("to", "relief", "t1") in datas(replies)  # 残疾
    replies = engine.handle(press(STAFF_USER, PUSH.data("to", "relief", "t1"), 900))
    assert "共2位居民" in joined(replies) and PUSH.data("ok", "relief", "t1") in datas(replies)
    replies = engine.handle(press(STAFF_USER, PUSH.data("ok", "relief", "t1"), 900))
    assert replies[0].edit and replies[0].text == "推送进行中：已发送 0/2，失败 0"
    (push,) = uow.pushes.list()
    assert (push.kind, push.topic, push.started_by, push.total) == ("policy", POLICY, "S01", 2)
    assert (push.progress_chat_id, push.progress_message_id) == (STAFF_USER, 900)
    assert push.targets["tags"] == ["残疾"]
    sent_to = sorted(m.chat_id for m in uow.outbox.messages if m.push_id == push.id)
    assert sent_to == [31, 32]
    assert "临时救助" in uow.outbox.messages[0].payload["text"]
    again = engine.handle(press(STAFF_USER, PUSH.data("ok", "relief", "t1"), 900))
    assert "不会重复发送" in joined(again) and len(uow.pushes.list()) == 1


def test_staff_push_can_be_cancelled_and_residents_cannot_push(world: World) -> None:
    _, uow, engine = world
    resident(uow, 34)
    engine.handle(text(STAFF_USER, "发推送"))
    out = engine.handle(press(STAFF_USER, PUSH.data("x"), 901))
    assert "已取消" in joined(out) and out[0].edit and uow.pushes.list() == []
    assert "只有社区工作人员" in joined(engine.handle(press(34, PUSH.data("ok", "relief", "all"), 5)))
    assert not [d for d in datas(engine.handle(text(34, "发推送"))) if d.startswith("1:pu:")]
    assert uow.pushes.list() == []
