"""Dialogues: a resident names an estate of another community, or one several communities have."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.app import App
from bot.config import load_config
from bot.dialogue.state import ChatState
from domain.residents import Address, Resident
from storage import migrate
from tests.fixtures import clean_env, make_config_file  # noqa: F401
from tests.support.chat import Chat, Clock, staffed
from tests.unit.test_estates import twin_city

LI = 61001  # a resident of 社区 A (翠微苑), from the roster


@pytest.fixture
def city_app(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Iterator[App]:  # noqa: F811
    """社区 A's app in a city of four communities, two of them with a 金竹新苑."""
    path = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'cunshe.db'}",
                            changes={"communities_dir": str(twin_city(tmp_path))})
    app = App(load_config(path))
    migrate.upgrade(app.engine)
    staffed(app, Clock())
    with app.uow() as uow:
        uow.residents.add(Resident("李阿姨", "13900002222", Address("E1", "2", "1", "301"), verified=True,
                                   user_id=LI, chat_id=LI))
        uow.commit()
    yield app
    app.close()


def chosen_community(app: App, chat_id: int) -> str | None:
    with app.uow() as uow:
        stored = uow.conversations.load(chat_id)
    return ChatState.from_dict(stored[0]).community or None if stored else None


def test_an_estate_of_one_other_community_is_offered_for_confirmation(city_app: App) -> None:
    li = Chat(city_app, LI)
    out = li.say("南垟花园3幢的楼道灯坏了好几天了")
    assert texts.ESTATE_ELSEWHERE.format(estate="南垟花园", place="南白象街道 南垟社区") in out
    assert "核对" not in out  # nothing filed or summed up before the resident says which
    out = li.say(texts.ESTATE_YES.format(place="南白象街道 南垟社区"))
    assert "地点：南垟花园3幢\n" in out and "翠微苑" not in out  # not her roster flat either
    assert chosen_community(city_app, LI) is None  # she still lives in 社区 A
    number = re.search(r"BS-\d{8}-\d{4}", li.say("确认提交"))
    assert number is not None, li.text
    with city_app.tenant("oh-nbx-nanyang").uow() as uow:  # 南垟's staff have it, A's do not
        assert [r.number for r in uow.reports.list()] == [number.group(0)]
    with city_app.tenant("lc-wuma-a").uow() as uow:
        assert uow.reports.list() == []
    assert number.group(0) in li.say("查进度")  # and it is in her own list


def test_not_that_one_asks_for_a_place_of_the_residents_own_community(city_app: App) -> None:
    li = Chat(city_app, LI)
    li.say("南垟花园那边路灯不亮了")
    out = li.say(texts.ESTATE_NO)
    assert texts.ASK_PLACE.format(example="翠微苑") in out  # her own community's 小区 as the example
    assert chosen_community(city_app, LI) is None


def test_a_name_two_communities_have_asks_which(city_app: App) -> None:
    li = Chat(city_app, LI)
    out = li.say("金竹新苑3幢楼道灯坏了")
    assert texts.ESTATE_WHICH.format(estate="金竹新苑") in out
    assert "南白象街道 金竹村" in out and "松台街道 松台社区" in out and texts.ESTATE_NONE_OF in out
    out = li.say("松台街道 松台社区")
    assert texts.ESTATE_CHOSEN.format(place="松台街道 松台社区", estate="金竹新苑") in out
    assert "地点：金竹新苑3幢\n" in out
    assert chosen_community(city_app, LI) is None  # the place is there; she still lives in 社区 A


def test_an_own_estate_is_never_asked_about(city_app: App) -> None:
    li = Chat(city_app, LI)
    out = li.say("翠微苑5幢水管漏水了")
    assert "地点：翠微苑5幢" in out and "哪个社区" not in out and "这里吗" not in out


def test_shelters_near_an_estate_of_another_community(city_app: App) -> None:
    li = Chat(city_app, LI)
    out = li.say("南垟花园附近的避灾点在哪里")
    assert "离南垟花园（南白象街道 南垟社区）最近的避灾点" in out and "南垟社区文化礼堂" in out
    out = li.say("金竹新苑附近有没有避难的地方")
    assert texts.ESTATE_WHICH.format(estate="金竹新苑") in out
    out = li.say("南白象街道 金竹村")
    assert "离金竹新苑（南白象街道 金竹村）最近的避灾点" in out and "金竹村文化礼堂" in out
    assert chosen_community(city_app, LI) is None  # asking about a place is not moving there
