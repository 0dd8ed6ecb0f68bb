"""/今日上门 across communities: staff above several see theirs, each line naming its community,
bounded and narrowed like 待办; a partner's chat that serves several communities sees and marks all."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot import texts
from bot.app import App
from bot.callbacks import BOOKING
from bot.cli.common import sync_city_staff
from bot.config import load_config
from bot.events import Inbound
from bot.flows import visits_today
from domain.bookings import Booking, Status
from storage import migrate
from tests.fixtures import REPO, clean_env, database_url, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import A, J, N
from tests.integration.test_staff_levels import CITY_STAFF, STREET
from tests.support.chat import Chat, Clock, staffed_city

N_SECRETARY, PROVIDER, RESIDENT = 710000001, 850001, 850002
CARE_CHAT = -1002000000031  # 颐养服务中心: the care services' provider in every sample community
# Today is Monday 2026-11-30 (10:00 in Shanghai): one visit per line, (community, service, hour, number).
VISITS = [(A, "cleaning", 14, "YY-20261130-0001"), (N, "cleaning", 15, "YY-20261130-0002"),
          (J, "blood_pressure", 16, "YY-20261130-0003"), (N, "sbk_loss", 9, "YY-20261130-0004")]


@pytest.fixture
def city(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Iterator[App]:  # noqa: F811
    """Three communities, the city's staff, and today's visits in each."""
    app = App(load_config(make_config_file(tmp_path / "etc", database_url, city=True, changes={
        "city_staff": CITY_STAFF, "communities_dir": str(partnered(tmp_path / "communities"))})))
    try:
        migrate.upgrade(app.engine)
        staffed_city(app, Clock())
        sync_city_staff(app, {})
        for code, service, hour, number in VISITS:
            with app.tenant(code).uow() as uow:
                start = datetime(2026, 11, 30, hour - 8, 0, tzinfo=UTC)
                uow.bookings.add(Booking(service=service, start=start, booker_user_id=RESIDENT,
                                         booker_chat_id=RESIDENT, beneficiary="测试居民", number=number,
                                         key=number, created_at=start))
                uow.commit()
        yield app
    finally:
        app.close()


def partnered(folder: Path) -> Path:
    """The sample communities, 金竹村 naming config.yaml's 颐养服务中心 as its care partner too."""
    shutil.copytree(REPO / "communities", folder)
    services = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["services"]
    for group in services["care"]:
        group["provider_chat"] = CARE_CHAT
    path = folder / f"{J}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**data, "services": services}, allow_unicode=True), encoding="utf-8")
    return folder


def line_of(text: str, number: str) -> str:
    return next((line for line in text.splitlines() if number in line), "")


def test_street_staff_see_today_visits_of_their_communities_each_naming_it(
        city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    street = Chat(city, STREET)
    out = street.say("/今日上门")
    assert texts.BOOK_TODAY.format(n=3, lines="").strip() in out, out
    assert "15:00 居家保洁" in line_of(out, "0002") and "（南垟社区）" in line_of(out, "0002"), out
    assert "16:00 上门测血压" in line_of(out, "0003") and "（金竹村）" in line_of(out, "0003"), out
    assert "（南垟社区）" in line_of(out, "0004") and "YY-20261130-0001" not in out  # 社区 A: not theirs
    assert out.index("0004") < out.index("0002") < out.index("0003")  # time order across communities
    # A 村社's own 书记: their community only, no names needed
    own = Chat(city, N_SECRETARY).say("/今日上门")
    assert "0002" in own and "0004" in own and "0003" not in own and "（南垟社区）" not in own
    # Bounded like 待办: the rest counted, a button per community, or its name typed
    monkeypatch.setattr(visits_today, "SHOWN", 1)
    out = street.say("今日上门")
    assert "0004" in out and "0002" not in out and texts.BOOK_TODAY_REST.format(n=2) in out, out
    labels = {b.text: b.data for r in street.replies for row in r.buttons for b in row}
    assert set(labels) == {"南垟社区（2个）", "金竹村（1个）"}, labels
    pressed = city.dialogue.handle(Inbound(chat_id=STREET, user_id=STREET, kind="button",
                                           data=labels["金竹村（1个）"] or ""))
    assert "0003" in pressed[0].text and "0002" not in pressed[0].text, pressed
    narrowed = street.say("今日上门 南垟社区")
    assert "0004" in narrowed and "0003" not in narrowed and texts.BOOK_TODAY_REST.format(n=1) in narrowed
    assert texts.WORKLIST_NOT_IN_REACH.format(community="A社区") in street.say("今日上门 A社区")
    forged = city.dialogue.handle(Inbound(chat_id=STREET, user_id=STREET, kind="button",
                                          data=BOOKING.data("today", A)))
    assert "0001" not in forged[0].text and texts.WORKLIST_NOT_IN_REACH.split("{")[0] in forged[0].text


def test_a_partners_chat_lists_and_marks_the_visits_of_every_community_it_serves(city: App) -> None:
    provider = Chat(city, PROVIDER, chat_id=CARE_CHAT)
    out = provider.say("/今日上门")
    assert texts.BOOK_TODAY.format(n=2, lines="").strip() in out, out
    assert "（A社区）" in line_of(out, "0001") and "（金竹村）" in line_of(out, "0003"), out
    assert "0002" not in out and "0004" not in out  # 南垟 names no partner: its own staff chat's
    [same] = city.dialogue.handle(Inbound(kind="command", chat_id=CARE_CHAT, user_id=PROVIDER, text="today"))
    assert same.text.strip() == out.strip()
    # 已上门 on 金竹村's visit, and the note asked after it, are kept there
    done = city.dialogue.handle(Inbound(chat_id=CARE_CHAT, user_id=PROVIDER, kind="button",
                                        data=BOOKING.data("vd", "YY-20261130-0003")))
    assert texts.BOOK_VISIT_MARKED["done"] in done[0].text, done
    assert "已记在" in provider.say("老人血压正常")
    with city.tenant(J).uow() as uow:
        b = uow.bookings.get("YY-20261130-0003")
    assert b is not None and b.status == Status.DONE and b.staff_note == "老人血压正常"
    # 南垟's visit is not theirs: pressing on it (a forged button) changes nothing
    refused = city.dialogue.handle(Inbound(chat_id=CARE_CHAT, user_id=PROVIDER, kind="button",
                                           data=BOOKING.data("vd", "YY-20261130-0002")))
    assert refused and texts.BOOK_VISIT_MARKED["done"] not in refused[0].text
    with city.tenant(N).uow() as uow:
        assert uow.bookings.get("YY-20261130-0002").status == Status.BOOKED  # type: ignore[union-attr]
    # 南垟's staff chat, its provider now, sees its own; a resident's private chat no list at all
    n_chat = city.tenant(N).services["cleaning"].provider_chat or 0
    own = Chat(city, PROVIDER + 1, chat_id=n_chat).say("/今日上门")
    assert "0002" in own and "0004" in own and "0003" not in own and "（南垟社区）" not in own, own
    assert "今日上门" not in Chat(city, RESIDENT).say("/今日上门")


def test_a_partner_in_a_private_chat_is_not_asked_which_community_they_live_in(
        tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> None:  # noqa: F811
    nurse = 9100001  # a person who takes 金竹村's care visits in their own chat, on no roster
    folder = partnered(tmp_path / "communities")
    path = folder / f"{J}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in data["services"]["care"]:
        group["provider_chat"] = nurse
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    app = App(load_config(make_config_file(tmp_path / "etc", database_url, city=True,
                                           changes={"communities_dir": str(folder)})))
    try:
        migrate.upgrade(app.engine)
        staffed_city(app, Clock())
        start = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
        with app.tenant(J).uow() as uow:
            uow.bookings.add(Booking(service="blood_pressure", start=start, booker_user_id=RESIDENT,
                                     booker_chat_id=RESIDENT, beneficiary="测试居民", number="YY-20261130-0003",
                                     key="k3", created_at=start))
            uow.commit()
        out = Chat(app, nurse).say("今日上门")
        assert "YY-20261130-0003" in out and "哪个社区" not in out, out
    finally:
        app.close()
