"""How elderly residents really type: short lines, greetings first, places and ratings in words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.app import App
from bot.callbacks import BOARD
from bot.events import Inbound
from domain.reports import Report, Status
from tests.e2e.test_dialogue_reports import report
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, staffed

GRID1_CHAT = -1002000000011  # 第一网格 (翠微苑, 江滨花园)
GRID1_STAFF = 700000002
NUMBER = re.compile(r"BS-\d{8}-\d{4}")
ESTATE_LIST = "[1] 翠微苑"  # the first estate button: the whole list is on screen


@pytest.fixture
def bot(app: App) -> Iterator[App]:  # noqa: F811
    yield staffed(app, Clock())


def talk(chat: Chat, lines: list[str]) -> list[str]:
    """Type each line; return what the bot answered to each."""
    return [chat.say(line) for line in lines]


def typed(bot: App, chat_id: int, text: str) -> str:
    """A typed message (not a button press, even when it reads like a button's label)."""
    replies = bot.dialogue.handle(Inbound(chat_id=chat_id, user_id=chat_id, kind="text", text=text))
    return "\n".join(r.text for r in replies)


def only_report(bot: App) -> Report:
    with bot.uow() as uow:
        [saved] = uow.reports.list()
    return saved


def test_ten_short_lines_become_one_report_with_the_whole_story(bot: App) -> None:
    chat = Chat(bot, 2001)
    answers = talk(chat, [
        "我要反映一个问题", "我是南塘新村5幢的住户", "我们楼道里", "堆了好多纸箱子", "怕着火",
        "还有门口的路灯坏了", "晚上黑乎乎的", "昨天王阿姨", "在门口摔了一跤", "腿都摔破了",
    ])
    assert all("没找到这个小区" not in a and ESTATE_LIST not in a for a in answers)
    assert "已记下" in answers[1]  # the place alone: kept, and the problem asked for again
    # "还有…路灯坏了" is more story; "晚上黑乎乎的" names the kind, so the summary comes once …
    assert "已记下" in answers[5] and "请您核对" in answers[6]
    assert all("已记下" in a and len(a) < 80 for a in answers[7:])  # … and no question again
    assert NUMBER.search(chat.say("确认提交"))
    saved = only_report(bot)
    assert "纸箱" in saved.description and "着火" in saved.description
    assert "路灯" in saved.description and "摔了一跤" in saved.description
    assert (saved.address.estate, saved.address.building) == ("E4", "5")


def test_the_story_goes_on_after_the_place_question_without_the_list_again(bot: App) -> None:
    chat = Chat(bot, 2002)
    first = chat.say("我要报修")
    asked = chat.say("楼道灯不亮了")
    assert ESTATE_LIST in asked  # asked once, with every estate as a button
    more = talk(chat, ["晚上黑乎乎的看不见", "昨天王阿姨在楼梯口摔了一跤"])
    assert all(a.startswith("已记下") and ESTATE_LIST not in a and "没找到" not in a for a in more)
    assert "在哪个小区" in more[-1]  # one short reminder of the open question
    out = chat.say("江滨花园2幢")
    assert "地点：江滨花园2幢" in out and "摔了一跤" in out and "黑乎乎" in out
    chat.say("确认提交")
    assert "摔了一跤" in only_report(bot).description
    assert "哪里坏了" in first


def test_a_place_named_while_another_question_is_open_is_used(bot: App) -> None:
    chat = Chat(bot, 2003)
    chat.say("我要反映个问题")
    assert "这属于哪一类" in chat.say("小区门口那个东西一直响")
    noted = chat.say("我是南塘新村5幢的住户")
    assert noted.startswith("已记下") and "这属于哪一类" in noted
    out = typed(bot, 2003, "噪音扰民")  # typed, not pressed: an answer, not more of the story
    assert "地点：南塘新村5幢" in out and "在哪个小区" not in out
    assert "内容：小区门口那个东西一直响\n" in out


@pytest.mark.parametrize("lines", [
    ["你好你好 江滨花园1幢电梯坏了"],
    ["您好 江滨花园1幢电梯坏了"],
    ["你好", "江滨花园1幢电梯坏了"],
])
def test_a_greeting_then_a_request_is_the_request(bot: App, lines: list[str]) -> None:
    chat = Chat(bot, 2004)
    out = talk(chat, lines)[-1]
    assert "请您核对一下" in out and "地点：江滨花园1幢" in out
    assert "内容：江滨花园1幢电梯坏了" in out  # the greeting is not part of the report


def test_parts_of_a_place_add_up(bot: App) -> None:
    chat = Chat(bot, 2005)
    assert "在哪个小区" in chat.say("3幢2单元楼道的灯坏了")
    out = typed(bot, 2005, "翠微苑")  # typed, not the estate's button
    assert "地点：翠微苑3幢2单元" in out
    out = chat.say("不对 是江滨花园")  # another estate: the building said for 翠微苑 is not its
    assert "地点：江滨花园\n" in out


def test_the_duplicate_hint_never_shows_the_other_residents_words(bot: App) -> None:
    first = Chat(bot, 2006)
    first.say("翠微苑3幢楼道灯坏了好几天了我是502的张大妈电话13900001111")
    first.say("确认提交")
    out = Chat(bot, 2007).say("翠微苑3幢楼道的灯坏了")
    assert "是同一件事吗" in out and "照明" in out and "翠微苑3幢" in out and "待受理" in out
    assert "13900001111" not in out and "张大妈" not in out and "502" not in out


def test_typing_confirm_on_the_duplicate_question_files_a_new_report(bot: App) -> None:
    first = Chat(bot, 2008)
    first.say("翠微苑3幢楼道灯坏了好几天了")
    first.say("确认提交")
    second = Chat(bot, 2009)
    assert "是同一件事吗" in second.say("翠微苑3幢楼道的灯坏了")
    out = second.say("确认提交")
    assert NUMBER.search(out) and "已帮您关注" not in out
    with bot.uow() as uow:
        reports = uow.reports.list()
    assert len(reports) == 2 and all(r.followers == [] for r in reports)


def test_a_burst_that_ends_in_a_stop_word_stops(bot: App) -> None:
    assert "好的" in typed(bot, 2013, "我要报修\n楼道灯坏了\n算了")
    with bot.uow() as uow:
        assert uow.conversations.load(2013) is None  # no form left open


def resolved(bot: App, chat: Chat, text: str) -> str:
    """File a report, have staff resolve it, and read the resident's rating request."""
    chat.say(text)
    number = NUMBER.search(chat.say("确认提交")).group(0)  # type: ignore[union-attr]
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("办结")
    staff.say("跳过")  # the resolution note can be skipped
    assert "请给这次服务打个分" in chat.inbox()
    return number


@pytest.mark.parametrize(("said", "stars"), [
    ("5分", 5), ("五星", 5), ("满意", 4), ("非常满意", 5), ("一般", 3), ("不满意", 2),
    ("非常满意\n谢谢你们", 5),
])
def test_a_typed_rating_rates_the_resolved_report(bot: App, said: str, stars: int) -> None:
    chat = Chat(bot, 2010)
    number = resolved(bot, chat, "翠微苑3幢楼道灯坏了好几天了")
    out = typed(bot, 2010, said)
    assert f"{stars}分" in out and number in out
    with bot.uow() as uow:
        assert uow.reports.get(number).rating == stars  # type: ignore[union-attr]


def test_a_typed_rating_goes_to_the_last_resolved_report_awaiting_one(bot: App) -> None:
    chat = Chat(bot, 2011)
    older = resolved(bot, chat, "翠微苑3幢楼道灯坏了好几天了")
    newer = resolved(bot, chat, "江滨花园1幢电梯坏了")
    assert newer in typed(bot, 2011, "非常满意")
    assert older in typed(bot, 2011, "一般")
    with bot.uow() as uow:
        assert uow.reports.get(newer).rating == 5  # type: ignore[union-attr]
        assert uow.reports.get(older).rating == 3  # type: ignore[union-attr]
    assert "分）" not in typed(bot, 2011, "满意")  # nothing left to rate: not taken as a rating


@pytest.mark.parametrize("form", ["{p}{d}{s}", "{P} {d} {s}", "{p}-{d}-{s}", "我的工单{p}{d}{s}进度怎么样"])
def test_report_numbers_are_recognised_however_they_are_typed(bot: App, form: str) -> None:
    chat = Chat(bot, 2012)
    chat.say("翠微苑3幢楼道灯坏了好几天了")
    number = NUMBER.search(chat.say("确认提交")).group(0)  # type: ignore[union-attr]
    prefix, day, seq = number.split("-")
    out = chat.say(form.format(p=prefix.lower(), P=prefix, d=day, s=seq))
    assert f"工单号：{number}" in out and "内容：" in out
    assert "[1] 受理" in Chat(bot, GRID1_STAFF).say(form.format(p=prefix.lower(), P=prefix, d=day, s=seq))
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.PENDING  # type: ignore[union-attr]


def test_a_second_problem_told_on_the_way_is_kept_and_the_kind_can_be_typed(bot: App) -> None:
    chat = Chat(bot, 2090)
    talk(chat, ["我要反映一个问题", "我是南塘新村5幢的住户", "楼道里堆了好多纸箱子"])
    assert "哪一类" in chat.replies[-1].text
    # "还有…路灯" is more of the story, not the answer to "which kind?"; "黑乎乎的" names the
    # kind by a keyword and is still kept in the resident's words.
    assert "已记下" in chat.say("还有门口的路灯也坏了")
    summary = chat.say("黑乎乎的")
    assert "类别：照明" in summary and "路灯也坏了，黑乎乎的" in summary
    assert "类别：安全隐患" in chat.say("安全隐患")  # the kind typed at the summary
    assert NUMBER.search(chat.say("确认提交"))
    saved = only_report(bot)
    assert saved.category == "safety" and saved.description.endswith("黑乎乎的")


def test_a_message_too_long_for_a_report_is_refused_at_once_not_after_every_question(bot: App) -> None:
    chat = Chat(bot, 2091)
    out = chat.say("楼道灯坏了" * 300)
    assert "内容太长了" in out and "哪里坏了" in out and "在哪个小区" not in out
    assert "请您核对" in chat.say("翠微苑3幢楼道灯坏了")
    assert NUMBER.search(chat.say("确认提交"))


def test_an_estate_typed_after_the_public_list_question_shows_its_list(bot: App) -> None:
    report(Chat(bot, 2092), "翠微苑3幢楼道灯坏了好几天了")
    assert "公开栏" in typed(bot, 2093, "看看小区公开栏")  # 公开之栏, with a 你说我做 button
    bot.dialogue.handle(Inbound(chat_id=2093, user_id=2093, kind="button", data=BOARD.data("rep")))
    listing = typed(bot, 2093, "翠微苑")  # typed, not the button: the way people answer
    assert "翠微苑 · 你说我做" in listing and "照明（3幢）" in listing and "待受理" in listing
    assert "好几天" not in listing
