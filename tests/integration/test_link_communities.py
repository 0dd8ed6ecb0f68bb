"""家属代办 links belong to the community booked in (the parent's): only its staff, staff above it,
or the parent decide them, and the bookings change there. Older links are filled in by 0021."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import texts
from bot.app import App
from bot.config import load_config
from bot.events import Inbound, Reply
from domain.bookings import BeneficiaryLink, Booking
from domain.residents import Address, Resident
from storage import migrate
from tests.fixtures import clean_env, database_url, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import A, J, N, _resident
from tests.integration.test_staff_levels import STREET, city  # noqa: F401
from tests.support.chat import Chat, queued

BOOKER, N_BOOKER, MUM = 840001, 840002, 840003
A_SECRETARY, N_GRID, J_GRID = 700000001, 710000002, 720000002
A_CHAT, N_CHAT, J_CHAT = -1002000000001, -1002000100001, -1002000200001  # each community's staff chat
MUM_PHONE = "13812345678"
NUMBER = re.compile(r"YY-\d{8}-\d{4}")


@pytest.fixture
def town(city: App) -> App:  # noqa: F811
    """test_staff_levels's city (its staff, the city's staff above); a booker in 社区 A, one in
    南垟, and a mum on 金竹村's roster."""
    _resident(city, A, BOOKER, "13900000031", "E1")
    _resident(city, N, N_BOOKER, "13900000032", "N1")
    with city.tenant(J).uow() as uow:
        uow.residents.add(Resident(name="王秀英", phone=MUM_PHONE, address=Address("J2", "6", "1", "101"),
                                   verified=True))
        uow.commit()
    return city


def book_for(app: App, user: int, asked: str, person: str) -> str:
    """A relative books in their own words; the booking's number."""
    chat = Chat(app, user)
    out = chat.say(asked)
    if "姓名和手机号" in out:  # asked the first time; a parent linked before is known
        out = chat.say(person)
    assert "请您核对一下" in out, chat.text
    m = NUMBER.search(chat.say("确认预约"))
    assert m, chat.text
    return m.group(0)


def press(app: App, chat: int, user: int, data: str) -> list[Reply]:
    return app.dialogue.handle(Inbound(chat_id=chat, user_id=user, kind="button", data=data))


def shown(replies: list[Reply]) -> str:
    return "\n".join(r.text + r.notice for r in replies)


def link_card(app: App, chat: int) -> tuple[str, str]:
    """The 核实家属关系 card's 属实 and 不属实 button data."""
    [card] = [m for m in queued(app, chat) if "核实家属关系" in m.text]
    return card.buttons[0][0].data or "", card.buttons[0][1].data or ""


def state(app: App, code: str, number: str) -> tuple[str, bool]:
    """The link's status and whether the booking is still 待核实, read in that community."""
    with app.tenant(code).uow() as uow:
        [link] = [x for x in uow.bookings.links_of(BOOKER) if x.community == code]
        booking = uow.bookings.get(number)
        assert booking is not None
        return link.status, booking.unverified


def test_a_link_is_decided_only_in_the_parents_community(town: App) -> None:
    number = book_for(town, BOOKER, "帮我妈约明天下午两点的助浴", f"王秀英 {MUM_PHONE}")
    with town.tenant(J).uow() as uow:
        booking = uow.bookings.get(number)
        [link] = uow.bookings.links_of(BOOKER)
    assert booking is not None and booking.community == J and booking.unverified
    assert link.community == J and link.resident_id is not None
    ok, _ = link_card(town, J_CHAT)  # the card went to 金竹村's staff, nowhere else
    assert not [m for m in queued(town, A_CHAT) + queued(town, N_CHAT) if "核实家属关系" in m.text]
    # Another community's 书记 (in their staff group) and 网格员 (privately) press it: a kind word
    refused = press(town, A_CHAT, A_SECRETARY, ok)
    assert [(r.text, r.notice) for r in refused] == [("", texts.BOOK_LINK_NOT_THEIRS)]
    refused = press(town, N_GRID, N_GRID, ok)
    assert texts.BOOK_LINK_NOT_THEIRS in shown(refused) and texts.SYSTEM_ERROR not in shown(refused)
    assert state(town, J, number) == ("pending", True)
    # nor a resident who is not the person named
    assert "已确认" not in shown(press(town, N_BOOKER, N_BOOKER, ok))
    assert state(town, J, number) == ("pending", True)
    # 金竹村's own 网格员 confirms: the booking loses its mark, the provider and the booker are told
    done = press(town, J_CHAT, J_GRID, ok)
    assert shown(done) == texts.BOOK_LINK_DONE["confirmed"] * 2, shown(done)
    assert state(town, J, number) == ("confirmed", False)
    provider = town.tenant(J).services["bathing"].provider_chat or 0  # 金竹村's own
    assert any("【已核实】" in m.text and number in m.text for m in queued(town, provider))
    assert any("已核实" in m.text for m in queued(town, BOOKER))


def test_the_parent_confirms_from_her_own_chat_and_staff_above_act_only_within_reach(town: App) -> None:
    mum = Chat(town, MUM)
    mum.say(f"/contact {MUM_PHONE}")  # she binds her chat: 金竹村's resident
    to_mum = book_for(town, BOOKER, "帮我妈约明天下午两点的助浴", f"王秀英 {MUM_PHONE}")
    to_dad = book_for(town, BOOKER, "帮我爸约明天上午十点的上门测血压", "李建国 13900001111")
    with town.tenant(A).uow() as uow:  # nobody on a roster: filed in the booker's own community
        [dad_link] = uow.bookings.links_of(BOOKER)[1:]
    assert dad_link.community == A
    dad_ok = link_card(town, A_CHAT)[0]
    # the 南白象街道's member: 社区 A is not theirs (a forged or forwarded press changes nothing)
    refused = press(town, STREET, STREET, dad_ok)
    assert texts.BOOK_LINK_NOT_THEIRS in shown(refused), shown(refused)
    assert state(town, A, to_dad) == ("pending", True)
    # 金竹村 is: they say 不属实 there, as its own staff would
    _, mum_no = link_card(town, J_CHAT)
    assert texts.BOOK_LINK_DONE["denied"] in shown(press(town, STREET, STREET, mum_no))
    with town.tenant(J).uow() as uow:
        [mum_link] = uow.bookings.links_of(BOOKER)[:1]
    assert (mum_link.status, mum_link.decided_by, mum_link.community) == ("denied", "staff:NBX01", J)
    assert any("没有核实通过" in m.text for m in queued(town, BOOKER))
    # the mum herself was asked too; her answer now finds the link decided (nothing changes)
    [ask] = [m for m in queued(town, MUM) if "是您的家人吗" in m.text]
    late = press(town, MUM, MUM, ask.buttons[0][0].data or "")
    assert texts.SYSTEM_ERROR not in shown(late) and state(town, J, to_mum) == ("denied", True)


def test_the_parent_in_another_community_confirms_it_herself(town: App) -> None:
    Chat(town, MUM).say(f"/contact {MUM_PHONE}")
    number = book_for(town, N_BOOKER, "帮我妈约明天下午两点的助浴", f"王秀英 {MUM_PHONE}")
    [ask] = [m for m in queued(town, MUM) if "是您的家人吗" in m.text]
    data = ask.buttons[0][0].data or ""
    assert texts.BOOK_LINK_DONE["confirmed"] in shown(press(town, MUM, MUM, data))
    with town.tenant(J).uow() as uow:
        [link] = uow.bookings.links_of(N_BOOKER)
        booking = uow.bookings.get(number)
    assert link.status == "confirmed" and booking is not None and not booking.unverified
    # 南垟's 网格员, where the booker lives, never saw it and cannot decide it again
    assert texts.BOOK_LINK_NOT_THEIRS in shown(press(town, N_GRID, N_GRID, data))


def test_migration_0021_files_existing_links_where_their_bookings_are(
        tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> None:  # noqa: F811
    app = App(load_config(make_config_file(tmp_path / "etc", database_url, city=True)))
    try:
        migrate.upgrade(app.engine, "0020", default_community=A)
        now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
        with app.tenant(J).uow() as uow:
            mum = Resident(name="王秀英", phone=MUM_PHONE, address=Address("J2", "6", "1", "101"))
            uow.residents.add(mum)
            uow.bookings.add(Booking(service="cleaning", start=now + timedelta(days=1), booker_user_id=2,
                                     booker_chat_id=2, beneficiary="李建国", relation="父亲", number="YY-1",
                                     key="k1", created_at=now))
            uow.commit()
        with app.tenant(N).uow() as uow:
            uow.residents.add(Resident(name="测试居民", phone="13900000041", user_id=3, chat_id=3))
            uow.bookings.add(Booking(service="cleaning", start=now + timedelta(days=2), booker_user_id=2,
                                     booker_chat_id=2, beneficiary="张三", relation="母亲", number="YY-2",
                                     key="k2", created_at=now - timedelta(days=9)))
            uow.commit()
        assert mum.id is not None
        table = sa.table("beneficiary_links", *(sa.column(c) for c in (
            "id", "booker_user_id", "booker_chat_id", "relation", "resident_id", "status", "decided_by",
            "created_at")))
        rows = [(1, 9, "母亲", mum.id),  # names a roster person: her community
                (2, 2, "父亲", None),  # the booker's 父亲 booking made with it
                (3, 2, "姐姐", None),  # no booking for that relation: the booker's first booking
                (4, 3, "母亲", None),  # no booking at all: the booker's own community
                (5, 4, "母亲", None)]  # nothing known: the deployment's own
        with app.engine.begin() as conn:
            conn.execute(table.insert(), [
                {"id": i, "booker_user_id": user, "booker_chat_id": user, "relation": rel, "resident_id": rid,
                 "status": "pending", "decided_by": "", "created_at": now} for i, user, rel, rid in rows])
        migrate.upgrade(app.engine, default_community=A)
        with app.engine.connect() as conn:
            filed = dict(conn.execute(sa.text("SELECT id, community FROM beneficiary_links")).all())
        assert filed == {1: J, 2: J, 3: N, 4: N, 5: A}
        with app.tenant(J).uow() as uow:  # and they are scoped: 金竹村 sees its own only
            assert uow.bookings.get_link(1) is not None and uow.bookings.get_link(5) is None
    finally:
        app.close()


def test_a_link_made_in_one_community_is_not_reused_in_another(town: App) -> None:
    """A parent added to a roster later: the next booking there gets its own link and card."""
    with town.tenant(A).uow() as uow:
        old = BeneficiaryLink(booker_user_id=BOOKER, booker_chat_id=BOOKER, name="王秀英", contact=MUM_PHONE,
                              relation="母亲", created_at=datetime(2026, 11, 1, tzinfo=UTC))
        uow.bookings.add_link(old)
        uow.commit()
    number = book_for(town, BOOKER, "帮我妈约明天下午两点的助浴", f"王秀英 {MUM_PHONE}")
    with town.tenant(J).uow() as uow:
        [link] = [x for x in uow.bookings.links_of(BOOKER) if x.id != old.id]
    assert link.community == J and link.resident_id is not None
    ok, _ = link_card(town, J_CHAT)
    press(town, J_CHAT, J_GRID, ok)
    assert state(town, J, number) == ("confirmed", False)
