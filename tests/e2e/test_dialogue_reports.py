"""Report conversations over the terminal channel, on a real SQLite file."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.app import App
from bot.callbacks import PUBLIC, STAFF, STATUS
from domain.reports import Status
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed, wire

GRID1_CHAT = -1002000000011  # 第一网格 (翠微苑, 江滨花园)
GRID1_STAFF = 700000002  # 林晓燕, 网格员 of G1
GRID2_STAFF = 700000003  # 王建华, 网格员 of G2
SECRETARY = 700000001  # 陈书记
NUMBER = re.compile(r"BS-\d{8}-\d{4}")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    """The product on a SQLite file, and on PostgreSQL when CI provides one."""
    yield staffed(app, clock)


def report(chat: Chat, text: str = "翠微苑3幢2单元楼道灯坏了好几天了") -> str:
    """File a report in one sentence and return its number."""
    out = chat.say(text)
    assert "请您核对一下" in out, out
    out = chat.say("确认提交")
    m = NUMBER.search(out)
    assert m, out
    return m.group(0)


def test_one_sentence_fills_every_slot_and_confirms_before_writing(bot: App) -> None:
    chat = Chat(bot, 1001)
    out = chat.say("翠微苑3幢2单元楼道灯坏了好几天了")
    assert "类别：照明" in out and "地点：翠微苑3幢2单元" in out
    with bot.uow() as uow:
        assert uow.reports.list() == []  # nothing is written before the resident confirms
    out = chat.say("确认提交")
    number = NUMBER.search(out).group(0)  # type: ignore[union-attr]
    assert "社区会在" in out and "前受理" in out
    with bot.uow() as uow:
        saved = uow.reports.get(number)
    assert saved is not None and saved.status == Status.PENDING and saved.category == "lighting"
    card = queued(bot, GRID1_CHAT)
    assert len(card) == 1 and number in card[0].text
    assert [b.text for row in card[0].buttons for b in row][:4] == ["受理", "转派", "办结", "不予受理"]


def test_asks_only_for_what_is_missing_one_question_at_a_time(bot: App) -> None:
    chat = Chat(bot, 1002)
    assert "哪里坏了" in chat.say("我要报修")
    out = chat.say("楼道灯不亮了")  # category comes from the sentence; the place is missing
    assert "在哪个小区" in out and "这属于哪一类" not in out
    out = chat.say("火星小区")
    assert "没找到这个小区" in out
    out = chat.say("府前小区5幢")
    assert "地点：府前小区5幢" in out and "类别：照明" in out


def test_category_buttons_when_the_sentence_has_none(bot: App) -> None:
    chat = Chat(bot, 1003)
    out = chat.say("我要反映个问题")
    assert "遇到了什么问题" in out
    out = chat.say("小区门口那个东西一直响")
    assert "这属于哪一类" in out and "[1] 照明" in out
    out = chat.say("噪音扰民")
    assert "在哪个小区" in out


def test_stop_and_menu_work_anywhere(bot: App) -> None:
    chat = Chat(bot, 1004)
    chat.say("我要报修")
    assert "您正在登记报修" in chat.say("菜单")
    assert "已经取消了" in chat.say("算了")
    with bot.uow() as uow:
        assert uow.conversations.load(1004) is None
    assert "已经取消了" not in chat.say("取消")  # nothing open: a calm answer, no error


def test_a_different_intent_mid_form_asks_before_dropping_it(bot: App) -> None:
    chat = Chat(bot, 1005)
    chat.say("我要报修")
    out = chat.say("帮我查一下进度")
    assert "要先放下它" in out
    out = chat.say("不，继续登记")
    assert "我们继续" in out and "哪里坏了" in out
    # One message: the acknowledgement opens the question (every message spends the budget).
    (one,) = chat.replies
    assert one.text.startswith("好的，我们继续。") and "哪里坏了" in one.text
    chat.say("帮我查一下进度")
    out = chat.say("是，去办新的")
    assert "还没有报修" in out


def test_an_old_report_button_pressed_during_another_form_leaves_that_form_alone(bot: App) -> None:
    from bot.callbacks import FORM
    from bot.events import Inbound

    chat = Chat(bot, 1010)
    chat.say("帮我妈约个助浴")  # a booking form is open (its state is not a report's)
    for data in (FORM.data("yes"), FORM.data("cat", "light"), FORM.data("edit", "place")):
        [answer] = bot.dialogue.handle(Inbound(chat_id=1010, user_id=1010, kind="button", data=data))
        assert answer.text.startswith("这一步已经过去了")  # not the system-error apology
    with bot.uow() as uow:
        assert uow.reports.list() == []


def test_restart_in_the_middle_of_a_form_resumes_at_the_same_step(bot: App, clock: Clock) -> None:
    chat = Chat(bot, 1006)
    chat.say("我要报修")
    chat.say("楼道灯不亮了")
    # A new engine on the same database is what a restarted process has.
    restarted = App(bot.config)
    wire(restarted, clock)
    again = Chat(restarted, 1006)
    out = again.say("翠微苑2幢")
    assert "请您核对一下" in out and "内容：楼道灯不亮了" in out
    restarted.close()


def test_idle_form_expires_with_a_message(bot: App, clock: Clock) -> None:
    chat = Chat(bot, 1007)
    chat.say("我要报修")
    clock.advance(minutes=31)
    out = chat.say("楼道灯不亮了")
    assert "超过30分钟没有继续" in out
    assert "请您核对一下" not in out


def test_staff_accept_and_resolve_resident_told_and_rates(bot: App) -> None:
    resident = Chat(bot, 1010)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    card = staff.inbox()
    assert number in card and "待受理" in card
    out = staff.say("受理")
    assert "已受理" in out and "（更新）" in out
    assert "社区已受理" in resident.inbox()
    assert "办了什么" in staff.say("办结")
    assert "要让居民看到" in staff.say("换了新灯泡")
    out = staff.say("发给居民")
    assert "已办结" in out
    told = resident.inbox()
    assert "已办结" in told and "办理情况：换了新灯泡" in told and "5分" in told
    assert "谢谢您的评价（5分）" in resident.say("5分")
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None and r.rating == 5 and [c.status for c in r.history] == [
        Status.PENDING, Status.ACCEPTED, Status.RESOLVED]
    assert "评价：5分" in staff.inbox()


def test_reject_needs_a_reason_which_the_resident_reads(bot: App) -> None:
    resident = Chat(bot, 1011)
    report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    assert "请回复不予受理的原因" in staff.say("不予受理")
    assert "要让居民看到" in staff.say("这是物业公司的责任，请联系物业")
    out = staff.say("发给居民")
    assert "不予受理" in out
    assert "原因：这是物业公司的责任" in resident.inbox()


def test_only_staff_of_the_grid_may_act_and_stale_buttons_say_so(bot: App) -> None:
    resident = Chat(bot, 1012)
    number = report(resident)
    from bot.events import Inbound

    # a forged staff button from a resident's chat

    forged = Inbound(chat_id=1013, user_id=1013, kind="button", data=STAFF.data("acc", number))
    replies = bot.dialogue.handle(forged)
    assert any("只有负责这个网格" in r.notice for r in replies)
    other_grid = bot.dialogue.handle(Inbound(chat_id=GRID2_STAFF, user_id=GRID2_STAFF,
                                             kind="button", data=STAFF.data("acc", number)))
    assert any("只有负责这个网格" in r.notice for r in other_grid)
    with bot.uow() as uow:  # neither forged press changed the report
        assert [c.status for c in uow.reports.get(number).history] == [Status.PENDING]  # type: ignore[union-attr]
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("受理")
    again = bot.dialogue.handle(Inbound(chat_id=GRID1_CHAT, user_id=GRID1_STAFF, kind="button",
                                        data=STAFF.data("acc", number)))
    assert any("林晓燕已经把这件事改成“已受理”" in r.notice for r in again)
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.ACCEPTED  # type: ignore[union-attr]


def test_contact_is_masked_until_viewed_and_every_view_is_logged(bot: App) -> None:
    from domain.usecases.residents import import_roster

    import_roster(bot.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "小区": "翠微苑", "幢": "3",
                               "单元": "2", "室": "302", "标签": "老年人"}],
                  bot.estate_lookup(), set(bot.config.resident_tags))
    resident = Chat(bot, 1014)
    assert "已核实您是翠微苑的居民" in resident.say("/contact 13812345678")
    out = resident.say("楼道灯不亮了")  # place pre-filled from the roster
    assert "地点：翠微苑3幢2单元302室" in out
    number = NUMBER.search(resident.say("确认提交")).group(0)  # type: ignore[union-attr]
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    card = staff.inbox()
    assert "138****5678" in card and "13812345678" not in card and "张阿姨" not in card
    assert "张阿姨 13812345678" in staff.say("查看联系方式")
    with bot.uow() as uow:
        assert [(a, act) for a, act, _ in uow.audit.entries(number)] == [("S02", "view_contact")]


def test_status_shows_own_reports_only_also_by_number_or_forged_button(bot: App) -> None:
    owner = Chat(bot, 1015)
    number = report(owner)
    assert number in owner.say("查进度")
    assert "内容：" in owner.say(number)
    stranger = Chat(bot, 1016)
    assert "还没有报修" in stranger.say("查进度")
    out = stranger.say(number)
    assert "没有找到" in out and "楼道灯" not in out
    from bot.events import Inbound

    replies = bot.dialogue.handle(Inbound(chat_id=1016, user_id=1016, kind="button", data=STATUS.data("show", number)))
    shown = "\n".join(r.text for r in replies)
    assert "没有找到" in shown and "楼道灯" not in shown
    rate = bot.dialogue.handle(Inbound(chat_id=1016, user_id=1016, kind="button", data=STATUS.data("rate", number, 1)))
    assert any("没有找到" in r.text for r in rate)
    with bot.uow() as uow:  # the stranger's forged rating was not recorded
        assert uow.reports.get(number).rating is None  # type: ignore[union-attr]


def test_duplicate_hint_offers_to_follow_the_open_one(bot: App) -> None:
    first = Chat(bot, 1017)
    number = report(first)
    second = Chat(bot, 1018)
    out = second.say("翠微苑3幢楼道的灯坏了")
    assert "是同一件事吗" in out
    assert "已帮您关注" in second.say("是同一件，帮我关注进度")
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("受理")
    assert number in second.inbox()  # the follower hears of the change too
    with bot.uow() as uow:
        assert len(uow.reports.list()) == 1


def test_reopen_within_seven_days_goes_back_to_staff(bot: App, clock: Clock) -> None:
    resident = Chat(bot, 1019)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("办结")
    assert "已办结" in staff.say("跳过")
    resident.inbox()
    clock.advance(days=2)
    assert "哪里还没解决" in resident.say("问题没解决，重新打开")
    assert "已重新打开" in resident.say("灯还是不亮")
    assert number in staff.inbox()
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.PENDING  # type: ignore[union-attr]


def test_overdue_reports_remind_then_escalate_to_the_secretary(bot: App, clock: Clock) -> None:
    from domain.usecases.handling import check_overdue

    number = report(Chat(bot, 1020))
    clock.advance(hours=5)  # Monday 10:00 + 4 working hours = 14:00
    raised = check_overdue(bot.uow(), bot.report_rules, clock.now)
    assert [(e.number, e.stage, e.escalate) for e in raised] == [(number, "accept", False)]
    assert any("超过受理时限" in r.text for r in queued(bot, GRID1_CHAT))
    assert check_overdue(bot.uow(), bot.report_rules, clock.now) == []  # reminded once
    clock.advance(days=1)
    raised = check_overdue(bot.uow(), bot.report_rules, clock.now)
    assert [e.escalate for e in raised] == [True]
    assert any("督办" in r.text for r in queued(bot, SECRETARY))


def test_public_list_shows_status_and_no_personal_data(bot: App) -> None:
    report(Chat(bot, 1021))
    neighbour = Chat(bot, 1022)
    out = neighbour.say("看看小区公开栏")
    assert "公开栏" in out
    out = neighbour.say("你说我做")  # the 公开之栏's button to the reports list
    assert "翠微苑" in out
    listing = neighbour.say("翠微苑")  # presses the estate's button
    assert "照明（3幢）" in listing and "待受理" in listing
    assert "楼道灯坏了好几天" not in listing and "2单元" not in listing
    from bot.events import Inbound

    replies = bot.dialogue.handle(Inbound(chat_id=1022, user_id=1022, kind="button", data=PUBLIC.data("estate", "E1")))
    text = "\n".join(r.text for r in replies)
    assert "照明（3幢）" in text and "待受理" in text
    assert "楼道灯坏了好几天" not in text and "2单元" not in text


def test_suggestion_needs_no_place(bot: App) -> None:
    chat = Chat(bot, 1023)
    out = chat.say("我有个建议")
    assert "说说您的建议" in out
    out = chat.say("小区里能不能多装几个休息的长椅")
    assert "请您核对一下" in out and "类别：建议" in out and "地点：全社区" in out and "改类别" not in out
    assert "已收到您的建议" in chat.say("确认提交")


def test_staff_todo_lists_their_grids_open_reports_most_urgent_first(bot: App, clock: Clock) -> None:
    first = report(Chat(bot, 1030))
    clock.advance(minutes=10)
    other_grid = report(Chat(bot, 1031), "府前小区2幢下水道堵了")
    clock.advance(minutes=10)
    second = report(Chat(bot, 1032), "江滨花园1幢电梯坏了")
    staff = Chat(bot, GRID1_STAFF)  # her private chat with the bot
    out = staff.say("待办")
    assert "待办（2件" in out and other_grid not in out
    assert out.index(first) < out.index(second)
    card = staff.say(second)  # the button labelled with the number
    assert "【报事报修】" + second in card and "[1] 受理" in card
    resident = Chat(bot, 1033)
    assert "待办（" not in resident.say("待办")


def test_staff_typing_a_number_get_its_card(bot: App) -> None:
    number = report(Chat(bot, 1034))
    assert "[1] 受理" in Chat(bot, GRID1_STAFF).say(number)
    assert "没有找到" in Chat(bot, GRID2_STAFF).say(number)  # another grid's: not theirs


def test_a_shared_location_is_acknowledged_in_the_next_question_not_a_message_of_its_own(bot: App) -> None:
    chat = Chat(bot, 1021)
    chat.say("我要报修")
    out = chat.say("/location 28.0251 120.6588")
    assert "位置收到了" in out
    # One message: "位置收到了。" opens the next question (every message spends the budget).
    first, *_ = chat.replies
    assert first.text.startswith("位置收到了。\n") and len(first.text) > len("位置收到了。\n")


def test_an_old_keep_going_button_pressed_while_another_form_is_open_is_no_error(bot: App) -> None:
    from bot.events import Inbound

    chat = Chat(bot, 1022)
    chat.say("我要报修")
    assert "要先放下它" in chat.say("我想预约上门助浴")
    keep_going = next(b for row in chat.replies[-1].buttons for b in row if b.text == "不，继续登记")
    assert "助浴" in chat.say("是，去办新的")  # the booking form is open now
    replies = bot.dialogue.handle(Inbound(chat_id=1022, user_id=1022, kind="button",
                                          data=keep_going.data, message_id=1))
    assert [r.text for r in replies] == ["好的，我们继续。"]


def test_a_goodbye_gets_a_goodbye_not_a_puzzled_answer(bot: App) -> None:
    chat = Chat(bot, 1099)
    assert "再见" in chat.say("再见") and "没听明白" not in chat.text
    assert "不客气" in chat.say("谢谢啊")
    assert "没听明白" not in chat.say("好的，没事了")
