"""One deployment, three communities: each sees only its own records, in lists, cards, pages and counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from bot.events import Inbound
from bot.pushes import start_push
from domain.board import Kind, LedgerLine
from domain.bookings import Booking
from domain.polls import Poll
from domain.residents import Address, Resident
from domain.seals import SealRequest
from storage import migrate
from tests.fixtures import clean_env, database_url, make_config_file  # noqa: F401
from tests.support.chat import Chat, Clock, staffed_city

A, N, J = "lc-wuma-a", "oh-nbx-nanyang", "oh-nbx-jinzhu"
A_SECRETARY, N_SECRETARY = 700000001, 710000001
A_RESIDENT, N_RESIDENT = 810001, 810002
NUMBER = re.compile(r"BS-\d{8}-\d{4}")


@pytest.fixture
def city(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Iterator[App]:  # noqa: F811
    """The sample's three communities on one database, staff of each in place."""
    app = App(load_config(make_config_file(tmp_path / "etc", database_url, city=True)))
    try:
        migrate.upgrade(app.engine)
        staffed_city(app, Clock())
        _resident(app, A, A_RESIDENT, "13900000001", "E1")
        _resident(app, N, N_RESIDENT, "13900000002", "N1")
        yield app
    finally:
        app.close()


def _resident(app: App, code: str, user: int, phone: str, estate: str) -> None:
    with app.tenant(code).uow() as uow:
        uow.residents.add(Resident(name="测试居民", phone=phone, address=Address(estate, "3", "2", "301"),
                                   verified=True, user_id=user, chat_id=user))
        uow.commit()


def _report(app: App, user: int, text: str) -> str:
    chat = Chat(app, user)
    out = chat.say(text)
    if "请您核对一下" not in out:  # the 小区 was asked for: the resident names it
        out = chat.say(text.split("幢")[0].rstrip("0123456789"))
    assert "请您核对一下" in out, out
    m = NUMBER.search(chat.say("确认提交"))
    assert m, chat.text
    return m.group(0)


def _seed_records(app: App, code: str, tag: str) -> None:
    """A booking, a certificate request, a ledger line, a poll and a push, all marked `tag`."""
    now = app.dialogue.clock()
    tenant = app.tenant(code)
    with tenant.uow() as uow:
        resident = uow.residents.by_user(A_RESIDENT if code == A else N_RESIDENT)
        assert resident is not None and resident.id is not None
        start = now + timedelta(days=3)
        assert uow.bookings.take_place("cleaning", start, 1)  # each community has its own places
        uow.bookings.add(Booking(service="cleaning", start=start, booker_user_id=resident.user_id or 0,
                                 booker_chat_id=resident.chat_id or 0, beneficiary=tag,
                                 number=f"YY-{tag}", key=f"k-{tag}", created_at=now))
        uow.seals.add(SealRequest(number=f"GZ-{tag}", template="residence", resident_id=resident.id,
                                  facts={"name": tag}, requested_by="resident", chat_id=resident.chat_id,
                                  created_at=now, due_at=now + timedelta(days=2)))
        uow.board.add_line(LedgerLine(day=now.astimezone(tenant.zone).date(), amount_fen=2500, kind=Kind.EXPENSE,
                                      purpose=f"扫帚{tag}", entered_by="test", entered_at=now))
        uow.polls.add(Poll(question=f"投票{tag}", options=["同意", "反对"], ends_at=now + timedelta(days=3),
                           created_by="test", created_at=now))
        start_push(uow, kind="notice", topic="通知", title=f"通知{tag}", messages=[], started_by="test", now=now)
        uow.commit()


def test_each_community_sees_only_its_own_records(city: App) -> None:
    a_number = _report(city, A_RESIDENT, "翠微苑3幢2单元楼道灯坏了好几天了")
    n_number = _report(city, N_RESIDENT, "南垟花园5幢楼道灯坏了")
    _seed_records(city, A, "甲")
    _seed_records(city, N, "乙")

    for code, mine, theirs in ((A, "甲", "乙"), (N, "乙", "甲")):
        with city.tenant(code).uow() as uow:
            numbers = [r.number for r in uow.reports.list()]
            assert numbers == [a_number if code == A else n_number]
            assert uow.reports.get(n_number if code == A else a_number) is None  # a card by number
            assert [b.beneficiary for b in uow.bookings.list()] == [mine]
            assert [s.facts["name"] for s in uow.seals.list()] == [mine]
            today = city.dialogue.clock().date()
            lines = uow.board.lines(today - timedelta(days=1), today + timedelta(days=1))
            assert [line.purpose for line in lines] == [f"扫帚{mine}"]
            assert [p.question for p in uow.polls.list()] == [f"投票{mine}"]
            assert [p.title for p in uow.pushes.list()] == [f"通知{mine}"]
            assert uow.residents.count() == 1
            assert not any(theirs in r.beneficiary for r in uow.bookings.list())
    with city.tenant(J).uow() as uow:  # the third community has nothing of either
        assert uow.reports.list() == [] and uow.polls.list() == [] and uow.residents.count() == 0
    with city.uow() as uow:  # the deployment itself (jobs, the dispatcher) sees everything
        assert {r.number for r in uow.reports.list()} == {a_number, n_number}


def test_staff_cannot_open_or_list_another_communitys_report(city: App) -> None:
    a_number = _report(city, A_RESIDENT, "翠微苑3幢2单元楼道灯坏了好几天了")
    n_number = _report(city, N_RESIDENT, "南垟花园5幢楼道灯坏了")
    n_staff = Chat(city, N_SECRETARY)
    todo = n_staff.say("待办")
    assert n_number in todo and a_number not in todo
    out = n_staff.say(a_number)
    assert "翠微苑" not in out and "楼道灯坏了好几天" not in out
    a_staff = Chat(city, A_SECRETARY)
    todo = a_staff.say("待办")
    assert a_number in todo and n_number not in todo


def test_a_resident_reads_only_their_own_communitys_public_ledger(city: App) -> None:
    _seed_records(city, A, "甲")
    _seed_records(city, N, "乙")
    out = Chat(city, N_RESIDENT).say("社区账目")
    assert "扫帚乙" in out and "扫帚甲" not in out


def test_someone_not_yet_placed_is_asked_where_they_live_and_nothing_is_filed(city: App) -> None:
    engine = city.dialogue
    replies = engine.handle(Inbound(chat_id=830001, user_id=830001, kind="text", text="我要报修"))
    replies += engine.handle(Inbound(chat_id=830001, user_id=830001, kind="text", text="楼道灯坏了"))
    replies += engine.handle(Inbound(chat_id=830001, user_id=830001, kind="text", text="翠微苑3幢"))
    replies += engine.handle(Inbound(chat_id=830001, user_id=830001, kind="text", text="确认提交"))
    assert any("哪个社区" in r.text for r in replies)
    with city.uow() as uow:
        assert uow.reports.list() == []


def test_jobs_run_per_community_and_tell_that_communitys_staff(city: App) -> None:
    from bot import jobs
    from tests.support.chat import queued

    jobs._APP = city
    try:
        n_number = _report(city, N_RESIDENT, "南垟花园5幢楼道灯坏了")
        later = city.dialogue.clock() + timedelta(days=3)
        assert jobs.check_sla(later) >= 1
        jobs.send_digest(later)
    finally:
        jobs._APP = None
    n_config = city.tenant(N).config
    to_n_grid = " ".join(r.text for g in n_config.grids for r in queued(city, g.chat_id))
    assert n_number in to_n_grid  # the overdue reminder reached 南垟's own grid staff
    digest = " ".join(r.text for r in queued(city, n_config.community.staff_chat_id))
    assert "待受理：1件" in digest  # 南垟's digest counts 南垟's report
    a_chats = [city.config.community.staff_chat_id, *(g.chat_id for g in city.config.grids)]
    assert all(n_number not in r.text and "待受理：1件" not in r.text
               for chat in a_chats for r in queued(city, chat))


def test_a_booking_in_one_community_is_never_told_to_anothers_chats(city: App) -> None:
    from tests.support.chat import queued

    chat = Chat(city, N_RESIDENT)
    for ask in ("给我自己约明天上午十点社保卡挂失", "给我自己约明天上午十点助浴"):
        assert "请您核对" in chat.say(ask), chat.text
        assert "YY-" in chat.say("确认预约"), chat.text
    n_staff = city.tenant(N).config.community.staff_chat_id
    cards = " ".join(r.text for r in queued(city, n_staff))
    assert "社会保障卡临时挂失" in cards and "助浴" in cards  # 南垟 has no partner chat: its own staff
    a = city.tenant(A).config
    a_chats = {a.community.staff_chat_id, *(g.chat_id for g in a.grids),
               *(s.provider_chat for s in city.tenant(A).services.values())}
    assert all(not queued(city, c) for c in a_chats)  # nothing of 南垟's reaches A社区 or its partner


def test_what_a_community_says_for_itself_names_itself(city: App) -> None:
    assert city.tenant(N).config.alert_source() == "南垟社区居委会"
    assert city.tenant(J).config.alert_source() == "金竹村村委会"
    out = Chat(city, N_RESIDENT).say("临时救助在哪里办")
    assert "0577-86001234" in out and "府前街" not in out  # 南垟's office, not A社区's
