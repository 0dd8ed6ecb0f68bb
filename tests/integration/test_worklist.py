"""待办 of staff above many communities, counted by the database: the most urgent lines of every
kind across their communities first, the counts of all of them right, the few shown the only
records read, and a community outside their reach never in it (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import texts
from bot.app import App
from bot.cli.common import sync_city_staff
from bot.config import load_config
from bot.flows import todo
from domain.reports import Kind, Report, Status
from domain.residents import Address
from domain.seals import SealRequest, SealStatus
from domain.volunteers import HelpRequest
from storage import migrate
from storage.bulk import insert_rows
from storage.volunteers import HelpRequestRow
from tests.fixtures import REPO, SHIPPED_CONFIG, clean_env, database_url, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import A, J, N
from tests.integration.test_staff_levels import CITY_STAFF, CITY_VIEWER, DISTRICT, STREET
from tests.support.chat import Chat, Clock, staffed_city

FILLER = 20  # 南垟's reports due in ten days: counted, never drawn
PLACE = re.compile(r"（(南垟社区|金竹村|A社区)）$")  # the community a level member's line names


@pytest.fixture
def clock() -> Clock:
    return Clock()


def opened(tmp_path: Path, url: str, clock: Clock, **changes: Any) -> App:
    """社区 A (鹿城区), 南垟 and 金竹 (瓯海区南白象街道) with pending work of every kind, due at known times."""
    app = App(load_config(make_config_file(tmp_path / "etc", url, city=True,
                                           changes={"city_staff": CITY_STAFF, **changes})))
    migrate.upgrade(app.engine)
    staffed_city(app, clock)
    sync_city_staff(app, {})
    fill(app, clock)
    return app


@pytest.fixture
def city(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str, clock: Clock) -> Iterator[App]:  # noqa: F811
    app = opened(tmp_path, database_url, clock)
    try:
        yield app
    finally:
        app.close()


def fill(app: App, clock: Clock) -> None:
    now = clock.now
    hours: Callable[[float], Any] = lambda h: now + timedelta(hours=h)  # noqa: E731

    def report(number: str, status: Status, grid: str, accept: float, resolve: float) -> Report:
        return Report(number=number, kind=Kind.REPAIR, category="lighting", description="楼道灯坏了",
                      resident_id=None, chat_id=900001, grid=grid, address=Address("E1", "3", "2", "301"),
                      status=status, created_at=hours(-30), accept_due=hours(accept), resolve_due=hours(resolve))

    def seal(number: str, template: str, due: float, status: SealStatus = SealStatus.PENDING) -> SealRequest:
        return SealRequest(number=number, template=template, resident_id=1, facts={"name": "王伟"},
                           requested_by="resident", chat_id=900001, created_at=hours(-30), due_at=hours(due),
                           status=status)

    def help_(text: str, grid: str, age: float) -> HelpRequest:
        return HelpRequest(resident_id=None, chat_id=900001, text=text, grid=grid, created_at=hours(-age))

    with app.tenant(A).uow() as uow:  # outside the 街道 and the 区, and the most urgent of all
        uow.reports.add(report("BS-20261130-0901", Status.PENDING, "G1", -20, 40))
        uow.seals.add(seal("ZM-20261130-0901", "residence", -19))
        uow.volunteers.add_help(help_("A社区的求助", "G1", 18))
        uow.commit()
    with app.tenant(N).uow() as uow:
        uow.reports.add(report("BS-20261130-0101", Status.PENDING, "NG1", -2, 40))
        # accepted: due by its 办结 deadline, not the 受理 one long past
        uow.reports.add(report("BS-20261130-0102", Status.ACCEPTED, "NG2", -10, 24))
        uow.reports.add(report("BS-20261130-0103", Status.IN_PROGRESS, "NG1", -9, 72))
        uow.reports.add(report("BS-20261130-0104", Status.RESOLVED, "NG1", -30, -29))  # closed
        for i in range(FILLER):
            uow.reports.add(report(f"BS-20261130-02{i:02d}", Status.ACCEPTED, "NG1", -8, 240))
        uow.volunteers.add_help(help_("南垟的求助帮忙买菜", "NG1", 1))
        uow.commit()
    with app.tenant(J).uow() as uow:
        uow.seals.add(seal("ZM-20261130-0301", "voter", -1.5))  # 书记 decide it, 社工 do not
        uow.seals.add(seal("ZM-20261130-0302", "residence", -5, SealStatus.APPROVED))  # decided
        uow.reports.add(report("BS-20261130-0301", Status.PENDING, "JG1", 2, 40))
        uow.volunteers.add_help(help_("金竹的求助陪同看病", "JG1", 0.5))
        uow.commit()


def drawn(out: str) -> list[str]:
    """What each line of the 待办 is (its number, or 求助 and its words), in order, with its community."""
    keys = []
    for line in out.splitlines():
        if line.startswith("· "):
            head = line[2:].split(" · ")
            what = head[1] if head[0].startswith("求助") else head[0].split()[0]
            whose = PLACE.search(line)
            keys.append(what + whose.group(0) if whose else what)
    return keys


def labels(chat: Chat) -> list[str]:
    return [b.text for r in chat.replies for row in r.buttons for b in row]


def test_street_todo_lists_the_most_urgent_across_its_communities_with_every_count(
        city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todo, "SHOWN", 4)
    street = Chat(city, STREET)
    out = street.say("待办")
    total = 3 + FILLER + 1 + 3  # 南垟: 3 open reports, the filler, a 求助; 金竹: request, report, 求助
    assert texts.STAFF_TASKS.format(n=total) in out, out
    assert drawn(out) == ["BS-20261130-0101（南垟社区）", "ZM-20261130-0301（金竹村）",
                          "南垟的求助帮忙买菜（南垟社区）", "金竹的求助陪同看病（金竹村）"], out
    assert texts.WORKLIST_REST.format(n=total - 4) in out, out
    # the busiest among those not shown, with how many each still holds
    assert labels(street)[4:] == [texts.WORKLIST_COMMUNITY_BUTTON.format(community="南垟社区", n=FILLER + 2),
                                  texts.WORKLIST_COMMUNITY_BUTTON.format(community="金竹村", n=1)], labels(street)
    assert "0901" not in out and "A社区" not in out


def test_a_communitys_todo_typed_by_name_counts_and_orders_its_own_only(
        city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todo, "SHOWN", 2)
    street = Chat(city, STREET)
    out = street.say("南垟社区的待办")
    assert texts.WORKLIST_IN.format(community="南垟社区", n=3 + FILLER + 1) in out, out
    assert drawn(out) == ["BS-20261130-0101", "南垟的求助帮忙买菜"], out
    out = street.say("金竹村的待办")
    assert texts.WORKLIST_IN.format(community="金竹村", n=3) in out, out
    assert drawn(out) == ["ZM-20261130-0301", "金竹的求助陪同看病"], out
    assert texts.WORKLIST_REST.format(n=1) in out, out
    out = street.say("A社区")  # outside the 街道: nothing of it is listed
    assert texts.WORKLIST_NOT_IN_REACH.format(community="A社区") in out and "0901" not in out, out


def test_district_social_worker_counts_only_the_certificates_their_role_decides(
        city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todo, "SHOWN", 3)
    out = Chat(city, DISTRICT).say("待办")  # 瓯海区, 社工: the 异地选民 request is the 书记's
    assert texts.STAFF_TASKS.format(n=3 + FILLER + 1 + 2) in out, out
    assert drawn(out) == ["BS-20261130-0101（南垟社区）", "南垟的求助帮忙买菜（南垟社区）",
                          "金竹的求助陪同看病（金竹村）"], out


def test_a_community_whose_file_names_its_own_approvers_is_counted_by_them(
        tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str, clock: Clock,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """金竹's file lets 社工 decide 异地选民 too: the 区's 社工 gets that request; other communities keep
    config.yaml's templates."""
    folder = tmp_path / "communities"
    shutil.copytree(REPO / "communities", folder)
    templates = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))["seal_templates"]
    for t in templates:
        t["approvers"] = ["书记", "社工"]
    own = yaml.safe_load((folder / "oh-nbx-jinzhu.yaml").read_text(encoding="utf-8"))
    (folder / "oh-nbx-jinzhu.yaml").write_text(
        yaml.safe_dump({**own, "seal_templates": templates}, allow_unicode=True), encoding="utf-8")
    app = opened(tmp_path, database_url, clock, communities_dir=str(folder))
    try:
        # what 待办 takes for granted of a file without its own: config.yaml's templates, unchanged
        assert app.tenant(N).config.seal_templates == app.config.seal_templates
        monkeypatch.setattr(todo, "SHOWN", 3)
        out = Chat(app, DISTRICT).say("待办")
        assert texts.STAFF_TASKS.format(n=3 + FILLER + 1 + 3) in out, out
        assert drawn(out) == ["BS-20261130-0101（南垟社区）", "ZM-20261130-0301（金竹村）",
                              "南垟的求助帮忙买菜（南垟社区）"], out
    finally:
        app.close()


def test_city_viewer_sees_every_community_and_the_most_urgent_first(
        city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todo, "SHOWN", 4)
    out = Chat(city, CITY_VIEWER).say("待办")
    assert texts.STAFF_TASKS.format(n=3 + 3 + FILLER + 1 + 3) in out, out
    assert drawn(out) == ["BS-20261130-0901（A社区）", "ZM-20261130-0901（A社区）", "A社区的求助（A社区）",
                          "BS-20261130-0101（南垟社区）"], out


def test_only_the_lines_shown_are_read_and_decrypted(city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todo, "SHOWN", 3)
    crypto = city.crypto
    calls = []
    real = crypto.decrypt

    def counting(value: Any) -> Any:
        calls.append(1)
        return real(value)

    monkeypatch.setattr(crypto, "decrypt", counting)
    out = Chat(city, STREET).say("待办")
    assert len(drawn(out)) == 3, out
    # three records (a report's words and place, a request's facts, a 求助's words) and the chat's
    # state, not the 街道's 28 pending records
    assert len(calls) <= 8, len(calls)


def test_every_open_help_request_counts_and_the_oldest_comes_first_however_many(
        city: App, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """More 求助 than any page of them: the count is all of them, the first line the oldest asked,
    though it was filed last (an import, a worker catching up)."""
    monkeypatch.setattr(todo, "SHOWN", 2)
    many = 1050
    words = city.crypto.encrypt("帮忙取药")
    with city.tenant(J).uow() as uow:
        insert_rows(uow.session, HelpRequestRow, [  # type: ignore[attr-defined]
            {"community": J, "resident_id": None, "chat_id": 900002, "text_enc": words, "estate": "J2",
             "grid": "JG1", "status": "open", "task_id": None,
             "created_at": clock.now - timedelta(hours=2, minutes=i)} for i in range(many)])
        uow.commit()
    street = Chat(city, STREET)
    out = street.say("待办")
    assert texts.STAFF_TASKS.format(n=3 + FILLER + 1 + 3 + many) in out, out
    asked = clock.now - timedelta(hours=2, minutes=many - 1)
    oldest = f"{texts.format_when(asked, city.tenant(J).zone, clock.now)}提出"
    assert drawn(out)[0] == "帮忙取药（金竹村）" and oldest in out.splitlines()[1], out
    assert labels(street)[2] == texts.WORKLIST_COMMUNITY_BUTTON.format(community="金竹村", n=3 + many - 2), out


def test_a_help_request_typed_in_several_lines_is_one_line_of_the_todo(city: App, clock: Clock) -> None:
    with city.tenant(J).uow() as uow:
        uow.volunteers.add_help(HelpRequest(resident_id=None, chat_id=900002, text="买两斤鸡蛋\n一把青菜",
                                            grid="JG1", created_at=clock.now - timedelta(hours=40)))
        uow.commit()
    out = Chat(city, STREET).say("待办")
    assert "· 求助" in out and "买两斤鸡蛋 一把青菜" in out, out
    assert all(line.startswith(("· ", "  [")) or "待办" in line or "还有" in line
               for line in out.splitlines() if line), out  # no line broken off a 待办 line
