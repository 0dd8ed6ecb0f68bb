"""A resident in a city of communities never hits a dead end: 家属代办 by ID ending, reads unplaced."""

from __future__ import annotations

import re
from datetime import date

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
