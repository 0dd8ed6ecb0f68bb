"""Staff whose reach covers several 村社 choose where a push or warning goes, by buttons.

Staff levels (街道/区/市) come from another workstream; here a 村社 secretary's turns are widened
to their 街道's communities, which is what a 街道 member's turns see.
"""

from __future__ import annotations

import pytest

from bot.app import App
from bot.cli.common import seed_config_shelters
from bot.dialogue.engine import DialogueEngine
from domain.residents import Address, Resident
from tests.fixtures import clean_env, database_url  # noqa: F401
from tests.integration.test_community_isolation import A_RESIDENT as IN_A
from tests.integration.test_community_isolation import A_SECRETARY, N_SECRETARY, J, N, city  # noqa: F401
from tests.support.chat import Chat

IN_J = 9203
J_STAFF_CHAT = -1002000200001


@pytest.fixture
def town(city: App) -> App:  # noqa: F811
    """The three communities with their shelters, and a resident in 金竹 too."""
    for code in city.codes():
        seed_config_shelters(city.tenant(code))
    with city.tenant(J).uow() as uow:
        uow.residents.add(Resident(name="测试居民", phone="13900009203", verified=True,
                                   address=Address("J1", "1", "1", "101"), user_id=IN_J, chat_id=IN_J))
        uow.commit()
    return city


@pytest.fixture
def street_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    """南垟's secretary sees both 村社 of 南白象街道, as a 街道 member does."""
    placed = DialogueEngine._placed

    def wider(self: DialogueEngine, uow, event, now, state):  # type: ignore[no-untyped-def,unused-ignore]
        turn = placed(self, uow, event, now, state)
        if event.user_id == N_SECRETARY:
            uow.scope_to(uow.community, frozenset({N, J}))
        return turn

    monkeypatch.setattr(DialogueEngine, "_placed", wider)


def test_a_street_wide_policy_push_chosen_by_buttons(town: App, street_reach: None) -> None:
    staff = Chat(town, N_SECRETARY)
    staff.say("发推送")
    staff.say("城乡居民最低生活保障")
    out = staff.say("全部居民")
    assert "发给哪里的居民" in out and "南白象街道（2个村社）" in out and "南垟社区" in out
    out = staff.say("南白象街道（2个村社）")
    assert "范围：南白象街道（2个村社）" in out and "共2位居民" in out
    assert "已发送 0/2" in staff.say("确认发送")
    assert "城乡居民最低生活保障" in Chat(town, IN_J).inbox()
    assert Chat(town, IN_A).inbox() == ""


def test_a_street_wide_warning_chosen_by_buttons(town: App, street_reach: None) -> None:
    staff = Chat(town, N_SECRETARY)
    assert "发给哪里的居民" in staff.say("发布预警")
    assert "要发布哪一级预警" in staff.say("南白象街道（2个村社）")
    staff.say("红色")
    staff.say("台风海葵红色预警")
    out = staff.say("台风今晚登陆 请大家不要外出")
    assert "范围：南白象街道（2个村社）" in out and "发给2位居民" in out
    assert "正在发给2位居民" in staff.say("确认发布")
    got = Chat(town, IN_J).inbox()
    assert "台风今晚登陆" in got and "金竹村文化礼堂" in got
    assert Chat(town, IN_A).inbox() == ""
    assert "本村社1位居民会收到" in Chat(town, J_STAFF_CHAT).inbox()


def test_a_secretary_of_one_community_is_not_asked_where(town: App) -> None:
    staff = Chat(town, A_SECRETARY)
    assert "要发布哪一级预警" in staff.say("发布预警")
