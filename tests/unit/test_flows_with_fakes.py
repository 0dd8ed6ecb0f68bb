"""Dialogue flows over the in-memory unit of work: fast, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.callbacks import FORM, MENU, MY_DATA, STAFF
from bot.config import load_config
from bot.dialogue.engine import DialogueEngine
from bot.events import Inbound, Reply
from domain.reports import Status
from domain.residents import Address, Resident
from tests.fixtures import SHIPPED_CONFIG, one_community
from tests.support.chat import shared_parser
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
def world() -> tuple[App, FakeUnitOfWork, DialogueEngine]:
    app = App(one_community(load_config(SHIPPED_CONFIG, environ=False)))
    uow = FakeUnitOfWork()
    uow.on_event = app.notifier.handle
    app.uow_factory = lambda: uow
    app.__dict__["parser"] = shared_parser()
    for s in app.declared_staff():
        uow.staff.save(s)
    return app, uow, DialogueEngine(app, clock=lambda: NOW)


def text(user: int, words: str) -> Inbound:
    return Inbound(chat_id=user, user_id=user, kind="text", text=words)


def press(user: int, data: str, chat: int | None = None) -> Inbound:
    return Inbound(chat_id=chat if chat is not None else user, user_id=user, kind="button", data=data)


def joined(replies: list[Reply]) -> str:
    """Texts and button labels, as a person sees them."""
    return "\n".join(r.text + " " + " ".join(b.text for row in r.buttons for b in row) for r in replies)


def test_roster_address_is_prefilled_and_can_be_changed(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    uow.residents.add(Resident("李伯", "13900001111", Address("E4", "7", "1", "101"), verified=True,
                               user_id=77, chat_id=77))
    out = joined(engine.handle(text(77, "楼下的下水道堵了")))
    assert "地点：南塘新村7幢1单元101室" in out and "类别：排水" in out
    out = joined(engine.handle(press(77, FORM.data("edit", "place"))))
    assert "在哪个小区" in out
    out = joined(engine.handle(press(77, FORM.data("est", "E5"))))
    assert "地点：松台家园" in out and "7幢" not in out
    engine.handle(press(77, FORM.data("yes")))
    (report,) = uow.reports.list()
    assert report.address.estate == "E5" and report.resident_id == 1 and report.grid == "G4"


def test_photos_attach_to_the_open_report(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    engine.handle(text(78, "翠微苑2幢路灯坏了"))
    out = joined(engine.handle(Inbound(chat_id=78, user_id=78, kind="photo", photo_id="file-1")))
    assert "照片收到了（共1张）" in out and "照片：1张" in out
    engine.handle(press(78, FORM.data("yes")))
    assert uow.reports.list()[0].photos == ["file-1"]


def test_a_shared_location_answers_the_place_question(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    engine.handle(text(79, "路边的井盖松了很危险"))
    out = joined(engine.handle(press(79, FORM.data("loc"))))
    replies = engine.handle(Inbound(chat_id=79, user_id=79, kind="location", latitude=28.0139, longitude=120.6441))
    assert "位置 28.01390, 120.64410" in joined(replies)
    assert "发送位置" in out
    engine.handle(press(79, FORM.data("yes")))
    report = uow.reports.list()[0]
    assert (report.latitude, report.longitude) == (28.0139, 120.6441)


def test_a_stale_form_button_does_not_write_anything(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    out = joined(engine.handle(press(80, FORM.data("yes"))))
    assert "这一步已经过去了" in out
    assert uow.reports.list() == []


def test_staff_group_chatter_is_ignored(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, _, engine = world
    assert engine.handle(Inbound(chat_id=-1002000000011, user_id=700000002, kind="text", text="大家好")) == []


def test_reassign_moves_the_card_to_the_new_grid(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    engine.handle(text(81, "翠微苑3幢楼道灯坏了"))
    engine.handle(press(81, FORM.data("yes")))
    number = uow.reports.list()[0].number
    out = joined(engine.handle(press(700000002, STAFF.data("asg", number), chat=-1002000000011)))
    assert "转派给谁" in out and "王建华" in out
    engine.handle(press(700000002, STAFF.data("to", number, "S03"), chat=-1002000000011))
    report = uow.reports.get(number)
    assert report is not None and report.assignee == "S03" and report.grid == "G2"
    cards = [m for m in uow.outbox.messages if m.chat_id == -1002000000012]
    assert cards and number in cards[0].payload["text"]
    assert report.status == Status.PENDING


def test_my_data_can_be_seen_and_erased(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    uow.residents.add(Resident("王阿姨", "13700002222", Address("E2", "1"), tags=["独居"], verified=True,
                               user_id=82, chat_id=82))
    out = joined(engine.handle(press(82, MENU.data("me"))))
    assert "王阿姨" in out and "137****2222" in out and "独居" in out
    assert "确定要删除" in joined(engine.handle(press(82, MY_DATA.data("erase"))))
    assert "已删除" in joined(engine.handle(press(82, MY_DATA.data("erase_yes"))))
    assert uow.residents.by_user(82) is None


def test_unbound_user_is_asked_for_contact_after_filing(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, _, engine = world
    engine.handle(text(83, "江滨花园5幢电梯坏了"))
    replies = engine.handle(press(83, FORM.data("yes")))
    assert any(r.request == "contact" for r in replies)


def test_config_staff_take_over_a_chat_user_added_by_hand() -> None:
    from domain.staff import Staff
    from domain.usecases.staff import sync_staff

    uow = FakeUnitOfWork()
    uow.staff.save(Staff("X1", "临时工作人员", "社工", user_id=700000002))
    sync_staff(uow, [Staff("S02", "林晓燕", "网格员", 700000002, ["G1"])])
    by_user = uow.staff.by_user(700000002)
    old = uow.staff.get("X1")
    assert by_user is not None and by_user.code == "S02"
    assert old is not None and old.user_id is None


def test_a_photo_with_a_caption_starts_a_report(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    replies = engine.handle(Inbound(chat_id=84, user_id=84, kind="photo", photo_id="file-9",
                                    text="翠微苑5幢门口井盖松了"))
    out = joined(replies)
    assert "照片收到了" in out and "请您核对一下" in out and "照片：1张" in out
    engine.handle(press(84, FORM.data("yes")))
    (report,) = uow.reports.list()
    assert report.photos == ["file-9"] and report.address.building == "5"


def test_the_repair_button_opens_a_repair(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, _, engine = world
    assert "哪里坏了" in joined(engine.handle(press(85, MENU.data("report"))))
    assert "说说您的建议" in joined(engine.handle(press(86, MENU.data("suggest"))))


def test_unknown_phone_asks_staff_to_verify_by_hand(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    app, uow, engine = world
    out = joined(engine.handle(Inbound(chat_id=87, user_id=87, kind="contact", phone="13600003333",
                                       contact_user_id=87, display_name="赵先生")))
    assert "核实后会告诉您" in out
    staff_chat = app.config.community.staff_chat_id
    (card,) = [m for m in uow.outbox.messages if m.chat_id == staff_chat]
    assert "136****3333" in card.payload["text"] and "13600003333" not in card.payload["text"]
    data = card.payload["buttons"][0][0][1]
    # A resident cannot press it; the 书记 can.
    assert any("只有负责" in r.notice for r in engine.handle(press(88, data, chat=staff_chat)))
    replies = engine.handle(press(700000001, data, chat=staff_chat))
    assert any("已核实" in r.text and r.edit for r in replies)
    resident = uow.residents.by_user(87)
    assert resident is not None and resident.verified
    assert any(m.chat_id == 87 and "核实了您的身份" in m.payload["text"] for m in uow.outbox.messages)


def test_no_at_the_summary_offers_fixes_instead_of_dropping_everything(
        world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    engine.handle(text(89, "翠微苑3幢楼道灯坏了"))
    out = joined(engine.handle(text(89, "不对")))
    assert "要改哪里" in out and "改地点" in out
    out = joined(engine.handle(text(89, "是望江小区3幢")))
    assert "地点：望江小区3幢" in out
    engine.handle(press(89, FORM.data("yes")))
    assert uow.reports.list()[0].address.estate == "E7"


def test_forged_form_buttons_are_ignored(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    engine.handle(text(90, "我要报修"))
    engine.handle(press(90, FORM.data("yes")))  # not at the summary yet: nothing is written
    assert uow.reports.list() == []
    engine.handle(text(90, "路灯不亮了"))
    out = joined(engine.handle(press(90, FORM.data("est", "NOPE"))))
    assert "在哪个小区" in out


def test_a_named_policy_is_answered_alone(world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, _, engine = world
    out = joined(engine.handle(text(91, "高龄津贴怎么领")))
    assert "【高龄津贴】\n去哪里办：满80周岁当月起" in out and "临时救助" not in out
    out = joined(engine.handle(text(92, "有哪些惠民政策")))
    assert "临时救助" in out and "高龄津贴" in out


def test_a_reason_prompt_saved_by_the_old_version_is_not_taken_as_the_reason(
        world: tuple[App, FakeUnitOfWork, DialogueEngine]) -> None:
    _, uow, engine = world
    engine.handle(text(92, "翠微苑3幢楼道灯坏了"))
    engine.handle(press(92, FORM.data("yes")))
    number = uow.reports.list()[0].number
    uow.conversations.store(-1002000000011, {"staff_pending": {"700000002": {
        "action": "rej", "number": number}}}, NOW)
    replies = engine.handle(Inbound(chat_id=-1002000000011, user_id=700000002, kind="text", text="取消"))
    assert replies == []  # taken as group chatter: the bot stays quiet, and nothing is rejected
    assert uow.reports.get(number).status == Status.PENDING  # type: ignore[union-attr]
