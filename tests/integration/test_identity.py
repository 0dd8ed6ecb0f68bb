"""Identity binding: a shared contact meets the roster; staff verify the rest by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.reports import Kind, Report
from domain.residents import Address
from domain.usecases import residents as uc
from domain.usecases.staff import sync_staff
from tests.fixtures import run_cli

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
ROSTER = [
    {"姓名": "王秀英", "手机号": "13957700001", "身份证号": "", "小区": "翠微苑", "幢": "3",
     "单元": "2", "室": "302", "标签": "老年人,独居"},
    {"姓名": "李建国", "手机号": "13957700002", "身份证号": "", "小区": "南塘", "幢": "7",
     "单元": "1", "室": "101", "标签": "残疾,低保户"},
]


@pytest.fixture
def roster_app(app: App) -> App:
    """An app with two roster residents and the config's staff."""
    uc.import_roster(app.uow(), ROSTER, app.estate_lookup(), set(app.config.resident_tags))
    sync_staff(app.uow(), app.declared_staff())
    return app


def test_shared_contact_matching_the_roster_is_verified(roster_app: App) -> None:
    r = uc.bind_contact(roster_app.uow(), 1001, 1001, "+86 139 5770 0001", 1001, "秀英")
    assert r.verified and r.source == "roster" and r.name == "王秀英"
    assert r.address == Address("E1", "3", "2", "302")
    assert r.tags == ["老年人", "独居"]
    mine = uc.show_my_data(roster_app.uow(), 1001)
    assert (mine.id, mine.phone, mine.chat_id) == (r.id, "13957700001", 1001)
    again = uc.bind_contact(roster_app.uow(), 1001, 1001, "13957700001", 1001)
    assert again.id == r.id  # sharing twice changes nothing
    with roster_app.uow() as uow:
        assert uow.residents.count() == 2


def test_unmatched_contact_stays_unverified(roster_app: App) -> None:
    r = uc.bind_contact(roster_app.uow(), 2002, 2002, "15800001111", 2002, "陌生人")
    assert not r.verified and r.source == "chat" and r.name == "陌生人"
    assert r.address == Address()
    with roster_app.uow() as uow:
        assert [x.id for x in uow.residents.list(verified=False, source="chat")] == [r.id]


def test_someone_elses_contact_is_refused(roster_app: App) -> None:
    with pytest.raises(NotAllowed):
        uc.bind_contact(roster_app.uow(), 3003, 3003, "13957700002", contact_user_id=4004)
    with pytest.raises(InvalidValue):
        uc.bind_contact(roster_app.uow(), 3003, 3003, "12345", 3003)
    uc.bind_contact(roster_app.uow(), 5005, 5005, "13957700002", 5005)
    with pytest.raises(NotAllowed):  # already bound to another chat user
        uc.bind_contact(roster_app.uow(), 6006, 6006, "13957700002", 6006)
    with roster_app.uow() as uow:
        assert uow.residents.by_user(3003) is None and uow.residents.by_user(6006) is None


def test_chat_record_gives_way_to_the_roster_record(roster_app: App) -> None:
    first = uc.bind_contact(roster_app.uow(), 7007, 7007, "15800002222", 7007)
    assert not first.verified
    later = uc.bind_contact(roster_app.uow(), 7007, 7007, "13957700002", 7007)
    assert later.verified and later.name == "李建国"
    with roster_app.uow() as uow:
        assert uow.residents.get(first.id) is None  # type: ignore[arg-type]
        assert uow.residents.count() == 2


def test_staff_verify_by_hand(roster_app: App) -> None:
    r = uc.bind_contact(roster_app.uow(), 2002, 2002, "15800001111", 2002, "赵大妈")
    assert r.id is not None
    with pytest.raises(NotAllowed):
        uc.verify_resident(roster_app.uow(), r.id, "NOBODY")
    with pytest.raises(NotFound):
        uc.verify_resident(roster_app.uow(), 99999, "S02")
    done = uc.verify_resident(roster_app.uow(), r.id, "S02", Address("E2", "5", "1", "501"),
                              ["老年人"], grid_of_estate=roster_app.report_rules.grid_of_estate)
    assert done.verified
    with roster_app.uow() as uow:
        got = uow.residents.by_user(2002)
        assert got is not None and got.verified and got.address.room == "501"
        assert got.tags == ["老年人"]


def test_erase_my_data_keeps_reports_anonymised(roster_app: App) -> None:
    me = uc.bind_contact(roster_app.uow(), 1001, 1001, "13957700001", 1001)
    with roster_app.uow() as uow:
        uow.reports.add(Report(number="BS-20261128-0001", kind=Kind.REPAIR, category="lighting",
                               description="楼道灯不亮", resident_id=me.id, chat_id=1001,
                               grid="G1", address=me.address, created_at=NOW))
        uow.commit()
    assert uc.erase_my_data(roster_app.uow(), 1001) == 1
    with pytest.raises(NotFound):
        uc.show_my_data(roster_app.uow(), 1001)
    with pytest.raises(NotFound):
        uc.erase_my_data(roster_app.uow(), 1001)
    with roster_app.uow() as uow:
        assert uow.residents.by_phone("13957700001") is None
        report = uow.reports.get("BS-20261128-0001")
        assert report is not None and report.description == "楼道灯不亮"
        assert (report.resident_id, report.chat_id) == (None, None)
        assert uow.residents.count() == 1


def test_one_resident_sees_only_their_own(roster_app: App) -> None:
    uc.bind_contact(roster_app.uow(), 1001, 1001, "13957700001", 1001)
    uc.bind_contact(roster_app.uow(), 1002, 1002, "13957700002", 1002)
    assert uc.show_my_data(roster_app.uow(), 1001).name == "王秀英"
    assert uc.show_my_data(roster_app.uow(), 1002).name == "李建国"
    with pytest.raises(NotFound):
        uc.show_my_data(roster_app.uow(), 1003)


def test_cli_verify_list_and_delete(roster_app: App, config_file: Path) -> None:
    r = uc.bind_contact(roster_app.uow(), 2002, 2002, "15800001111", 2002, "赵大妈")
    cfg = ("--config", config_file)
    listed = run_cli(*cfg, "residents", "list", "--unverified")
    assert listed.code == 0 and "158****1111" in listed.out and "15800001111" not in listed.out
    assert "王秀英" not in listed.out  # roster people are not awaiting verification
    assert listed.out.strip().endswith("共1人")
    bad = run_cli(*cfg, "residents", "verify", str(r.id), "--staff", "S02", "--estate", "火星")
    assert bad.code == 1 and bad.err.strip() == "cunshe: 没有叫“火星”的小区"
    nobody = run_cli(*cfg, "residents", "verify", str(r.id), "--staff", "X")
    assert nobody.code == 1 and len(nobody.err.strip().splitlines()) == 1
    ok = run_cli(*cfg, "residents", "verify", str(r.id), "--staff", "S02", "--estate", "江滨",
                 "--building", "5", "--room", "501", "--tags", "老年人,独居")
    assert ok.code == 0, ok.err
    assert ok.out.strip() == f"已核验：{r.id} 赵大妈"
    people = json.loads(run_cli(*cfg, "residents", "list", "--json").out)
    me = next(p for p in people if p["id"] == r.id)
    assert me == {"id": r.id, "name": "赵大妈", "phone": "158****1111", "id_number": "",
                  "address": "江滨花园5幢501室", "tags": ["老年人", "独居"], "verified": True,
                  "source": "chat", "bound": True}
    gone = run_cli(*cfg, "residents", "delete", str(r.id))
    assert gone.code == 0 and gone.out.strip() == f"已删除居民{r.id}的个人信息（保留匿名工单0条）"
    missing = run_cli(*cfg, "residents", "delete", str(r.id))
    assert missing.code == 1 and missing.err.strip() == f"cunshe: 没有编号为{r.id}的居民"


def test_a_phone_book_card_binds_nobody(roster_app: App) -> None:
    """A contact without user_id (forwarded from the phone book) is not the sender's own."""
    with pytest.raises(NotAllowed):
        uc.bind_contact(roster_app.uow(), 5005, 5005, "13957700001", contact_user_id=None)
    with roster_app.uow() as uow:
        assert uow.residents.by_user(5005) is None
        assert all(r.user_id is None for r in uow.residents.list())
