"""A resident's own report filed in another community: opened, rated and reopened from home."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.app import App
from bot.config import load_config
from domain.residents import Address, Resident
from domain.usecases import handling
from storage import migrate
from tests.fixtures import clean_env, make_config_file  # noqa: F401
from tests.support.chat import Chat, Clock, staffed_city

LI = 61001  # a resident of 社区 A (翠微苑), from the roster
WANG = 61002  # her neighbour in 社区 A


@pytest.fixture
def city(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Iterator[App]:  # noqa: F811
    """The sample city; 李阿姨 and 王大爷 live in 社区 A."""
    path = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'cunshe.db'}", city=True)
    app = App(load_config(path))
    migrate.upgrade(app.engine)
    staffed_city(app, Clock())
    with app.tenant("lc-wuma-a").uow() as uow:
        uow.residents.add(Resident("李阿姨", "13900002222", Address("E1", "2", "1", "301"), verified=True,
                                   user_id=LI, chat_id=LI))
        uow.residents.add(Resident("王大爷", "13900003333", Address("E1", "3", "1", "101"), verified=True,
                                   user_id=WANG, chat_id=WANG))
        uow.commit()
    yield app
    app.close()


def filed_in_nanyang(app: App) -> tuple[Chat, str]:
    li = Chat(app, LI)
    li.say("南垟花园3幢的楼道灯坏了好几天了")
    li.say(texts.ESTATE_YES.format(place="南白象街道 南垟社区"))
    found = re.search(r"BS-\d{8}-\d{4}", li.say("确认提交"))
    assert found is not None, li.text
    return li, found.group(0)


def resolve(app: App, number: str) -> None:
    nanyang = app.tenant("oh-nbx-nanyang")
    with nanyang.uow() as uow:
        staff = next(s for s in uow.staff.list() if s.user_id and not s.read_only)
    for action in ("acc", "done"):
        handling.act_on_report(nanyang.uow(), number, staff.user_id or 0, action, app.dialogue.clock(), "灯换好了")


def test_her_report_filed_elsewhere_opens_from_her_list_and_by_number(city: App) -> None:
    li, number = filed_in_nanyang(city)
    out = li.say(texts.VIEW_BUTTON.format(number=number))
    assert f"工单号：{number}" in out and "南垟花园3幢" in out, out
    out = li.say(f"查一下{number}")
    assert f"工单号：{number}" in out and "楼道灯" in out, out


def test_she_rates_and_reopens_it_when_it_is_done(city: App) -> None:
    li, number = filed_in_nanyang(city)
    resolve(city, number)
    li.inbox()
    out = li.say(texts.RATE_BUTTONS_LABELS[4])  # the button on the 已办结 message
    assert texts.RATED.format(stars=5) in out, out
    with city.tenant("oh-nbx-nanyang").uow() as uow:
        assert (r := uow.reports.get(number)) is not None and r.rating == 5
    li.say(texts.REOPEN_BUTTON)
    out = li.say("灯还是不亮 晚上黑乎乎的")
    assert texts.REOPENED.format(kind="报修", number=number) in out, out
    with city.tenant("oh-nbx-nanyang").uow() as uow:
        assert (r := uow.reports.get(number)) is not None and r.status.value == "pending"


def test_a_typed_rating_reaches_the_report_elsewhere(city: App) -> None:
    li, number = filed_in_nanyang(city)
    resolve(city, number)
    out = li.say("很满意 谢谢你们")
    assert number in out and "5分" in out, out


def test_nobody_else_opens_it_and_her_home_staff_do_not_see_it(city: App) -> None:
    _, number = filed_in_nanyang(city)
    wang = Chat(city, WANG)
    out = wang.say(f"查一下{number}")
    assert "楼道灯" not in out and "南垟花园" not in out, out
    with city.tenant("lc-wuma-a").uow() as uow:
        staff = next(s for s in uow.staff.list() if s.user_id)
    boss = Chat(city, staff.user_id or 0)
    out = boss.say(f"查一下{number}")
    assert "楼道灯" not in out and "南垟花园" not in out, out
