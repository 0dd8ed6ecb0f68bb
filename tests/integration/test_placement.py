"""A resident's community in a city deployment: asked early, what they said kept; by name, place, roster; 换社区."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from domain.residents import Address, Resident
from storage import migrate
from tests.fixtures import REPO, clean_env, database_url, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import N_RESIDENT, A, J, N, city  # noqa: F401
from tests.support.chat import Chat, Clock, wire

ASKED = "请问您是哪个社区或村的"
NUMBER = re.compile(r"BS-\d{8}-\d{4}")


def _reports(app: App, code: str) -> list[str]:
    with app.tenant(code).uow() as uow:
        return [r.description for r in uow.reports.list()]


def _file_report(chat: Chat, out: str) -> str:
    """From the 小区 question on: tap the first 小区, say the building, submit; the number."""
    assert "在哪个小区" in out, out
    out = chat.say("1")
    if "核对" not in out:  # the building asked for
        out = chat.say("5幢")
    assert "请您核对一下" in out, out
    m = NUMBER.search(chat.say("确认提交"))
    assert m, chat.text
    return m.group(0)


def test_a_report_said_before_the_community_is_kept_and_answered_after_one_tap(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840001)
    out = chat.say("你好 我家楼道灯坏了好几天了")
    assert ASKED in out and "南白象街道 南垟社区" in out and "都不是，我打字说" in out
    out = chat.say("南白象街道 南垟社区")
    assert "您是南垟社区的" in out and "南垟花园" in out
    _file_report(chat, out)
    assert any("楼道灯坏了好几天" in d for d in _reports(city, N))  # not retyped: what they said first
    assert _reports(city, A) == [] and _reports(city, J) == []


def test_ten_short_lines_in_a_burst_are_one_request_kept_whole(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840002)
    burst = "\n".join(["你好", "我想", "报个修", "我家", "楼道的灯", "坏了", "好几天了", "晚上", "黑乎乎的", "看不见"])
    assert ASKED in chat.say(burst)
    out = chat.say("我住金竹村")
    assert "您是金竹村的" in out
    _file_report(chat, out)
    [description] = _reports(city, J)
    assert "楼道的灯" in description and "看不见" in description


def test_lines_sent_while_asked_are_added_to_what_is_kept(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840003)
    assert ASKED in chat.say("我要报修")
    assert ASKED in chat.say("楼道灯坏了")  # more of the request: kept too, asked again
    out = chat.say("南垟社区")
    _file_report(chat, out)
    assert any("楼道灯坏了" in d for d in _reports(city, N))


def test_a_voice_typing_slip_in_the_name_is_confirmed_with_one_tap(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840004)
    out = chat.say("我是南洋社区的")
    assert "您是南白象街道 南垟社区的吗" in out
    assert "您是南垟社区的" in chat.say("是的")
    out = chat.say("南洋社区 楼道灯坏了")
    _file_report(chat, out)
    assert len(_reports(city, N)) == 1


def test_a_misheard_estate_is_confirmed_by_a_typed_yes_and_used_as_the_place(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840014)
    assert ASKED in chat.say("我家楼道灯坏了")
    assert "您是南白象街道 南垟社区的吗" in chat.say("南洋花园3幢")  # 垟 voice-typed as 洋
    out = Chat(city, 840014).say("是的")  # typed, not tapped (a fresh channel: no button to map it to)
    assert "您是南垟社区的" in out and "地点：南垟花园3幢" in out, out
    chat = Chat(city, 840015)
    chat.say("我家楼道灯坏了")
    chat.say("南洋花园")
    assert "社区或村" in Chat(city, 840015).say("不是")  # asked again, nothing settled
    assert _reports(city, N) == []


@pytest.mark.parametrize(("said", "code", "name"), [
    ("我是南垟社区的", N, "南垟社区"), ("我住金竹村", J, "金竹村"), ("南白象街道南垟", N, "南垟社区"),
])
def test_saying_the_community_places_them_at_once(city: App, said: str, code: str, name: str) -> None:  # noqa: F811
    chat = Chat(city, 840005)
    out = chat.say(said)
    assert f"您是{name}的" in out and "吗" not in out
    out = chat.say("楼道灯坏了")
    assert ASKED not in out
    _file_report(chat, out)
    assert len(_reports(city, code)) == 1


def test_a_greeting_or_the_menu_asks_nothing(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840006)
    assert ASKED not in chat.say("你好")
    assert ASKED not in chat.say("菜单")
    assert ASKED not in chat.say("帮助")


def test_an_emergency_gets_safety_advice_first_and_only_once(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840007)
    out = chat.say("家里煤气味好大")
    assert out.index("燃气") < out.index(ASKED)
    out = chat.say("南垟社区")
    assert "您是南垟社区的" in out and "有燃气味" not in out  # said once, before the question


def test_a_shared_location_inside_a_boundary_is_confirmed_with_one_tap(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840008)
    assert ASKED in chat.say("我要报修 楼道灯坏了")
    out = chat.say("/location 27.9600 120.6900")  # inside 南垟's boundary
    assert "您是南白象街道 南垟社区的吗" in out
    out = chat.say("是的")
    _file_report(chat, out)
    assert len(_reports(city, N)) == 1


def test_a_location_near_a_village_names_the_nearest_and_no_lets_them_choose(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840009)
    out = chat.say("/location 27.9440 120.6770")
    assert "离您最近的是南白象街道 金竹村" in out
    out = chat.say("不是")
    assert ASKED in out
    out = chat.say("五马街道 A社区")
    assert "您是A社区的" in out
    assert "南垟" not in out and "金竹" not in out  # the location, answered in A: A's shelters


def test_a_resident_on_a_roster_anywhere_in_the_city_is_placed_by_sharing_their_contact(city: App) -> None:  # noqa: F811
    with city.tenant(J).uow() as uow:
        uow.residents.add(Resident(name="金阿婆", phone="13900000077", address=Address("J2", "2", "1", "101"),
                                   verified=True))
        uow.commit()
    chat = Chat(city, 840010)
    out = chat.say("/contact 13900000077")
    assert "金竹新苑" in out and "您所在的社区：金竹村" in out
    with city.tenant(J).uow() as uow:
        resident = uow.residents.by_user(840010)
        assert resident is not None and resident.community == J
    out = chat.say("我要报修 路灯坏了")
    assert ASKED not in out


def test_a_contact_not_on_any_roster_is_kept_until_they_choose(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840011)
    out = chat.say("/contact 13900000088")
    assert ASKED in out and out.startswith("记下了")  # the number is acknowledged, not ignored
    out = chat.say("金竹村")
    assert "您是金竹村的" in out
    with city.uow() as uow:
        resident = uow.residents.by_user(840011)
        assert resident is not None and resident.community == J and not resident.verified


def test_switching_community_asks_confirms_and_leaves_old_records_with_the_old_one(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840012)
    chat.say("南垟社区")
    _file_report(chat, chat.say("楼道灯坏了"))
    out = chat.say("我搬家了")
    assert "您现在是南垟社区的" in out and "南白象街道 金竹村" in out and "不换了" in out
    out = chat.say("南白象街道 金竹村")
    assert "确认换到金竹村吗" in out and "会留在南垟社区" in out
    assert "已换到金竹村" in chat.say("确认换")
    out = chat.say("我要报修 路灯坏了")
    assert ASKED not in out and "金竹新苑" in out
    assert len(_reports(city, N)) == 1 and _reports(city, J) == []  # the old report stays there


def test_my_data_has_a_switch_button_and_a_bound_resident_moves_with_it(city: App) -> None:  # noqa: F811
    chat = Chat(city, N_RESIDENT)
    chat.say("菜单")
    out = chat.say("我的信息")
    assert "所在社区：南垟社区" in out and "换社区" in out
    chat.say("换社区")
    chat.say("金竹村")
    out = chat.say("不换了")
    assert "还是南垟社区的" in out
    chat.say("换社区")
    chat.say("金竹村")
    chat.say("确认换")
    with city.uow() as uow:
        resident = uow.residents.by_user(N_RESIDENT)
        assert resident is not None and resident.community == J


@pytest.fixture
def shared_names(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Iterator[App]:  # noqa: F811
    """The sample plus another 南垟社区 in another 街道."""
    folder = tmp_path / "communities"
    shutil.copytree(REPO / "communities", folder)
    (folder / "lc-x-nanyang.yaml").write_text(
        "code: lc-x-nanyang\nname: 南垟社区\ndistrict: 鹿城区\nstreet: 滨江街道\n"
        "center: {lat: 28.0100, lon: 120.6700}\ncommunity: {staff_chat_id: -1002000900001}\n", encoding="utf-8")
    app = App(load_config(make_config_file(tmp_path / "etc", database_url,
                                           changes={"communities_dir": str(folder)})))
    try:
        migrate.upgrade(app.engine)
        wire(app, Clock())
        yield app
    finally:
        app.close()


def test_a_name_two_communities_share_is_told_apart_by_their_street(shared_names: App) -> None:
    chat = Chat(shared_names, 840013)
    out = chat.say("我是南垟社区的")
    assert "哪一个" in out and "南白象街道 南垟社区" in out and "滨江街道 南垟社区" in out
    assert "您是南垟社区的" in chat.say("滨江街道 南垟社区")
    out = Chat(shared_names, 840014).say("我是滨江街道南垟社区的")
    assert "您是南垟社区的" in out and "哪一个" not in out


def test_in_a_one_community_deployment_nobody_is_asked(tmp_path: Path, clean_env: pytest.MonkeyPatch,  # noqa: F811
                                                      database_url: str) -> None:  # noqa: F811
    app = App(load_config(make_config_file(tmp_path / "etc", database_url)))
    try:
        migrate.upgrade(app.engine)
        wire(app, Clock())
        chat = Chat(app, 840015)
        assert ASKED not in chat.say("你好 我家楼道灯坏了")
        chat.say("菜单")
        assert "换社区" not in chat.say("我的信息")
    finally:
        app.close()


def test_a_relative_books_in_their_parents_community(city: App) -> None:  # noqa: F811
    with city.tenant(J).uow() as uow:
        uow.residents.add(Resident(name="王秀英", phone="13812345678", address=Address("J2", "1", "1", "101"),
                                   verified=True))
        uow.commit()
    chat = Chat(city, N_RESIDENT)  # lives in 南垟; her mother in 金竹村
    assert "姓名和手机号" in chat.say("帮我妈约明天下午两点的助浴")
    out = chat.say("王秀英 13812345678")
    assert "服务：助浴" in out and "明天下午2:00" in out
    m = re.search(r"YY-\d{8}-\d{4}|[A-Z]{1,4}-\d{8}-\d{4}", chat.say("确认预约"))
    assert m, chat.text
    with city.tenant(J).uow() as uow:
        booking = uow.bookings.get(m.group(0))
        assert booking is not None and booking.beneficiary == "王秀英" and booking.beneficiary_id is not None
    with city.tenant(N).uow() as uow:
        assert uow.bookings.get(m.group(0)) is None and uow.bookings.list() == []


def test_a_relative_books_in_their_own_community_when_the_parent_lives_there_too(city: App) -> None:  # noqa: F811
    chat = Chat(city, N_RESIDENT)
    chat.say("帮我妈约明天下午两点的助浴")
    chat.say("李桂花 13812340000")  # on no roster: booked where the booker lives, as before
    m = re.search(r"[A-Z]{1,4}-\d{8}-\d{4}", chat.say("确认预约"))
    assert m, chat.text
    with city.tenant(N).uow() as uow:
        assert uow.bookings.get(m.group(0)) is not None


def test_the_menus_report_button_is_kept_too_and_the_greeting_names_no_one_elses_community(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840016)
    out = chat.say("你好")
    assert "村社通" in out and "A社区" not in out
    assert ASKED in chat.say("我要报修")  # the menu's button
    out = chat.say("南白象街道 金竹村")
    assert "您是金竹村的" in out and "哪里坏了" in out


def test_someone_placed_who_names_another_community_is_asked_to_confirm_the_move(city: App) -> None:  # noqa: F811
    chat = Chat(city, N_RESIDENT)
    out = chat.say("我是金竹村的")
    assert "确认换到金竹村吗" in out
    assert "还是南垟社区的" in chat.say("不换了")
    assert "您是南垟社区的" in chat.say("我是南垟社区的")


def test_an_emergency_while_asked_or_naming_an_estate_still_gets_the_advice_first(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840017)
    assert ASKED in chat.say("我要报修")
    out = chat.say("家里煤气味好大")
    assert out.index("有燃气味") < out.index(ASKED)
    out = Chat(city, 840018).say("南垟花园5幢煤气味好大")
    assert out.index("有燃气味") < out.index("南垟社区的吗")


def test_a_misheard_estate_in_the_report_itself_is_taken_and_shown_back(city: App) -> None:  # noqa: F811
    chat = Chat(city, 840016)
    chat.say("我是南垟社区的")
    out = chat.say("白相新村2幢路灯不亮")  # 白象新村, 象 heard as 相
    assert "地点：白象新村2幢" in out, out
