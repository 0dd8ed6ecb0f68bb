"""线上表决 and 物业评价 in the chat (terminal channel): staff create, residents vote and rate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot import jobs, texts
from bot.app import App
from bot.callbacks import POLL
from bot.events import Inbound, Reply
from domain.residents import Address, Resident
from domain.usecases import polls as uc
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed

STAFF_CHAT = -1002000000001
SECRETARY, GRID1_STAFF = 700000001, 700000002
WANG, WANG_WIFE, LI, ZHAO, NEW = 1001, 1002, 1003, 1004, 1005


@pytest.fixture
def bot(app: App) -> Iterator[App]:  # noqa: F811
    staffed(app, Clock())
    with app.uow() as uow:
        for user, name, phone, estate, room, verified in (
                (WANG, "王建国", "13805770001", "E1", "302", True),
                (WANG_WIFE, "刘秀兰", "13805770002", "E1", "302", True),  # same flat: one household
                (LI, "李阿婆", "13805770003", "E1", "501", True),
                (ZHAO, "赵伯", "13805770004", "E2", "101", True),  # another 小区
                (NEW, "孙小妹", "13805770005", "E1", "601", False)):
            uow.residents.add(Resident(name=name, phone=phone, address=Address(estate, "3", "2", room),
                                       verified=verified, user_id=user, chat_id=user))
        uow.commit()
    yield app


def press(bot: App, user: int, data: str, chat: int | None = None) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat or user, user_id=user, kind="button", data=data))


def say(bot: App, user: int, text: str, chat: int | None = None) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat or user, user_id=user, kind="text", text=text))


def button(replies: list[Reply], label: str) -> str:
    return next(b.data for r in replies for row in r.buttons for b in row if label in b.text)


def make_poll(bot: App, estate: str | None = "E1") -> int:
    """Staff create a poll in the staff group, step by step, and publish it."""
    assert "问题" in say(bot, GRID1_STAFF, "发起投票", STAFF_CHAT)[0].text
    assert "每行一个" in say(bot, GRID1_STAFF, "小区东门要不要装道闸", STAFF_CHAT)[0].text
    scope = say(bot, GRID1_STAFF, "同意装\n不同意\n无所谓", STAFF_CHAT)
    assert texts.POLL_ASK_SCOPE in scope[0].text
    ends = press(bot, GRID1_STAFF, button(scope, "翠微苑") if estate else POLL.data("all"), STAFF_CHAT)
    assert "截止" in ends[0].text
    preview = say(bot, GRID1_STAFF, "12月10日下午6点", STAFF_CHAT)
    assert "小区东门要不要装道闸" in preview[0].text and "12月10日" in preview[0].text
    assert ("翠微苑住户" if estate else "全社区住户") in preview[0].text
    done = press(bot, GRID1_STAFF, POLL.data("pub"), STAFF_CHAT)
    assert "已发布" in done[0].text
    with bot.uow() as uow:
        (poll,) = uow.polls.list()
    assert poll.id is not None
    return poll.id


def test_staff_create_residents_vote_once_per_household_and_get_the_result(bot: App) -> None:
    poll_id = make_poll(bot)
    # Every verified resident of 翠微苑 is told, with the options as buttons; 江滨花园 is not.
    notice = queued(bot, WANG)[-1]
    assert "小区东门要不要装道闸" in notice.text and [b.text for row in notice.buttons for b in row] == [
        "同意装", "不同意", "无所谓"]
    assert queued(bot, LI) and not queued(bot, ZHAO) and not queued(bot, NEW)

    voted = press(bot, WANG, button([notice], "同意装"))
    assert "记下了" in voted[0].text
    # His wife in the same flat: nothing changes, and she is not told who voted.
    again = press(bot, WANG_WIFE, button([notice], "不同意"))
    assert again[0].text == texts.POLL_ALREADY and "王建国" not in again[0].text
    assert "记下了" in press(bot, LI, button([notice], "不同意"))[0].text
    # Out of scope and unverified are refused, and nothing is counted for them.
    assert "翠微苑住户" in press(bot, ZHAO, button([notice], "不同意"))[0].text
    assert "核实" in press(bot, NEW, button([notice], "不同意"))[0].text
    with bot.uow() as uow:
        tally = uc.tally(uow, poll_id)
    assert tally.counts == (1, 1, 0) and tally.households == 2

    # Staff see the live count with 查看结果, then close it.
    live = say(bot, GRID1_STAFF, "投票结果", STAFF_CHAT)
    result = press(bot, GRID1_STAFF, button(live, f"查看结果 {poll_id}"), STAFF_CHAT)
    assert "同意装：1票" in result[0].text and "已投票2户" in result[0].text
    closed = press(bot, GRID1_STAFF, button(result, "结束投票"), STAFF_CHAT)
    assert "已结束" in closed[0].text
    # Voters (one per household) get the chart photo and a one-line summary.
    wang = Chat(bot, WANG)
    printed = wang.inbox()
    assert "〔图片〕" in printed and "同意装1票" in printed and "票数相同" in printed
    assert any("投票结果" in r.text for r in queued(bot, LI)) or "投票结果" in Chat(bot, LI).inbox()
    assert not any("投票结果" in r.text for r in queued(bot, WANG_WIFE))
    # A vote after closing is refused.
    assert press(bot, LI, button([notice], "同意装"))[0].text == texts.POLL_CLOSED


def test_a_resident_asks_what_there_is_to_vote_on(bot: App) -> None:
    assert texts.POLL_NONE in Chat(bot, LI).say("有什么投票")
    make_poll(bot, estate=None)
    shown = Chat(bot, ZHAO).say("我要投票")
    assert "小区东门要不要装道闸" in shown and "全社区住户" in shown


def test_the_poll_closes_itself_at_its_end_time(bot: App) -> None:
    poll_id = make_poll(bot)
    notice = queued(bot, LI)[-1]
    press(bot, LI, button([notice], "无所谓"))
    jobs._APP = bot
    try:
        with bot.uow() as uow:
            ends = uc.get_poll(uow, poll_id).ends_at
        assert jobs.close_polls(ends - timedelta(minutes=1)) == 0
        assert jobs.close_polls(ends + timedelta(seconds=30)) == 1
    finally:
        jobs._APP = None
    clock = bot.dialogue.clock
    assert isinstance(clock, Clock)
    clock.now = ends + timedelta(minutes=1)
    assert "无所谓1票" in Chat(bot, LI).inbox()


def test_staff_chat_poll_creation_can_be_cancelled_and_checks_options(bot: App) -> None:
    say(bot, GRID1_STAFF, "发起投票", STAFF_CHAT)
    say(bot, GRID1_STAFF, "要不要装道闸", STAFF_CHAT)
    one = say(bot, GRID1_STAFF, "同意", STAFF_CHAT)
    assert "2到6个" in one[0].text
    assert texts.POLL_CREATE_CANCELLED in say(bot, GRID1_STAFF, "取消", STAFF_CHAT)[0].text
    # A resident cannot start one, in the staff group or anywhere.
    assert say(bot, LI, "发起投票", STAFF_CHAT) == []
    with bot.uow() as uow:
        assert uow.polls.list() == []


# -- 物业评价 / 业委会评价 -----------------------------------------------------------------------
def test_a_resident_rates_the_property_manager_in_her_own_words(bot: App) -> None:
    li = Chat(bot, LI)
    asked = li.say("物业太差了想打个分")
    assert "请给物业这个月的服务打分" in asked
    assert "还想说几句" in li.say("2星")
    assert "确认提交吗" in li.say("楼道灯坏了半个月没人修 垃圾也不及时清")
    assert "2星评价已经记下了" in li.say("确认提交")
    # Staff read the rating and the comment, without who gave it; the 书记 alone learn that.
    (alert,) = [r.text for r in queued(bot, STAFF_CHAT) if "低分提醒" in r.text]
    assert "楼道灯坏了半个月没人修" in alert and "翠微苑" in alert
    assert "李阿婆" not in alert and "501" not in alert and "3805770003" not in alert
    (lead,) = [r.text for r in queued(bot, SECRETARY) if "低分评价" in r.text]
    assert "李阿婆" in lead and "138****0003" in lead
    assert not [r for r in queued(bot, GRID1_STAFF) if "低分评价" in r.text]


def test_a_second_rating_in_a_month_replaces_the_first_and_says_so(bot: App) -> None:
    wang = Chat(bot, WANG)
    wang.say("我想给业委会打个分")
    wang.say("4")
    assert "记下了" in wang.say("跳过")
    wang.say("给业委会打分")
    wang.say("5星")
    assert "替换了上一次" in wang.say("跳过")
    assert not [r for r in queued(bot, STAFF_CHAT) if "低分提醒" in r.text]  # 4 and 5 stars: no alert
    summary = say(bot, GRID1_STAFF, "评价汇总", STAFF_CHAT)[0].text
    assert "翠微苑业委会" in summary and "5.0星(1人)" in summary


def test_rating_and_voting_need_a_verified_resident(bot: App) -> None:
    assert "核实" in Chat(bot, NEW).say("我要评价物业")
    assert "核实" in Chat(bot, NEW).say("有什么投票")
    stranger = Chat(bot, 9999)  # not bound to anyone yet: asked to share the phone
    assert "/contact" in stranger.say("我要评价物业") and "/contact" in stranger.say("我要投票")


def test_ratings_summary_shows_the_trend_over_months(bot: App) -> None:
    clock = bot.dialogue.clock
    assert isinstance(clock, Clock)
    for stars in ("1", "3"):
        li = Chat(bot, LI)
        li.say("给物业打分")
        li.say(stars)
        li.say("跳过")
        clock.advance(days=31)
    summary = say(bot, GRID1_STAFF, "评价汇总", STAFF_CHAT)[0].text
    assert "11月1.0星(1人)" in summary and "12月3.0星(1人)" in summary and "上升2.0星" in summary
