"""Bookings by chat, in residents' own words over the terminal channel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from bot import texts
from bot.app import App
from bot.events import Reply
from domain.bookings import Status
from domain.usecases.residents import import_roster
from tests.fixtures import (  # noqa: F401
    _migrated,
    app,
    app_config,
    clean_env,
    config_file,
    database_url,
    id_number,
    make_config_file,
)
from tests.support.chat import Chat, Clock, queued, staffed

NUMBER = re.compile(r"YY-\d{8}-\d{4}")
MUM_ID = id_number(date(1944, 8, 9), 321)  # 王秀英's, on the roster
CARE_CHAT = -1002000000031  # 颐养服务中心, the care services' provider


@pytest.fixture
def clock() -> Clock:
    return Clock()  # Monday 2026-11-30 10:00 in Shanghai


@pytest.fixture
def bot(app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    import_roster(app.uow(), [{"姓名": "王秀英", "手机号": "13812345678", "身份证号": MUM_ID,
                               "小区": "翠微苑", "幢": "3", "单元": "2", "室": "302", "标签": "老年人"}],
                  app.estate_lookup(), set(app.config.resident_tags))
    yield staffed(app, clock)


def book_for_mum(chat: Chat) -> str:
    """The four-turn first booking for a parent; returns the booking number."""
    out = chat.say("帮我妈约明天下午两点的助浴")
    assert "姓名和手机号" in out
    out = chat.say("王秀英 13812345678")
    assert "服务：助浴" in out and "明天下午2:00" in out and "60元/次" in out
    assert "换洗衣物" in out and "待社区核实" in out
    out = chat.say("确认预约")
    return NUMBER.search(out).group(0)  # type: ignore[union-attr]


def test_a_first_booking_for_mum_takes_three_turns_and_tells_the_provider(bot: App) -> None:
    chat = Chat(bot, 5001)
    number = book_for_mum(chat)
    with bot.uow() as uow:
        saved = uow.bookings.get(number)
    assert saved is not None and saved.service == "bathing" and saved.unverified
    assert saved.beneficiary == "王秀英" and saved.beneficiary_id is not None
    [card] = queued(bot, CARE_CHAT)
    assert number in card.text and "【待核实】" in card.text and "翠微苑3幢2单元302室" in card.text
    assert "13812345678" not in card.text  # masked


def test_pressing_confirm_twice_books_once(bot: App) -> None:
    chat = Chat(bot, 5002)
    chat.say("帮我妈约明天下午两点的助浴")
    chat.say("王秀英 13812345678")
    confirm = chat.replies[-1].buttons[0][0].data
    from bot.events import Inbound

    press = Inbound(kind="button", chat_id=5002, user_id=5002, data=confirm)
    first = bot.dialogue.handle(press)
    bot.dialogue.handle(press)
    assert NUMBER.search(first[-1].text)
    with bot.uow() as uow:
        assert len(uow.bookings.list(user_id=5002)) == 1


def test_a_full_time_gets_the_three_nearest_free_slots(bot: App) -> None:
    book_for_mum(Chat(bot, 5003))  # 助浴 has one place per slot: 14:00 is now full
    chat = Chat(bot, 5004)
    chat.say("给我爸约明天下午两点洗个澡")
    out = chat.say("李大爷 13900001111")
    assert "已经约满了" in out
    labels = [b.text for row in chat.replies[-1].buttons for b in row]
    assert labels[:3] == ["明天中午12:00", "明天下午1:00", "明天下午3:00"]  # nearest, in time order


def offered_for_mum(chat: Chat, ask: str) -> list[str]:
    """The first three times offered after asking for mum and naming her."""
    chat.say(ask)
    chat.say("王秀英 13812345678")
    return [b.text for row in chat.replies[-1].buttons for b in row][:3]


def test_an_afternoon_wish_is_offered_afternoon_slots_first(bot: App) -> None:
    book_for_mum(Chat(bot, 5020))  # 14:00 is taken
    # free slots inside 明天下午, earliest first, never the morning nearest its start
    afternoon = offered_for_mum(Chat(bot, 5021), "帮我妈约明天下午的助浴")
    assert afternoon == ["明天中午12:00", "明天下午1:00", "明天下午3:00"]
    morning = offered_for_mum(Chat(bot, 5022), "我妈明天上午要助浴")
    assert morning == ["明天上午9:00", "明天上午10:00", "明天上午11:00"]


def test_a_time_said_while_the_name_is_asked_is_kept(bot: App) -> None:
    chat = Chat(bot, 5023)
    chat.say("我要预约助浴")
    chat.say("给我妈妈")
    out = chat.say("明天下午两点")
    assert "已记下" in out and "您母亲的姓名和手机号" in out
    out = chat.say("王秀英 13812345678")
    assert "时间：明天下午2:00" in out  # not asked again


def test_the_parents_name_and_phone_in_separate_lines_are_both_kept(bot: App) -> None:
    chat = Chat(bot, 5024)
    assert "姓名和手机号" in chat.say("给我爸约明天上午十点的助浴")
    assert "记下了" not in chat.say("稍等")  # not a name: asked again as before
    out = chat.say("他叫李建国")
    assert "记下了：李建国" in out and "手机号" in out
    out = chat.say("13566667777")
    assert "李建国（父亲" in out and "时间：明天上午10:00" in out, out


def test_the_parents_name_and_phone_said_before_they_are_asked_are_not_asked_again(bot: App) -> None:
    chat = Chat(bot, 5025)
    assert "您想预约哪项服务" in chat.say("我想给我爸约个上门服务")  # no service named: the list
    chat.say("他叫李建国")
    chat.say("电话13566667777")
    out = chat.say("助浴")
    assert "姓名和手机号" not in out, out
    out = chat.say("明天上午十点")
    assert "李建国（父亲" in out and "时间：明天上午10:00" in out, out


def test_a_time_that_is_not_a_slot_start_is_never_moved_silently(bot: App) -> None:
    chat = Chat(bot, 5010)
    chat.say("帮我妈约明天上午十点半的修脚")  # 修脚 visits start on the hour
    out = chat.say("王秀英 13812345678")
    assert "不是一个时段的开始" in out and "请您核对" not in out
    labels = [b.text for row in chat.replies[-1].buttons for b in row]
    assert labels[:3] == ["明天上午9:00", "明天上午10:00", "明天上午11:00"]
    assert "时间：明天上午11:00" in chat.say("明天上午11:00")


def test_outside_hours_and_too_soon_say_why(bot: App) -> None:
    chat = Chat(bot, 5005)
    out = chat.say("我要约今天上午十一点的助浴给我妈")
    assert "姓名和手机号" in out
    out = chat.say("王秀英 13812345678")
    assert "需要提前12小时预约" in out and "明天" in out


def test_what_services_are_there_lists_them_by_group_in_pages(bot: App) -> None:
    chat = Chat(bot, 5006)
    out = chat.say("我要预约")
    assert "第1/4页" in out and "【政务超市·社保】社会保障卡临时挂失（免费）" in out
    out = chat.say("下一页")
    assert "第2/4页" in out and "【政务超市·社保】" not in out
    care = Chat(bot, 5007)
    out = care.say("颐养超市有什么")
    assert "【颐养超市·助浴】助浴（60元，可用补贴）" in out
    pages = [out]
    for _ in range(3):
        pages.append(care.say("下一页"))
    listed = "".join(pages)
    assert listed.count("【颐养超市·助洁】") == 1 and listed.count("【政务超市·社保】") == 1


def test_cancel_in_own_words_gives_the_place_back_and_tells_the_provider(bot: App) -> None:
    chat = Chat(bot, 5007)
    chat.say("帮我妈约明天上午十点修脚")
    chat.say("王秀英 13812345678")
    out = chat.say("确认预约")
    number = NUMBER.search(out).group(0)  # type: ignore[union-attr]
    out = chat.say("不用来修脚了 取消吧")
    assert "确定取消 上门修剪脚指甲" in out
    out = chat.say("确定取消")
    assert "已取消" in out
    with bot.uow() as uow:
        saved = uow.bookings.get(number)
    assert saved is not None and saved.status == Status.CANCELLED and "不用来修脚了" in saved.reason
    assert any("【取消】" in m.text for m in queued(bot, CARE_CHAT))
    other = Chat(bot, 5008)  # the place is free again
    other.say("帮我妈约明天上午十点修脚")
    assert "服务：上门修剪脚指甲" in other.say("李秀兰 13900002222")


def test_the_booking_moves_with_its_button(bot: App) -> None:
    chat = Chat(bot, 5009)
    number = book_for_mum(chat)
    chat.say("改时间")
    out = chat.say("后天上午十点")
    assert "已改到" in out and number in out
    assert any("【改约】" in m.text for m in queued(bot, CARE_CHAT))


def test_the_relative_booked_for_before_is_a_button_next_time(bot: App) -> None:
    chat = Chat(bot, 5010)
    book_for_mum(chat)
    out = chat.say("我要约上门测血压")
    assert "王秀英（母亲）" in out
    out = chat.say("王秀英（母亲）")
    assert "想约哪天几点" in out


def test_the_booker_is_reminded_the_day_before_once(bot: App, clock: Clock) -> None:
    from datetime import timedelta

    from bot import jobs

    Chat(bot, 5019).say("/contact 13812345678")  # 王秀英 uses the chat herself
    chat = Chat(bot, 5011)
    number = book_for_mum(chat)
    jobs._APP = bot
    try:
        evening = clock.now + timedelta(hours=8)  # Monday 18:00: the visit is tomorrow
        assert jobs.send_reminders(evening) == 1
        jobs.send_reminders(evening + timedelta(minutes=30))  # a late run after a restart
    finally:
        jobs._APP = None
    reminders = [m for m in queued(bot, 5011) if "提醒您" in m.text]
    assert len(reminders) == 1 and number in reminders[0].text and "明天下午2:00" in reminders[0].text
    assert len([m for m in queued(bot, 5019) if "提醒您" in m.text]) == 1  # and the person served


def test_cancelling_with_nothing_booked_says_so_and_leads_on(bot: App) -> None:
    out = Chat(bot, 5012).say("帮我取消上次的预约")
    assert "没有要取消的预约" in out and "我要报修" in out


def test_a_day_without_an_hour_offers_that_days_first_free_slots(bot: App) -> None:
    assert offered_for_mum(Chat(bot, 5013), "给我妈约后天的助浴") == [
        "12月2日（周三）上午9:00", "12月2日（周三）上午10:00", "12月2日（周三）上午11:00"]


def test_something_else_said_mid_booking_is_that_request(bot: App) -> None:
    chat = Chat(bot, 5014)
    chat.say("我要预约")
    out = chat.say("我家楼道灯坏了好几天了")
    assert "请您核对一下" in out or "在哪个小区" in out
    with bot.uow() as uow:
        state, _ = uow.conversations.load(5014)  # type: ignore[misc]
    assert state["form"] == "report"


# --- 家属代办 ------------------------------------------------------------------------------

STAFF_CHAT = -1002000000001
SECRETARY = 700000001


def press(bot: App, chat_id: int, user_id: int, data: str) -> list[str]:
    from bot.events import Inbound

    replies = bot.dialogue.handle(Inbound(kind="button", chat_id=chat_id, user_id=user_id, data=data))
    return [r.text or r.notice for r in replies]


def test_a_stranger_hears_the_same_whether_name_and_phone_matched(bot: App) -> None:
    real, stranger = Chat(bot, 5020), Chat(bot, 5021)
    for chat, who in ((real, "王秀英 13812345678"), (stranger, "王秀英 13987654321")):
        chat.say("帮我妈约明天上午十点的上门测血压")
        chat.say(who)
        chat.say("确认预约")
    assert NUMBER.sub("N", real.replies[-1].text) == NUMBER.sub("N", stranger.replies[-1].text)
    cards = [m.text for m in queued(bot, STAFF_CHAT) if "核实家属关系" in m.text]
    assert len(cards) == 2
    assert any("已对上" in c for c in cards) and any("没有对上" in c for c in cards)


def test_name_and_the_last_four_of_the_id_link_the_same_way_and_tell_a_stranger_nothing(
        bot: App) -> None:
    real, stranger = Chat(bot, 5023), Chat(bot, 5024)
    for chat, who in ((real, f"王秀英 身份证后四位是{MUM_ID[-4:].lower()}"), (stranger, "王秀英 尾号1234")):
        assert "或身份证后四位" in chat.say("帮我妈约明天上午十点的上门测血压")
        assert "请您核对一下" in chat.say(who)
        chat.say("确认预约")
    assert NUMBER.sub("N", real.replies[-1].text) == NUMBER.sub("N", stranger.replies[-1].text)
    cards = [m.text for m in queued(bot, STAFF_CHAT) if "核实家属关系" in m.text]
    assert len(cards) == 2 and "13812345678" not in "".join(cards)
    assert sum("已对上" in c for c in cards) == 1 and sum("没有对上" in c for c in cards) == 1
    with bot.uow() as uow:
        [link] = uow.bookings.links_of(5023)
    assert link.resident_id is not None and link.contact == ""
    assert "给谁：王秀英（母亲" in real.say("帮我妈约后天上午十点的上门测血压")  # no questions again


def test_staff_confirm_the_relation_and_the_booking_loses_its_mark(bot: App) -> None:
    chat = Chat(bot, 5022)
    number = book_for_mum(chat)
    [card] = [m for m in queued(bot, STAFF_CHAT) if "核实家属关系" in m.text]
    ok = card.buttons[0][0].data
    assert press(bot, STAFF_CHAT, 5099, ok) != ["已确认家属关系。"]  # not staff: refused
    assert press(bot, STAFF_CHAT, SECRETARY, ok) == ["已确认家属关系。"]
    with bot.uow() as uow:
        saved = uow.bookings.get(number)
    assert saved is not None and not saved.unverified
    assert any("【已核实】" in m.text and number in m.text for m in queued(bot, CARE_CHAT))
    assert any("已核实" in m.text for m in queued(bot, 5022))
    out = chat.say("帮我妈约后天上午十点的上门测血压")  # next time: no questions, no 待核实
    assert "给谁：王秀英（母亲）\n" in out and "请您核对一下" in out


def test_the_parent_in_the_chat_confirms_it_themselves(bot: App) -> None:
    mum = Chat(bot, 5030)
    mum.say("/contact 13812345678")
    book_for_mum(Chat(bot, 5031))
    [ask] = [m for m in queued(bot, 5030) if "是您的家人吗" in m.text]
    assert press(bot, 5030, 5030, ask.buttons[0][0].data) == ["已确认家属关系。"]


def test_mobility_said_in_passing_reaches_the_provider(bot: App) -> None:
    chat = Chat(bot, 5040)
    chat.say("给我妈约明天上午十点的上门测血压 她腿脚不方便 耳朵也有点背")
    chat.say("王秀英 13812345678")
    chat.say("确认预约")
    [card] = queued(bot, CARE_CHAT)
    assert "请注意：她腿脚不方便，耳朵也有点背" in card.text


# --- after the visit (§6.1) -----------------------------------------------------------------

SOCIAL_WORKER = 700000008  # 徐敏, 社工


def test_done_visit_is_rated_and_a_low_rating_reaches_the_social_worker(bot: App) -> None:
    chat = Chat(bot, 5050)
    number = book_for_mum(chat)
    [card] = queued(bot, CARE_CHAT)
    done = card.buttons[0][0].data
    assert press(bot, 5060, 5060, done) != ["已记为已上门。"]  # someone outside the provider chat
    marked = press(bot, CARE_CHAT, 5061, done)  # the partner's own chat
    assert marked[0] == "已记为已上门。" and number in marked[1]  # asked for a note, or number + words
    provider = Chat(bot, 5061, chat_id=CARE_CHAT)
    assert "已记在" in provider.say(f"{number.replace('-', '')} 老人洗完说舒服")
    assert Chat(bot, 5062).say(f"{number} 我是谁").find("已记在") < 0  # a stranger adds nothing
    [ask] = [m for m in queued(bot, 5050) if "请打个分" in m.text]
    two = ask.buttons[0][1].data
    assert "谢谢您的2分" in press(bot, 5050, 5050, two)[0]
    chat.say("洗得太快了 水也凉")
    with bot.uow() as uow:
        saved = uow.bookings.get(number)
    assert saved is not None and saved.rating == 2 and saved.comment == "洗得太快了 水也凉"
    assert saved.staff_note == "老人洗完说舒服"
    [alert] = [m for m in queued(bot, SOCIAL_WORKER) if "【服务质量】" in m.text]
    assert number in alert.text and "2分" in alert.text


def test_the_provider_is_asked_for_a_note_after_marking_a_visit(bot: App) -> None:
    chat, provider = Chat(bot, 5051), Chat(bot, 5063, chat_id=CARE_CHAT)
    first = book_for_mum(chat)
    second = book_for_mum_again(chat, "后天上午十点")
    cards = {n: c for c in queued(bot, CARE_CHAT) for n in (first, second) if n in c.text}
    missed = press(bot, CARE_CHAT, 5063, cards[first].buttons[0][1].data)  # 未上门
    assert missed[0] == "已记为未上门。" and "请写一句上门情况" in missed[1]
    assert "已记在" in provider.say("敲了半天门没人应 电话也没接")
    [prompt] = press_for_buttons(bot, CARE_CHAT, 5063, cards[second].buttons[0][0].data)  # 已上门
    [skip] = [b.data for row in prompt.buttons for b in row if b.text == "跳过"]
    assert press(bot, CARE_CHAT, 5063, skip) == [f"好的，{second} 不加说明。"]
    with bot.uow() as uow:
        notes = [uow.bookings.get(n).staff_note for n in (first, second)]  # type: ignore[union-attr]
    assert notes == ["敲了半天门没人应 电话也没接", ""]


def book_for_mum_again(chat: Chat, when: str) -> str:
    """Another visit for the mum linked before: no questions about her."""
    chat.say(f"帮我妈约{when}的上门测血压")
    return NUMBER.search(chat.say("确认预约")).group(0)  # type: ignore[union-attr]


def press_for_buttons(bot: App, chat_id: int, user_id: int, data: str) -> list[Reply]:
    """The replies to a button press that carry buttons (the note prompt)."""
    from bot.events import Inbound

    replies = bot.dialogue.handle(Inbound(kind="button", chat_id=chat_id, user_id=user_id, data=data))
    return [r for r in replies if r.buttons]


def test_a_note_prompt_expires_and_typing_cancel_adds_nothing(bot: App, clock: Clock) -> None:
    chat, provider = Chat(bot, 5052), Chat(bot, 5064, chat_id=CARE_CHAT)
    first = book_for_mum(chat)
    second = book_for_mum_again(chat, "后天上午十点")
    cards = {n: c for c in queued(bot, CARE_CHAT) for n in (first, second) if n in c.text}
    press(bot, CARE_CHAT, 5064, cards[first].buttons[0][0].data)
    assert "不加说明" in provider.say("取消")
    press(bot, CARE_CHAT, 5064, cards[second].buttons[0][0].data)
    clock.advance(minutes=11)
    assert "超过10分钟" in provider.say("老人很满意")
    provider.say("老人很满意")  # after expiry, plain talk in the provider chat is no note
    with bot.uow() as uow:
        assert [uow.bookings.get(n).staff_note for n in (first, second)] == ["", ""]  # type: ignore[union-attr]


def test_days_later_the_person_served_is_asked_about_patience(bot: App, clock: Clock) -> None:
    from datetime import timedelta

    from bot import jobs

    mum = Chat(bot, 5070)
    mum.say("/contact 13812345678")  # 王秀英 uses the chat herself
    number = book_for_mum(Chat(bot, 5071))
    [card] = queued(bot, CARE_CHAT)
    press(bot, CARE_CHAT, 5061, card.buttons[0][0].data)
    jobs._APP = bot
    try:
        later = clock.now + timedelta(days=5)  # three days after the visit
        assert jobs.ask_quality(later) == 1
        jobs.ask_quality(later + timedelta(hours=1))  # asked once
    finally:
        jobs._APP = None
    [ask] = [m for m in queued(bot, 5070) if "服务人员耐心吗" in m.text]
    assert [b.text for b in ask.buttons[0]] == ["耐心", "一般", "不耐心"]
    press(bot, 5070, 5070, ask.buttons[0][2].data)
    [alert] = [m for m in queued(bot, SOCIAL_WORKER) if "不耐心" in m.text]
    assert number in alert.text


def test_today_in_the_provider_chat_lists_the_visits_in_time_order(bot: App, clock: Clock) -> None:
    book_for_mum(Chat(bot, 5080))  # tomorrow 14:00
    chat = Chat(bot, 5081)
    chat.say("给我爸约明天上午十点洗澡")
    chat.say("李大爷 13900001111")
    chat.say("确认预约")
    clock.advance(days=1)
    provider = Chat(bot, 5090, chat_id=CARE_CHAT)
    out = provider.say("/今日上门")
    assert "今日上门 2 个" in out
    from bot.events import Inbound

    [same] = bot.dialogue.handle(Inbound(kind="command", chat_id=CARE_CHAT, user_id=5090, text="today"))
    assert same.text.strip() == out.strip()
    assert out.index("10:00 助浴 · 李大爷") < out.index("14:00 助浴 · 王秀英")
    assert Chat(bot, 5099).say("/今日上门").strip() != out.strip()  # a resident sees no list
    clock.advance(days=1)
    assert "今天没有上门预约" in provider.say("/今日上门")


def test_a_rented_care_bed_is_returned_in_own_words(bot: App) -> None:
    chat = Chat(bot, 5100)
    chat.say("给我妈约明天上午十点租护理床")
    out = chat.say("王秀英 13812345678")
    assert "服务：护理床租赁" in out and "地点：颐养服务中心（南塘街道）" in out
    number = NUMBER.search(chat.say("确认预约")).group(0)  # type: ignore[union-attr]
    assert "确定取消 护理床租赁" in chat.say("把我订的护理床退了")
    chat.say("确定取消")
    with bot.uow() as uow:
        saved = uow.bookings.get(number)
    assert saved is not None and saved.status == Status.CANCELLED and "护理床退了" in saved.reason


def test_a_move_said_in_own_words_moves_the_booking(bot: App) -> None:
    chat = Chat(bot, 5110)
    number = book_for_mum(chat)
    out = chat.say("帮我把明天的助浴改到后天上午十点")
    assert "已改到 12月2日（周三）上午10:00" in out and number in out
    with bot.uow() as uow:
        saved = uow.bookings.get(number)
    assert saved is not None and saved.status == Status.BOOKED


def test_my_bookings_lists_what_is_still_to_come_and_how_to_change_it(bot: App) -> None:
    chat = Chat(bot, 5030)
    assert texts.BOOK_MINE_EMPTY in chat.say("我的预约")  # not "没有要取消的预约"
    number = book_for_mum(chat)
    out = chat.say("我的预约")
    assert f"{number} · 助浴 · 明天下午2:00 · 给母亲王秀英" in out and texts.BOOK_MINE_HOW in out, out
    assert "报修或建议记录" not in out
    chat.say("我要预约助浴")  # a new booking under way: asking for the list leaves it for the list
    assert number in chat.say("看看我的预约")
