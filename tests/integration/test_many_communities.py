"""Choosing one's community among many: by 街道/镇 or 区, by location (the nearest few), by a slip."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot import texts
from bot.app import App
from bot.config import load_config
from storage import migrate
from tests.benchmarks.bench_city import generate
from tests.fixtures import REPO, clean_env, make_config_file  # noqa: F401
from tests.integration.test_city_estates import chosen_community
from tests.support.chat import Chat, Clock, wire


def _village(folder: Path, code: str, name: str, lat: float, lon: float) -> None:
    """One more 村 in 南白象街道 (beside the sample's 南垟社区 and 金竹村)."""
    data = {"code": code, "name": name, "district": "瓯海区", "street": "南白象街道",
            "center": {"lat": lat, "lon": lon},
            "community": {"name": name, "staff_chat_id": -1003999000001, "office": {"phone": "0577-88990011"}},
            "estates": [{"code": "S1", "name": f"{name[:2]}小区", "grid": "G1", "lat": lat, "lon": lon}],
            "grids": [{"code": "G1", "name": "第一网格", "chat_id": -1004999000001}],
            "staff": [{"code": "S1", "name": "书记", "role": "书记", "user_id": 899000001}]}
    (folder / f"{code}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def many(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Iterator[App]:  # noqa: F811
    """The sample's three communities, 金山村 beside them, and 120 generated ones in 12 districts."""
    folder = tmp_path / "communities"
    shutil.copytree(REPO / "communities", folder)
    generate(folder, 120)
    _village(folder, "oh-nbx-jinshan", "金山村", 27.9300, 120.6700)
    path = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'cunshe.db'}",
                            changes={"communities_dir": str(folder)})
    app = App(load_config(path))
    migrate.upgrade(app.engine)
    wire(app, Clock())  # no staff: the generated files reuse staff codes
    yield app
    app.close()


def test_the_question_says_what_to_type_when_there_are_too_many_to_list(many: App) -> None:
    out = Chat(many, 850001).say("你好 我家楼道灯坏了")
    assert texts.PLACE_ASK_MANY in out and "点下面的按钮" not in out, out


def test_a_street_named_offers_its_communities_to_tap(many: App) -> None:
    chat = Chat(many, 850002)
    out = chat.say("我是南白象街道的")
    assert texts.PLACE_AREA_PICK.format(area="南白象街道") in out, out
    assert "南垟社区" in out and "金竹村" in out and "金山村" in out
    out = chat.say("金竹村")
    assert texts.PLACE_DONE.format(community="金竹村") in out, out
    assert chosen_community(many, 850002) == "oh-nbx-jinzhu"


def test_a_request_with_only_a_street_keeps_the_request_and_offers_the_street(many: App) -> None:
    chat = Chat(many, 850003)
    out = chat.say("南白象那边 我家楼道灯坏了好几天了")
    assert texts.PLACE_AREA_PICK.format(area="南白象街道") in out, out
    out = chat.say("南垟社区")
    assert "您是南垟社区的" in out and "哪个小区" in out, out  # the report goes on, not retyped


def test_a_district_named_offers_its_streets_then_their_communities(many: App) -> None:
    chat = Chat(many, 850004)
    out = chat.say("瓯海区的")
    assert texts.PLACE_AREA_STREETS.format(area="瓯海区") in out and "南白象街道" in out, out
    out = chat.say("南白象街道")
    assert texts.PLACE_AREA_PICK.format(area="南白象街道") in out, out
    assert "您是南垟社区的" in chat.say("南垟社区")
    assert chosen_community(many, 850004) == "oh-nbx-nanyang"


def test_a_location_offers_the_nearest_three_and_another_can_be_tapped(many: App) -> None:
    chat = Chat(many, 850005)
    out = chat.say("/location 27.9600 120.6900")  # inside 南垟's boundary
    assert "您是南白象街道 南垟社区的吗" in out and texts.PLACE_NEAR_OTHERS in out, out
    assert "南白象街道 金竹村" in out
    out = chat.say("南白象街道 金竹村")
    assert texts.PLACE_DONE.format(community="金竹村") in out, out
    assert chosen_community(many, 850005) == "oh-nbx-jinzhu"


def test_a_voice_slip_that_fits_several_names_offers_each(many: App) -> None:
    chat = Chat(many, 850006)
    out = chat.say("我是金足村的")  # 金竹村 or 金山村, one character misheard
    assert texts.PLACE_WHICH in out and "金竹村" in out and "金山村" in out, out
    assert texts.PLACE_DONE.format(community="金山村") in chat.say("南白象街道 金山村")


def test_moving_among_many_says_what_to_type_and_takes_a_street(many: App) -> None:
    chat = Chat(many, 850007)
    chat.say("我是南垟社区的")
    out = chat.say("换社区")
    assert texts.PLACE_MOVE_ASK_MANY.format(community="南垟社区") in out, out
    out = chat.say("南白象街道")
    assert texts.PLACE_AREA_PICK.format(area="南白象街道") in out, out
    assert "确认换到金山村吗" in chat.say("金山村")


def test_a_name_not_found_is_asked_again_without_pointing_at_buttons(many: App) -> None:
    chat = Chat(many, 850008)
    chat.say("我要报修 楼道灯坏了")
    out = chat.say("我是火星村的")
    assert texts.PLACE_ASK_AGAIN_MANY in out, out
