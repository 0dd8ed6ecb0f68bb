"""A resident in a city of communities never hits a dead end: 家属代办 by ID ending, reads unplaced."""

from __future__ import annotations

import re
from datetime import date

from bot import texts
from bot.app import App
from domain.residents import Address, Resident
from tests.fixtures import clean_env, database_url, id_number, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import N_RESIDENT, J, N, city  # noqa: F401
from tests.support.chat import Chat

BOOKING = re.compile(r"[A-Z]{1,4}-\d{8}-\d{4}")
MUM_ID = id_number(date(1944, 8, 9), 321)


def _mum_in_jinzhu(app: App) -> None:
    with app.tenant(J).uow() as uow:
        uow.residents.add(Resident(name="王秀英", phone="13812345678", address=Address("J2", "1", "1", "101"),
                                   verified=True, id_number=MUM_ID))
        uow.commit()


def test_a_relative_books_for_a_parent_elsewhere_by_name_and_id_ending(city: App) -> None:  # noqa: F811
    _mum_in_jinzhu(city)
    chat = Chat(city, N_RESIDENT)  # lives in 南垟; her mother in 金竹村
    chat.say("帮我妈约明天下午两点的助浴")
    out = chat.say(f"王秀英 身份证后四位{MUM_ID[-4:]}")
    assert "服务：助浴" in out, out
    m = BOOKING.search(chat.say("确认预约"))
    assert m, chat.text
    with city.tenant(J).uow() as uow:
        booking = uow.bookings.get(m.group(0))
        assert booking is not None and booking.beneficiary == "王秀英" and booking.beneficiary_id is not None
    with city.tenant(N).uow() as uow:
        assert uow.bookings.list() == []


def test_a_wrong_id_ending_says_the_same_and_books_at_home(city: App) -> None:  # noqa: F811
    _mum_in_jinzhu(city)
    wrong = "0000" if MUM_ID[-4:] != "0000" else "1111"
    right, other = Chat(city, N_RESIDENT), Chat(city, N_RESIDENT + 1000, name="")
    right.say("帮我妈约明天下午两点的助浴")
    said_right = right.say(f"王秀英 身份证后四位{MUM_ID[-4:]}")
    with city.tenant(N).uow() as uow:  # a second 南垟 resident with the wrong ending
        uow.residents.add(Resident("陈大姐", "13900000099", Address("N1", "1", "1", "201"), verified=True,
                                   user_id=N_RESIDENT + 1000, chat_id=N_RESIDENT + 1000))
        uow.commit()
    other.say("帮我妈约明天下午两点的助浴")
    said_wrong = other.say(f"王秀英 身份证后四位{wrong}")
    # Nothing tells whether 王秀英 exists: the same summary whichever ending was typed.
    assert _summary(said_right) == _summary(said_wrong)
    m = BOOKING.search(other.say("确认预约"))
    assert m, other.text
    with city.tenant(N).uow() as uow:
        booking = uow.bookings.get(m.group(0))
        assert booking is not None and booking.beneficiary_id is None and booking.unverified


def _summary(out: str) -> str:
    return re.sub(r"\d{4}", "####", out)


def test_the_parents_booking_is_cancelled_from_home(city: App) -> None:  # noqa: F811
    _mum_in_jinzhu(city)
    chat = Chat(city, N_RESIDENT)
    chat.say("帮我妈约明天下午两点的助浴")
    chat.say("王秀英 13812345678")
    m = BOOKING.search(chat.say("确认预约"))
    assert m, chat.text
    out = chat.say("明天的助浴不约了")
    assert texts.BOOK_CANCEL_YES in out, out
    out = chat.say(texts.BOOK_CANCEL_YES)
    assert m.group(0) in out and "已取消" in out, out
    with city.tenant(J).uow() as uow:
        booking = uow.bookings.get(m.group(0))
        assert booking is not None and not booking.active


def test_reads_need_no_community_first(city: App) -> None:  # noqa: F811
    chat = Chat(city, 860001)  # new here: not bound, no community said
    out = chat.say("查一下我的报修")
    assert texts.NO_REPORTS in out and texts.PLACE_ASK not in out, out
    out = chat.say("我的预约")
    assert texts.BOOK_MINE_EMPTY in out and texts.PLACE_ASK not in out, out
    out = chat.say("我的信息")
    assert texts.MY_DATA_NONE in out and texts.ME_NO_COMMUNITY in out, out
    assert texts.PLACE_ASK not in out and "报修或建议记录" not in out


def test_my_info_typed_shows_my_info_once_placed(city: App) -> None:  # noqa: F811
    chat = Chat(city, N_RESIDENT)
    out = chat.say("我的信息")
    assert "所在社区：南垟社区" in out and "报修或建议记录" not in out, out


def test_moving_mid_form_is_asked_not_taken_for_an_answer(city: App) -> None:  # noqa: F811
    chat = Chat(city, 860002)
    chat.say("我是南垟社区的")
    chat.say("我要报修")
    out = chat.say("换社区")
    assert "要换到哪个社区或村" in out and "这属于哪一类" not in out, out
    out = chat.say("金竹村")
    assert "确认换到金竹村吗" in out, out
    out = chat.say(texts.PLACE_MOVE_YES)
    assert "已换到金竹村" in out and texts.PLACE_MOVED_FORM_DROPPED in out, out
    assert "金竹村一组" in chat.say("楼道灯坏了")  # the new community's 小区 now


def test_moving_with_the_new_name_mid_form_asks_to_confirm_it(city: App) -> None:  # noqa: F811
    chat = Chat(city, 860003)
    chat.say("我是金竹的")
    chat.say("楼道灯坏了")
    out = chat.say("我换社区了 我是南垟社区的")
    assert "确认换到南垟社区吗" in out, out


def test_a_description_mentioning_a_move_is_still_the_description(city: App) -> None:  # noqa: F811
    chat = Chat(city, 860004)
    chat.say("我是金竹的")
    chat.say("我要报修")
    out = chat.say("我搬家了 新家门口的路灯不亮")
    assert "要换到哪个社区" not in out and "确认换到" not in out, out


def test_ten_short_messages_before_the_community_are_all_kept(city: App) -> None:  # noqa: F811
    chat = Chat(city, 860005)
    lines = ["我想", "报个修", "我家", "楼道的灯", "坏了", "好几天了", "晚上", "黑乎乎的", "看不见"]
    outs = [chat.say(line) for line in lines]
    assert all("请问您是哪个社区或村的" in out for out in outs), outs
    assert not any(texts.PLACE_ASK_AGAIN in out for out in outs), outs  # none of it was a name
    chat.say("南垟社区")
    out = chat.say("南垟花园")
    assert "我家" in out and "楼道的灯" in out and "看不见" in out, out


def test_a_name_not_found_is_asked_again(city: App) -> None:  # noqa: F811
    chat = Chat(city, 860006)
    chat.say("楼道灯坏了")
    assert texts.PLACE_ASK_AGAIN in chat.say("我是北京社区的")
