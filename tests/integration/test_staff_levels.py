"""Staff by level: a 街道's and a 区's staff act on every community below them, city staff look
at all (acting only with a role), a 村社's staff stay in their own; forged presses change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.app import App
from bot.callbacks import STAFF
from bot.cli.common import sync_city_staff
from bot.config import load_config
from bot.events import Inbound, Reply
from domain.reports import Status
from storage import migrate
from tests.fixtures import clean_env, database_url, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import N_SECRETARY, A, J, N, _report, _resident
from tests.support.chat import Chat, Clock, staffed_city

STREET, DISTRICT, CITY_VIEWER, CITY_ROLE = 740000001, 740000002, 750000001, 750000002
N_GRID1 = 710000002  # 潘丽君, 网格员 of 南垟's 第一网格 (南垟花园)
A_RESIDENT, N_RESIDENT, J_RESIDENT = 820001, 820002, 820003
CITY_STAFF = [
    {"code": "NBX01", "name": "南白象街道李主任", "level": "街道", "reach": "南白象街道",
     "user_id": STREET, "role": "书记"},
    {"code": "OH01", "name": "瓯海区王科长", "level": "区", "reach": "瓯海区", "user_id": DISTRICT,
     "role": "社工"},
    {"code": "WZ01", "name": "市民政局赵处长", "level": "市", "user_id": CITY_VIEWER},
    {"code": "WZ02", "name": "市民政局钱科员", "level": "市", "user_id": CITY_ROLE, "role": "社工"},
]


@pytest.fixture
def city(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Iterator[App]:  # noqa: F811
    """Three communities, each with its staff, and the city's staff above them."""
    app = App(load_config(make_config_file(tmp_path / "etc", database_url, city=True,
                                           changes={"city_staff": CITY_STAFF})))
    try:
        migrate.upgrade(app.engine)
        staffed_city(app, Clock())
        sync_city_staff(app, {})
        _resident(app, A, A_RESIDENT, "13900000011", "E1")
        _resident(app, N, N_RESIDENT, "13900000012", "N1")
        _resident(app, J, J_RESIDENT, "13900000013", "J2")
        yield app
    finally:
        app.close()


@pytest.fixture
def numbers(city: App) -> dict[str, str]:
    """One open report in each community."""
    return {A: _report(city, A_RESIDENT, "翠微苑3幢2单元楼道灯坏了好几天了"),
            N: _report(city, N_RESIDENT, "南垟花园5幢楼道灯坏了"),
            J: _report(city, J_RESIDENT, "金竹新苑6幢门口路灯不亮了")}


def press(app: App, user: int, data: str) -> list[Reply]:
    return app.dialogue.handle(Inbound(chat_id=user, user_id=user, kind="button", data=data))


def shown(replies: list[Reply]) -> str:
    return "\n".join(r.text + r.notice for r in replies)


def status(app: App, number: str) -> tuple[Status, int]:
    with app.uow() as uow:
        r = uow.reports.get(number)
        assert r is not None
        return r.status, r.version


def test_street_staff_see_and_act_on_every_community_of_their_street_not_others(
        city: App, numbers: dict[str, str]) -> None:
    street = Chat(city, STREET)
    todo = street.say("待办")
    assert numbers[N] in todo and numbers[J] in todo and numbers[A] not in todo
    assert "南垟社区" in todo and "金竹村" in todo  # each line says whose it is
    card = street.say(numbers[N])
    # The card in 南垟's own words (its estates), though the street also holds 金竹.
    assert "【南垟社区】" in card and "地点：南垟花园" in card
    assert "翠微苑" not in street.say(numbers[A])
    accepted = press(city, STREET, STAFF.data("acc", numbers[N]))
    assert status(city, numbers[N])[0] == Status.ACCEPTED, shown(accepted)
    assert "地点：南垟花园" in shown(accepted)
    assert "已受理（南白象街道李主任）" in shown(accepted)  # by name, though in no community's list
    # The resident hears of it from their own community.
    assert "受理" in Chat(city, N_RESIDENT).inbox()
    # 南垟's 书记, pressing too late, is told who acted.
    late = press(city, N_SECRETARY, STAFF.data("acc", numbers[N]))
    assert "南白象街道李主任" in shown(late)
    before = status(city, numbers[A])
    refused = press(city, STREET, STAFF.data("acc", numbers[A]))
    assert status(city, numbers[A]) == before and refused and "翠微苑" not in shown(refused)


def test_district_staff_reach_every_street_of_their_district(city: App, numbers: dict[str, str]) -> None:
    todo = Chat(city, DISTRICT).say("待办")
    assert numbers[N] in todo and numbers[J] in todo and numbers[A] not in todo


def test_a_grid_worker_sees_only_their_own_community(city: App, numbers: dict[str, str]) -> None:
    todo = Chat(city, N_GRID1).say("待办")
    assert numbers[N] in todo and numbers[J] not in todo and numbers[A] not in todo


def test_city_staff_see_everything_but_change_nothing_without_a_role(
        city: App, numbers: dict[str, str]) -> None:
    viewer = Chat(city, CITY_VIEWER)
    todo = viewer.say("待办")
    assert all(n in todo for n in numbers.values())
    assert "翠微苑" in viewer.say(numbers[A])  # a card to look at
    for action in ("acc", "prog", "done", "rej", "dup", "asg", "ph"):
        before = status(city, numbers[A])
        replies = press(city, CITY_VIEWER, STAFF.data(action, numbers[A]))
        assert any(r.notice == texts.STAFF_VIEW_ONLY for r in replies), (action, shown(replies))
        assert status(city, numbers[A]) == before
        assert "139" not in shown(replies)
    press(city, CITY_ROLE, STAFF.data("acc", numbers[A]))  # given a role, they act
    assert status(city, numbers[A])[0] == Status.ACCEPTED


def _args(action: str, number: str) -> list[Any]:
    values = {"number": number, "code": "S03", "id": 1, "stars": 5, "slug": A}
    return [values[k] for k in STAFF.actions[action]]


@pytest.mark.parametrize("action", sorted(STAFF.actions))
def test_a_press_on_another_communitys_card_changes_nothing(
        city: App, numbers: dict[str, str], action: str) -> None:
    """A 南垟 grid worker, or the 南白象街道, forging a button of A's card: refused, nothing shown."""
    data = STAFF.data(action, *_args(action, numbers[A]))
    for user in (N_GRID1, STREET):
        before = status(city, numbers[A])
        replies = press(city, user, data)
        assert replies and all(r.notice for r in replies if not r.text), (user, shown(replies))
        assert "翠微苑" not in shown(replies) and "13900000011" not in shown(replies)
        assert texts.SYSTEM_ERROR not in shown(replies)
        assert status(city, numbers[A]) == before


def test_street_staff_file_nothing_in_their_own_name_and_are_told_what_they_can_do(city: App) -> None:
    street = Chat(city, STREET)
    assert texts.STAFF_LEVEL_FILES_NOTHING in street.say("我要报修 南垟花园5幢楼道灯坏了")
    assert texts.STAFF_LEVEL_FILES_NOTHING in street.say("南垟花园")
    with city.uow() as uow:
        assert uow.reports.list() == []
