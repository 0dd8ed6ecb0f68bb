"""Emergencies first, no dead ends, useful shelters: residents' words over the terminal channel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.callbacks import MENU
from bot.config import load_config
from bot.events import Inbound
from domain.usecases.residents import import_roster
from tests.fixtures import (  # noqa: F401
    _migrated,
    app,
    app_config,
    clean_env,
    config_file,
    database_url,
    make_config_file,
)
from tests.support.chat import Chat, Clock, queued, staffed

GRID1_CHAT = -1002000000011  # 第一网格 (翠微苑, 江滨花园)
STAFF_CHAT = -1002000000001  # the community's staff chat
SECRETARY = 700000001  # 陈书记
NUMBER = re.compile(r"BS-\d{8}-\d{4}")
# Saturday 2026-12-05 22:00 in Shanghai: the office is closed, an emergency is not.
SATURDAY_NIGHT = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(SATURDAY_NIGHT)


@pytest.fixture
def bot(app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    yield staffed(app, clock)


def roster(bot: App, estate: str = "翠微苑", building: str = "3") -> None:
    """One resident on the roster: 张阿姨 of 翠微苑3幢2单元302室, phone 13812345678."""
    import_roster(bot.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "小区": estate, "幢": building,
                               "单元": "2", "室": "302", "标签": "老年人"}],
                  bot.estate_lookup(), set(bot.config.resident_tags))


# --- emergencies first ----------------------------------------------------------------------

def test_gas_smell_gets_advice_and_number_first_then_an_urgent_report(bot: App, clock: Clock) -> None:
    chat = Chat(bot, 3001)
    chat.say("楼道里好大一股煤气味 快来人啊")
    first = chat.replies[0].text
    assert "别开关电器" in first and "燃气抢修 96777" in first
    assert len(first.splitlines()) == 2  # two short lines, before any question
    assert "在哪个小区" in chat.replies[-1].text  # then the form goes on for the place
    out = chat.say("翠微苑5幢")
    assert "请您核对一下" in out and "类别：安全隐患" in out
    out = chat.say("确认提交")
    number = NUMBER.search(out).group(0)  # type: ignore[union-attr]
    assert "紧急" in out and "今天晚上10:30前" in out
    with bot.uow() as uow:
        saved = uow.reports.get(number)
    assert saved is not None and saved.urgent
    # 30 real minutes on a Saturday night, not 4 office hours from Monday morning.
    assert saved.accept_due == clock.now + timedelta(minutes=30)
    [card] = queued(bot, GRID1_CHAT)
    assert card.text.startswith("【紧急】") and number in card.text
    [told] = queued(bot, SECRETARY)  # the 书记 hears at once, not after an overdue SLA
    assert told.text.startswith("【紧急】") and number in told.text


def test_a_place_in_the_message_files_quickly_with_confirmation(bot: App) -> None:
    chat = Chat(bot, 3002)
    chat.say("翠微苑3幢电梯困人了我妈在里面")
    advice, confirm = (r.text for r in chat.replies)
    assert "按电梯里的警铃" in advice and "电梯困人 96333" in advice
    assert "请您核对一下" in confirm and "地点：翠微苑3幢" in confirm
    number = NUMBER.search(chat.say("确认提交")).group(0)  # type: ignore[union-attr]
    with bot.uow() as uow:
        assert uow.reports.get(number).urgent  # type: ignore[union-attr]


@pytest.mark.parametrize(("said", "advice", "call"), [
    ("我爸在楼下摔倒了起不来 头在流血", "不要急着扶起来", "急救 120"),
    ("着伙了 江滨花园2幢 快来人", "走楼梯下楼", "火警 119"),
    ("南塘新村5幢家里水管爆了 屋里全是水", "关总水阀", "报警求助 110"),
    ("楼道里全是烟 呛得不行", "捂住口鼻", "火警 119"),
])
def test_each_emergency_gets_its_own_advice_and_number(bot: App, said: str, advice: str, call: str) -> None:
    chat = Chat(bot, 3003)
    chat.say(said)
    assert advice in chat.replies[0].text and call in chat.replies[0].text


def test_a_known_resident_gets_the_form_prefilled_after_the_advice(bot: App) -> None:
    roster(bot)
    chat = Chat(bot, 3004)
    chat.say("/contact 13812345678")
    chat.say("我家里有燃气味")
    advice, confirm = (r.text for r in chat.replies)
    assert "燃气抢修" in advice and "地点：翠微苑3幢2单元302室" in confirm


def test_what_is_over_or_only_feared_is_an_ordinary_report(bot: App) -> None:
    chat = Chat(bot, 3005)
    out = chat.say("楼道里电瓶车充电 怕着火")
    assert "拨打" not in out
    out = chat.say("翠微苑3幢")
    out = chat.say("确认提交")
    number = NUMBER.search(out).group(0)  # type: ignore[union-attr]
    assert "紧急" not in out
    with bot.uow() as uow:
        assert not uow.reports.get(number).urgent  # type: ignore[union-attr]
    [card] = queued(bot, GRID1_CHAT)
    assert not card.text.startswith("【紧急】")
    assert queued(bot, SECRETARY) == []


# --- no dead ends ---------------------------------------------------------------------------

@pytest.mark.parametrize(("asked", "shown"), [
    ("社区电话是多少", "0577-88001234"),
    ("居委会在哪里", "府前街56号"),
    ("几点上班", "8:30"),
    ("请问居委会电话号码多少啊", "0577-88001234"),
])
def test_the_office_phone_address_and_hours_come_from_config(bot: App, asked: str, shown: str) -> None:
    out = Chat(bot, 3010).say(asked)
    assert shown in out and "电话：0577-88001234" in out and "办公时间" in out


def test_a_request_is_passed_to_staff_as_a_record_with_a_number(bot: App) -> None:
    chat = Chat(bot, 3012)
    chat.say("有没有给养宠物的补贴")  # no policy fits: the bot offers to pass it on
    out = chat.say("转给工作人员")
    number = NUMBER.search(out).group(0)  # type: ignore[union-attr]
    assert "已经转给社区工作人员" in out and "前联系您" in out
    assert "分享手机号" in out  # staff need a way to reach them
    with bot.uow() as uow:
        saved = uow.reports.get(number)
    assert saved is not None and saved.category == "relay"
    assert "有没有给养宠物的补贴" in saved.description
    [card] = queued(bot, STAFF_CHAT)
    assert number in card.text and "居民需求" in card.text and "受理" in card.buttons[0][0].text
    # The same button pressed again (an old message) files nothing more.
    again = bot.dialogue.handle(Inbound(chat_id=3012, user_id=3012, kind="button", data=MENU.data("relay")))
    assert "已经转过了" in again[0].text
    with bot.uow() as uow:
        assert len(uow.reports.list()) == 1


# --- shelters -------------------------------------------------------------------------------

def test_shelters_near_an_estate_named_in_the_message(bot: App) -> None:
    out = Chat(bot, 3020).say("翠微苑附近的避灾点在哪里")
    lines = [line for line in out.splitlines() if line.startswith("· ")]
    assert "离翠微苑最近的避灾点" in out and len(lines) == 3
    assert lines[0].startswith("· 松台小学体育馆：约") and "可容纳400人" in lines[0]
    assert all(re.search(r"：约\d+(\.\d)?(米|公里)，", line) for line in lines)
    assert "〔位置〕松台小学体育馆 28.01390, 120.64410" in out


def test_shelters_near_a_shared_location(bot: App) -> None:
    out = Chat(bot, 3021).say("/location 28.0251 120.6588")
    assert "离您的位置最近的避灾点" in out
    assert "· 江滨路人防工程：约50米，" in out and out.count("可容纳") == 3


def test_shelters_near_the_residents_home(bot: App) -> None:
    roster(bot, estate="南塘新村", building="5")
    chat = Chat(bot, 3022)
    chat.say("/contact 13812345678")
    out = chat.say("台风要来了我们去哪避一避")
    assert "离您家（南塘新村）最近的避灾点" in out
    assert out.splitlines()[1].startswith("· 南塘文化礼堂：约")


def test_without_a_place_the_bot_asks_for_the_location_instead_of_listing_all(bot: App) -> None:
    chat = Chat(bot, 3023)
    out = chat.say("避灾点在哪里")
    assert "发送我的位置" in out and "可容纳" not in out
    assert chat.replies[-1].request == "location"


def test_a_closed_shelter_is_never_offered(tmp_path: Path, clean_env: object, clock: Clock) -> None:  # noqa: F811
    path = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'c.db'}",
                            changes={"shelters.0.open": False})
    for closed in _migrated(load_config(path)):
        out = Chat(staffed(closed, clock), 3024).say("翠微苑附近的避灾点")
        assert "松台小学体育馆" not in out and out.count("可容纳") == 3


def test_an_emergency_in_the_middle_of_another_report_comes_first(bot: App) -> None:
    chat = Chat(bot, 3006)
    chat.say("楼道灯不亮了")
    assert "在哪个小区" in chat.replies[-1].text
    chat.say("哎呀不好了家里着火了")
    assert "走楼梯下楼" in chat.replies[0].text and "火警 119" in chat.replies[0].text
    out = chat.say("江滨花园2幢")
    # Nothing said before is lost: the lamp and the fire are in the one urgent report.
    assert "内容：楼道灯不亮了，哎呀不好了家里着火了" in out and "类别：安全隐患" in out
    assert "紧急" in chat.say("确认提交")


def test_a_policy_answer_says_which_number_to_call(bot: App) -> None:
    out = Chat(bot, 3013).say("高龄津贴怎么领")
    assert "高龄津贴" in out and "打社区电话 0577-88001234" in out


def test_with_every_shelter_closed_the_bot_gives_the_number(tmp_path: Path, clean_env: object,  # noqa: F811
                                                            clock: Clock) -> None:
    closed = {f"shelters.{i}.open": False for i in range(6)}
    path = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'c.db'}", changes=closed)
    for app_ in _migrated(load_config(path)):
        out = Chat(staffed(app_, clock), 3025).say("/location 28.0139 120.6441")
        assert "没有开放的避灾点" in out and "0577-88001234" in out


def test_a_passed_on_request_always_asks_how_to_reach_the_resident(bot: App) -> None:
    chat = Chat(bot, 3014)
    chat.say("楼道灯不亮了 翠微苑3幢")
    chat.say("确认提交")  # the first report already asked once for the phone
    chat.say("有没有给养宠物的补贴")
    out = chat.say("转给工作人员")
    assert "已经转给社区工作人员" in out and "分享手机号" in out  # staff must be able to call back
