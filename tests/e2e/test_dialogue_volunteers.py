"""Volunteers over the terminal channel: sign up in residents' words, take and leave a task,
求助 → staff card → task, attendance and hours, and presses by the wrong people refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import texts
from bot.app import App
from bot.callbacks import MENU, VOLUNTEER, decode
from bot.events import Inbound, Reply
from domain.residents import Address, Resident
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed

G1_CHAT, G2_CHAT = -1002000000011, -1002000000012
GRID1_STAFF, GRID2_STAFF = 700000002, 700000003
ANNA, BO, OLD_WANG, NEWCOMER = 1001, 1002, 1003, 1004


@pytest.fixture
def bot(app: App) -> Iterator[App]:  # noqa: F811
    clock = Clock()
    staffed(app, clock)
    app.__dict__["test_clock"] = clock
    with app.uow() as uow:
        for uid, name, phone, room in ((ANNA, "陈安娜", "13805770001", "101"),
                                       (BO, "李波", "13805770002", "102"),
                                       (OLD_WANG, "王秀英", "13805770003", "302")):
            uow.residents.add(Resident(name=name, phone=phone, address=Address("E1", "3", "2", room),
                                       verified=True, user_id=uid, chat_id=uid))
        uow.commit()
    yield app


def press(bot: App, user: int, data: str, chat: int) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat, user_id=user, kind="button", data=data))


def say_as(bot: App, user: int, text: str, chat: int) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat, user_id=user, kind="text", text=text))


def button(replies: list[Reply], action: str) -> str:
    """The data of the first button of an action in these replies."""
    for r in replies:
        for row in r.buttons:
            for b in row:
                cb = decode(b.data)
                if cb is not None and cb.ns == VOLUNTEER.name and cb.action == action:
                    return b.data
    raise AssertionError(f"no {action} button in {[r.text for r in replies]}")


def tap(chat: Chat, data: str) -> str:
    """Press a button of an earlier message (the menu's 我的信息) and return what was printed."""
    start = len(chat.text)
    for r in chat.app.dialogue.handle(Inbound(chat_id=chat.chat_id, user_id=chat.chat_id,
                                              kind="button", data=data)):
        chat.channel.show(r)
    return chat.text[start:]


def sign_up(bot: App, user: int) -> Chat:
    chat = Chat(bot, user)
    out = chat.say("我想当志愿者")
    assert "您会做哪些事" in out, out
    out = chat.say("陪老人聊天 还能帮忙买菜")
    assert "已选：陪伴老人、代买代办" in out, out
    out = chat.say("好了")
    assert "什么时候有空" in out, out
    out = chat.say("礼拜六礼拜天上午有空")
    assert "已选：周末上午" in out, out
    with bot.uow() as uow:
        assert uow.volunteers.active() == [] or user not in [v.user_id for v in uow.volunteers.active()]
    out = chat.say("好了")
    assert "报名好了" in out and "会做：陪伴老人、代买代办" in out and "有空：周末上午" in out, out
    return chat


def test_a_resident_signs_up_in_their_own_words_sees_it_and_stops(bot: App) -> None:
    chat = sign_up(bot, ANNA)
    with bot.uow() as uow:
        [v] = uow.volunteers.active()
        assert (v.user_id, v.skills, v.times) == (ANNA, ["陪伴老人", "代买代办"], ["wem"])
    out = tap(chat, MENU.data("me"))  # 我的信息
    assert "您是社区志愿者" in out and "累计服务0小时（本月0小时）" in out, out
    out = chat.say(texts.VOL_EDIT_BUTTON)
    out = chat.say("还会修东西")
    assert "已选：陪伴老人、代买代办、维修" in out, out
    out = chat.say("我还会理发")
    assert "已选：陪伴老人、代买代办、维修、理发" in out, out
    chat.say("好了")
    out = chat.say("平时晚上也行")
    assert "已选：周末上午、工作日晚上" in out, out
    chat.say("好了")
    with bot.uow() as uow:
        [v] = uow.volunteers.active()
        assert v.skills == ["陪伴老人", "代买代办", "维修", "理发"] and v.times == ["wem", "wde"]
    tap(chat, MENU.data("me"))
    chat.say(texts.VOL_STOP_BUTTON)
    out = chat.say(texts.VOL_STOP_YES)
    assert "不再给您发志愿任务" in out, out
    with bot.uow() as uow:
        assert uow.volunteers.active() == []


def test_someone_not_bound_is_asked_for_their_phone_first(bot: App) -> None:
    chat = Chat(bot, NEWCOMER)
    out = chat.say("我想当志愿者")
    assert texts.VOL_NEED_PHONE in out and "/contact" in out, out
    with bot.uow() as uow:
        assert uow.volunteers.active() == []


def test_help_asked_before_the_phone_is_known_goes_on_once_it_is_shared(bot: App) -> None:
    chat = Chat(bot, NEWCOMER)
    assert texts.VOL_HELP_NEED_PHONE in chat.say("我想找人帮我买个菜")
    assert texts.CONTACT_STILL_NEEDED in chat.say("买两斤鸡蛋")
    out = chat.say("/contact 13805770099")
    assert "您需要：我想找人帮我买个菜，买两斤鸡蛋" in out, out  # nothing said is lost
    assert "已经告诉社区工作人员了" in chat.say("对")
    [card] = [m for m in queued(bot, -1002000000001) if "【求助】" in m.text]  # no address: the staff chat
    assert "买两斤鸡蛋" in card.text and "13805770099" not in card.text


def test_staff_post_a_task_first_come_the_second_is_told_kindly_and_a_withdrawal_reopens(bot: App) -> None:
    anna, bo = sign_up(bot, ANNA), sign_up(bot, BO)
    replies = say_as(bot, GRID1_STAFF, "志愿任务 陪独居老人聊天 2026-12-05 09:00 2小时 1人 陪伴老人 翠微苑",
                     G1_CHAT)
    assert "请确认" in replies[0].text and "12月5日（周六）上午9:00" in replies[0].text, replies
    assert queued(bot, ANNA) == []  # nothing is offered before 发布
    replies = press(bot, GRID1_STAFF, button(replies, "pub"), G1_CHAT)
    assert "已发给2位合适的志愿者" in replies[0].text, replies
    offer = anna.inbox()
    assert "【志愿任务】陪独居老人聊天" in offer and "我来" in offer, offer
    bo.inbox()
    out = anna.say(texts.VOL_TAKE_BUTTON)
    assert "这个任务由您来" in out, out
    out = bo.say(texts.VOL_TAKE_BUTTON)
    assert texts.VOL_FULL in out, out
    out = anna.say(texts.VOL_WITHDRAW_BUTTON.format(n=""))
    assert "已经帮您退出" in out, out
    out = bo.say(texts.VOL_TAKE_BUTTON)
    assert "这个任务由您来" in out, out


def test_help_request_goes_to_the_grid_staff_and_becomes_a_task(bot: App) -> None:
    anna = sign_up(bot, ANNA)
    wang = Chat(bot, OLD_WANG)
    out = wang.say("我想找人帮我买个菜")
    assert "您需要：我想找人帮我买个菜" in out, out
    with bot.uow() as uow:
        assert uow.volunteers.get_help(1) is None  # nothing written before the resident says so
    out = wang.say("对")
    assert "已经告诉社区工作人员了" in out, out
    [card] = queued(bot, G1_CHAT)
    assert "【求助】" in card.text and "王秀英" in card.text and "翠微苑3幢2单元302室" in card.text
    assert "13805770003" not in card.text  # the phone masked, as on report cards
    to_task = button([card], "h2t")
    # Another grid's staff, a resident, and forged data are refused.
    assert press(bot, GRID2_STAFF, to_task, G2_CHAT)[0].notice == texts.STAFF_NOT_ALLOWED
    assert press(bot, BO, to_task, G1_CHAT)[0].notice == texts.STAFF_NOT_ALLOWED
    forged = press(bot, GRID1_STAFF, VOLUNTEER.data("h2t", 999), G1_CHAT)
    assert "没有找到" in (forged[0].notice or forged[0].text)
    replies = press(bot, GRID1_STAFF, to_task, G1_CHAT)
    assert texts.VOL_DRAFT_ASK_WHEN in replies[0].text
    replies = say_as(bot, GRID1_STAFF, "12月5日上午9点 2小时 1人", G1_CHAT)
    assert "帮居民：我想找人帮我买个菜" in replies[0].text, replies
    assert press(bot, GRID2_STAFF, button(replies, "pub"), G2_CHAT)[0].notice == texts.STALE_BUTTON
    press(bot, GRID1_STAFF, button(replies, "pub"), G1_CHAT)
    offer = anna.inbox()
    assert "帮居民：我想找人帮我买个菜" in offer
    assert "王秀英" not in offer and "302" not in offer, offer  # volunteers see who only once taken
    assert "安排志愿者" in wang.inbox()
    out = anna.say(texts.VOL_TAKE_BUTTON)
    assert "要帮助的居民：王秀英，住翠微苑3幢2单元302室" in out, out
    assert "13805770003" not in out


def test_staff_mark_attendance_and_the_volunteer_sees_their_hours(bot: App) -> None:
    anna = sign_up(bot, ANNA)
    replies = say_as(bot, GRID1_STAFF, "志愿任务 小区巡逻 2026-12-05 09:00 2小时 2人", G1_CHAT)
    posted = press(bot, GRID1_STAFF, button(replies, "pub"), G1_CHAT)
    anna.inbox()
    anna.say(texts.VOL_TAKE_BUTTON)
    roll = press(bot, GRID1_STAFF, button(posted, "roll"), G1_CHAT)
    assert "陈安娜：未登记" in roll[0].text, roll
    early = press(bot, GRID1_STAFF, button(roll, "att"), G1_CHAT)
    assert early[0].notice == texts.VOL_TOO_EARLY
    assert press(bot, GRID2_STAFF, button(roll, "att"), G2_CHAT)[0].notice == texts.STAFF_NOT_ALLOWED
    bot.__dict__["test_clock"].advance(days=5, hours=2)  # Saturday 11:00: the task is done
    marked = press(bot, GRID1_STAFF, button(roll, "att"), G1_CHAT)
    assert "陈安娜：到了" in marked[0].text and marked[0].edit, marked
    out = tap(anna, MENU.data("me"))
    assert "累计服务2小时（本月2小时）" in out, out


def test_an_emergency_or_a_repair_typed_mid_sign_up_is_not_taken_for_a_skill(bot: App) -> None:
    chat = Chat(bot, ANNA)
    chat.say("我想当志愿者")
    out = chat.say("楼下着火了好大的烟")
    assert "119" in out, out
    chat.say("取消")
    chat.say("我想当志愿者")
    out = chat.say("我家厨房水管漏水了")
    assert "您会做哪些事" not in out, out
    with bot.uow() as uow:
        assert uow.volunteers.active() == []


def test_help_asked_without_saying_what_is_asked_for(bot: App) -> None:
    wang = Chat(bot, OLD_WANG)
    out = wang.say("我要求助")
    assert texts.VOL_HELP_ASK in out, out
    out = wang.say("腿脚不便想找人陪我去医院")
    assert "您需要：腿脚不便想找人陪我去医院" in out, out
    out = wang.say("不用了")
    assert texts.VOL_HELP_CANCELLED in out, out
    assert queued(bot, G1_CHAT) == []


def test_staff_can_drop_a_draft_and_then_nothing_is_published(bot: App) -> None:
    sign_up(bot, ANNA)
    replies = say_as(bot, GRID1_STAFF, "志愿任务 陪老人散步 2小时", G1_CHAT)
    assert "还差：时间（几月几日几点）、人数（几人）" in replies[0].text, replies
    assert texts.VOL_DRAFT_CANCELLED in say_as(bot, GRID1_STAFF, "算了", G1_CHAT)[0].text
    assert say_as(bot, GRID1_STAFF, "2026-12-05 09:00 2人", G1_CHAT) == []  # the group is not answered
    with bot.uow() as uow:
        assert uow.volunteers.tasks() == []
    assert queued(bot, ANNA) == []


def test_another_request_while_help_waits_for_the_phone_is_answered_not_swallowed(bot: App) -> None:
    chat = Chat(bot, NEWCOMER)
    assert texts.VOL_HELP_NEED_PHONE in chat.say("我想找人帮我买个菜")
    out = chat.say("我家楼上漏水了")
    assert texts.CONTACT_STILL_NEEDED not in out and "小区" in out, out  # the report is taken up
