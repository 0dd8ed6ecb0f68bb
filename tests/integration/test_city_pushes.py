"""Pushes and warnings by place: a 村社, a 街道, a 区 or the whole city (issue 13 point 5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import alerts, pushes
from bot.alerts import send_alert
from bot.app import App
from bot.cli.common import seed_config_shelters
from bot.outbox import from_payload
from bot.reach import resolve
from domain.alerts import Alert
from domain.errors import OutOfReach
from domain.pushes import ALERT, NOTICE, STREET
from domain.residents import Address, Resident
from tests.fixtures import clean_env, database_url, run_cli  # noqa: F401
from tests.integration.test_community_isolation import A_RESIDENT as IN_A
from tests.integration.test_community_isolation import N_RESIDENT as IN_N
from tests.integration.test_community_isolation import A, J, N, city  # noqa: F401  (a fixture)

DATA = Path(__file__).resolve().parents[1] / "data"
# chat ids: a resident of 金竹, and one of 金竹 who switched 通知 and 预警 off
IN_J, J_QUIET = 9103, 9104
J_STAFF_CHAT = -1002000200001
NOW = datetime.now(UTC)


@pytest.fixture
def town(city: App) -> App:  # noqa: F811
    """The three communities with their shelters; 金竹 gets two residents, one who said no."""
    for code in city.codes():
        seed_config_shelters(city.tenant(code))
    _resident(city, J, IN_J, "J1")
    quiet = _resident(city, J, J_QUIET, "J2")
    with city.tenant(J).uow() as uow:
        for topic in (NOTICE, ALERT):
            uow.subscriptions.switch(quiet, topic, False, NOW)
        uow.commit()
    return city


def _resident(app: App, code: str, chat: int, estate: str) -> int:
    with app.tenant(code).uow() as uow:
        added = uow.residents.add(Resident(name="测试居民", phone=f"139000{chat}", verified=True,
                                           address=Address(estate, "1", "1", "101"), user_id=chat, chat_id=chat))
        uow.commit()
    assert added.id is not None
    return added.id


def _texts(app: App, chat: int) -> list[str]:
    with app.uow() as uow:
        due = uow.outbox.due(NOW + timedelta(days=1), limit=1000)
    return [from_payload(m.payload).text for m in due if m.chat_id == chat]


def _chats(app: App, push_id: int) -> set[int]:
    with app.uow() as uow:
        due = uow.outbox.due(NOW + timedelta(days=1), limit=1000)
    return {m.chat_id for m in due if m.push_id == push_id}


def test_a_push_to_a_street_reaches_its_communities_only_and_keeps_opt_outs(town: App) -> None:
    spec = {"kind": "notice", "title": "停水通知", "text": "明天上午停水。", "topic": NOTICE,
            "reach": {"level": STREET, "name": "南白象街道"}}
    with town.uow() as uow:
        push_id = pushes.send(town, uow, spec, started_by=None, now=NOW)
        uow.commit()
    assert _chats(town, push_id) == {IN_N, IN_J}  # not A's resident, not the one who said no
    with town.uow() as uow:
        push = uow.pushes.get(push_id)
    assert push is not None and push.total == 2
    assert push.targets["reach"] == {"level": STREET, "name": "南白象街道", "district": "瓯海区",
                                     "communities": 2}


def test_a_community_staff_member_cannot_push_to_the_whole_street(town: App) -> None:
    spec = {"kind": "notice", "title": "通知", "text": "x", "reach": {"level": STREET, "name": "南白象街道"}}
    with town.tenant(N).uow() as uow, pytest.raises(OutOfReach):
        pushes.send(town.tenant(N), uow, spec, started_by="N01", now=NOW)


def test_a_warning_from_one_community_reaches_only_its_residents(town: App) -> None:
    nanyang = town.tenant(N)
    with nanyang.uow() as uow:
        alert = send_alert(nanyang, uow, Alert(level="黄", title="暴雨黄色预警", text="注意防范。", source="气象台",
                                               created_by="N01", created_at=NOW), NOW)
        uow.commit()
    assert alert.recipients == 1 and _texts(town, IN_N) and not _texts(town, IN_A)


def test_a_city_wide_warning_gives_a_border_resident_the_nearest_shelters_of_any_community(town: App) -> None:
    with town.tenant(A).uow() as uow:  # A's resident is visiting 金竹 and shared where they are
        resident = uow.residents.by_user(IN_A)
        assert resident is not None and resident.id is not None
        uow.alerts.remember_location(resident.id, 27.9450, 120.6785, NOW)
        uow.commit()
    with town.uow() as uow:
        alert = send_alert(town, uow, Alert(level="红", title="台风红色预警", text="海葵来了。", source="市气象台",
                                            created_by="cli", created_at=NOW), NOW, resolve(town, "city"))
        uow.commit()
    assert alert.recipients == 3  # A, 南垟, 金竹; not the resident who switched 预警 off
    (a_text,) = _texts(town, IN_A)
    assert a_text.index("金竹村文化礼堂") < a_text.index("南白象街道中心小学")  # 金竹's hall is nearest
    assert "松台小学" not in a_text  # A's own shelters are kilometres away
    (n_text,) = _texts(town, IN_N)
    assert "南垟花园" in n_text and "南垟社区文化礼堂" in n_text  # measured from their own estate
    assert not _texts(town, J_QUIET)
    (notice,) = _texts(town, J_STAFF_CHAT)  # each community's staff hear how many of theirs got it
    assert "全市（3个村社）" in notice and "本村社1位居民会收到" in notice


def test_a_family_phone_gets_a_city_wide_warning_once(town: App, monkeypatch: pytest.MonkeyPatch) -> None:
    # A daughter's phone is the chat of her own record in A and of her mother's in 金竹; the
    # residents are read a page at a time (one per page here), so they are on different pages.
    monkeypatch.setattr(alerts, "BATCH", 1)
    with town.tenant(J).uow() as uow:
        uow.residents.add(Resident(name="测试母亲", phone="13900009105", verified=True,
                                   address=Address("J1", "2", "1", "201"), chat_id=IN_A))
        uow.commit()
    with town.uow() as uow:
        alert = send_alert(town, uow, Alert(level="红", title="台风红色预警", text="海葵来了。", source="市气象台",
                                            created_by="cli", created_at=NOW), NOW, resolve(town, "city"))
        uow.commit()
    assert alert.recipients == 3  # A (the daughter's chat), 南垟, 金竹; the mother's is the same chat
    assert len(_texts(town, IN_A)) == 1


def test_cli_pushes_and_alerts_by_place(town: App, tmp_path: Path) -> None:
    text = tmp_path / "notice.txt"
    text.write_text("周六上午社区义诊。", encoding="utf-8")
    cli = ("--config", tmp_path / "etc" / "config.yaml")  # the city fixture's
    sent = run_cli(*cli, "pushes", "send", "--title", "义诊", "--text", text, "--street", "南白象街道",
                   "--no-wait")
    assert sent.code == 0, sent.err
    assert "2 位居民" in sent.out and "范围：南白象街道（2个村社）" in sent.out
    listed = run_cli(*cli, "pushes", "list")
    assert "南白象街道（2个村社）" in listed.out
    push_id = json.loads(run_cli(*cli, "pushes", "list", "--json").out)[0]["id"]
    assert "范围：南白象街道（2个村社）" in run_cli(*cli, "pushes", "show", str(push_id)).out
    one = run_cli(*cli, "pushes", "send", "--title", "义诊", "--text", text, "--to-community", "金竹村",
                  "--no-wait")
    assert one.code == 0 and "1 位居民" in one.out and "范围：金竹村" in one.out
    unknown = run_cli(*cli, "pushes", "send", "--title", "x", "--text", text, "--district", "火星区")
    assert unknown.code == 2 and "火星区" in unknown.err
    warned = run_cli(*cli, "alerts", "send", "--level", "橙", "--title", "暴雨", "--text", text,
                     "--district", "瓯海区")
    assert warned.code == 0 and "2位居民" in warned.out and "范围：瓯海区（2个村社）" in warned.out
    # The sample CAP file is for 温州市鹿城区: of the three communities, only A is in 鹿城区.
    imported = run_cli(*cli, "alerts", "import", DATA / "cap_typhoon_red.xml")
    assert imported.code == 0, imported.err
    assert "范围：鹿城区（1个村社）" in imported.out and "1位居民" in imported.out
    assert any("海葵" in t for t in _texts(town, IN_A)) and not any("海葵" in t for t in _texts(town, IN_N))
