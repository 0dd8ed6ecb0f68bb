"""Staff by level, beyond reports: a 街道's 待办 holds every kind of pending work of its communities
(most urgent first, bounded, narrowed by a community's name), and its staff decide certificate
requests and handle 求助 in the record's own community, as that community's 书记 would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.app import App
from bot.callbacks import BOOKING, LINK, POLL, SEAL, VOLUNTEER
from bot.cli.common import sync_city_staff
from bot.config import load_config
from bot.events import Inbound, Reply
from bot.flows import todo
from domain.bookings import BeneficiaryLink, Booking
from domain.bookings import Status as BookingStatus
from domain.errors import ViewOnly
from domain.polls import Poll, PollStatus
from domain.residents import Address, Resident
from domain.seals import SealStatus
from storage import migrate
from tests.fixtures import clean_env, database_url, id_number, make_config_file  # noqa: F401
from tests.integration.test_community_isolation import A, J, N, _report
from tests.integration.test_staff_levels import CITY_STAFF, CITY_VIEWER, STREET
from tests.support.chat import Chat, Clock, staffed_city
from tests.support.fonts import needs_font

A_RESIDENT, N_RESIDENT, J_RESIDENT = 830001, 830002, 830003
ZM = re.compile(r"ZM-\d{8}-\d{4}")
HELP = re.compile(r"编号(\d+)")


@pytest.fixture
def city(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Iterator[App]:  # noqa: F811
    """Three communities with their staff, the city's staff above them, one verified resident each."""
    needs_font()
    app = App(load_config(make_config_file(
        tmp_path / "etc", database_url, city=True,
        changes={"city_staff": CITY_STAFF, "seals.ca_dir": str(tmp_path / "ca")})))
    try:
        migrate.upgrade(app.engine)
        staffed_city(app, Clock())
        sync_city_staff(app, {})
        for seq, (code, user, estate) in enumerate(((A, A_RESIDENT, "E1"), (N, N_RESIDENT, "N1"),
                                                    (J, J_RESIDENT, "J2")), start=1):
            with app.tenant(code).uow() as uow:
                uow.residents.add(Resident(
                    name="测试居民", phone=f"1390000002{seq}", id_number=id_number(date(1950, 1, seq), seq),
                    address=Address(estate, "3", "2", "301"), verified=True, user_id=user, chat_id=user))
                uow.commit()
        yield app
    finally:
        app.close()


def press(app: App, user: int, data: str) -> list[Reply]:
    return app.dialogue.handle(Inbound(chat_id=user, user_id=user, kind="button", data=data))


def shown(replies: list[Reply]) -> str:
    return "\n".join(r.text + r.notice for r in replies)


def buttons(replies: list[Reply]) -> list[tuple[str, str]]:
    return [(b.text, b.data or "") for r in replies for row in r.buttons for b in row]


def certificate(app: App, user: int) -> str:
    """A resident asks for a 居住证明 in their own words; its number."""
    chat = Chat(app, user)
    chat.say("我要开个居住证明孩子上学用")
    chat.say("实验小学")
    chat.say("2015年")
    m = ZM.search(chat.say("提交"))
    assert m, chat.text
    return m.group(0)


def help_request(app: App, user: int) -> int:
    """A resident asks for a hand; the 求助's id."""
    chat = Chat(app, user)
    out = chat.say("我腿脚不方便想找个人帮我去超市买点菜")
    assert texts.VOL_HELP_YES in out, out
    m = HELP.search(chat.say("对"))
    assert m, chat.text
    return int(m.group(1))


def seal(app: App, number: str) -> tuple[SealStatus, str | None, str]:
    with app.uow() as uow:
        r = uow.seals.get(number)
        assert r is not None
        return r.status, r.decided_by, r.community


def test_street_todo_lists_certificates_and_help_requests_of_its_communities_each_naming_it(
        city: App) -> None:
    report = _report(city, N_RESIDENT, "南垟花园5幢楼道灯坏了")
    zm_j, zm_a = certificate(city, J_RESIDENT), certificate(city, A_RESIDENT)
    help_n = help_request(city, N_RESIDENT)
    todo_text = Chat(city, STREET).say("待办")
    lines = todo_text.splitlines()
    assert any(report in line and "南垟社区" in line for line in lines), todo_text
    assert any(zm_j in line and "居住证明" in line and "金竹村" in line for line in lines), todo_text
    assert any(f"求助{help_n}" in line and "超市" in line and "南垟社区" in line for line in lines), todo_text
    assert zm_a not in todo_text  # 社区 A is not the 街道's
    # A 村社's 书记 sees their own community's certificate in 待办 too, and only theirs.
    own = Chat(city, 720000001).say("待办")
    assert zm_j in own and report not in own and zm_a not in own


def test_todo_is_bounded_and_narrowed_by_typing_a_communitys_name(
        city: App, monkeypatch: pytest.MonkeyPatch) -> None:
    _report(city, N_RESIDENT, "南垟花园5幢楼道灯坏了")
    zm_n = certificate(city, N_RESIDENT)
    zm_j = certificate(city, J_RESIDENT)
    monkeypatch.setattr(todo, "SHOWN", 1)
    street = Chat(city, STREET)
    out = street.say("待办")
    assert texts.WORKLIST_REST.format(n=2) in out and sum(line.startswith("· ") for line in out.splitlines()) == 1, out
    # a button for each community with more, and its name typed, narrow to it
    assert any("金竹村" in label for label, _ in buttons(street.replies)), out
    narrowed = street.say("金竹村的待办")
    assert texts.WORKLIST_IN.format(community="金竹村", n=1) in narrowed and zm_j in narrowed
    assert zm_n not in narrowed
    assert texts.WORKLIST_NOT_IN_REACH.format(community="A社区") in street.say("A社区")


def test_street_staff_approve_a_certificate_in_its_own_community(city: App) -> None:
    number = certificate(city, J_RESIDENT)
    street = Chat(city, STREET)
    street.say("待办")
    data = dict(buttons(street.replies))[number]
    card = press(city, STREET, data)
    assert "【金竹村】" in shown(card) and texts.SEAL_APPROVE in [b for b, _ in buttons(card)]
    assert "【金竹村】" in street.say(number.lower())  # its number typed: the same card
    approve = dict(buttons(card))[texts.SEAL_APPROVE]
    done = press(city, STREET, approve)
    assert texts.SEAL_APPROVED_STAFF.format(number=number, staff="南白象街道李主任") in shown(done)
    assert seal(city, number) == (SealStatus.APPROVED, "NBX01", J)
    with city.tenant(J).uow() as uow:  # issued, kept and audited in 金竹村
        assert uow.seals.certificate(number=number) is not None
        assert [d.action for d in uow.seals.decisions(number)] == ["requested", "approved"]
    got = Chat(city, J_RESIDENT).inbox()
    assert f"{number}.pdf" in got and "已经办好了" in got
    # pressed again (a stale card): nothing more happens, a polite toast
    again = press(city, STREET, approve)
    assert again and all(r.notice for r in again) and texts.SYSTEM_ERROR not in shown(again)
    assert seal(city, number) == (SealStatus.APPROVED, "NBX01", J)


def test_street_staff_return_a_certificate_with_a_typed_reason(city: App) -> None:
    number = certificate(city, N_RESIDENT)
    street = Chat(city, STREET)
    asked = press(city, STREET, SEAL.data("no", number))
    assert texts.SEAL_ASK_REJECT.format(number=number, minutes=10) in shown(asked)
    out = street.say("居住起始时间要写清楚几月份 麻烦重新申请一下")
    assert texts.SEAL_REJECTED_STAFF.format(number=number, staff="南白象街道李主任") in out, out
    assert seal(city, number) == (SealStatus.REJECTED, "NBX01", N)
    told = Chat(city, N_RESIDENT).inbox()
    assert "几月份" in told and "0577-86001234" in told and "0577-86005678" not in told  # 南垟's office


def test_city_viewer_looks_at_a_certificate_but_cannot_decide(city: App) -> None:
    number = certificate(city, J_RESIDENT)
    card = press(city, CITY_VIEWER, SEAL.data("card", number))
    assert number in shown(card) and "【金竹村】" in shown(card)
    for action in ("yes", "no"):
        replies = press(city, CITY_VIEWER, SEAL.data(action, number))
        assert any(texts.NOT_ALLOWED[ViewOnly] in r.notice for r in replies), shown(replies)
        assert seal(city, number)[0] == SealStatus.PENDING


def test_a_forged_press_on_another_streets_certificate_changes_nothing(city: App) -> None:
    number = certificate(city, A_RESIDENT)
    for action in ("card", "yes", "no"):
        replies = press(city, STREET, SEAL.data(action, number))
        assert replies and all(r.notice for r in replies if not r.text), shown(replies)
        assert "测试居民" not in shown(replies) and texts.SYSTEM_ERROR not in shown(replies)
        assert seal(city, number) == (SealStatus.PENDING, None, A)


def test_street_staff_make_a_help_request_a_volunteer_task_in_its_community(city: App) -> None:
    help_id = help_request(city, N_RESIDENT)
    street = Chat(city, STREET)
    card = press(city, STREET, VOLUNTEER.data("hv", help_id))
    assert "【南垟社区】" in shown(card) and "买点菜" in shown(card)
    asked = press(city, STREET, VOLUNTEER.data("h2t", help_id))
    assert texts.VOL_DRAFT_ASK_WHEN in shown(asked)
    preview = street.say("2026-12-05 09:00 2小时 1人")
    assert texts.VOL_PUBLISH_BUTTON in preview, preview
    press(city, STREET, VOLUNTEER.data("pub"))
    with city.uow() as uow:
        tasks = uow.volunteers.tasks()
        request = uow.volunteers.get_help(help_id)
    assert [(t.community, t.posted_by, t.help_id) for t in tasks] == [(N, "NBX01", help_id)]
    assert request is not None and request.status == "task"
    # typed from nothing, a task is its community's to post: said kindly, nothing filed
    assert texts.WORKLIST_LEVEL_DRAFT in street.say("志愿任务 小区巡逻 2026-12-06 09:00 2小时 3人")
    # a read-only city account may look at the card, never turn it into a task
    viewer = press(city, CITY_VIEWER, VOLUNTEER.data("h2t", help_id))
    assert any(r.notice == texts.STAFF_VIEW_ONLY for r in viewer), shown(viewer)


def _booking(app: App, code: str, user: int) -> str:
    """A booked 助洁 visit in a community; its number."""
    now = app.dialogue.clock()
    with app.tenant(code).uow() as uow:
        start = now + timedelta(days=1)
        assert uow.bookings.take_place("cleaning", start, 1)
        uow.bookings.add(Booking(service="cleaning", start=start, booker_user_id=user, booker_chat_id=user,
                                 beneficiary="测试居民", number="YY-20261130-0001", key="k1", created_at=now))
        uow.commit()
    return "YY-20261130-0001"


def _poll(app: App, code: str) -> int:
    now = app.dialogue.clock()
    with app.tenant(code).uow() as uow:
        poll = uow.polls.add(Poll(question="小区要不要加装电梯", options=["同意", "反对"],
                                  ends_at=now + timedelta(days=3), created_by="N01", created_at=now))
        uow.commit()
    assert poll.id is not None
    return poll.id


def test_street_staff_mark_a_visit_in_its_community_and_a_city_viewer_cannot(city: App) -> None:
    number = _booking(city, N, N_RESIDENT)
    viewer = press(city, CITY_VIEWER, BOOKING.data("vd", number))
    assert any(texts.NOT_ALLOWED[ViewOnly] in r.notice for r in viewer), shown(viewer)
    with city.uow() as uow:
        assert uow.bookings.get(number).status == BookingStatus.BOOKED  # type: ignore[union-attr]
    done = press(city, STREET, BOOKING.data("vd", number))
    assert texts.BOOK_VISIT_MARKED["done"] in shown(done)
    note = Chat(city, STREET).say("老人家里很干净 下次可以早点去")
    assert texts.BOOK_NOTE_SAVED.format(number=number) in note
    with city.tenant(N).uow() as uow:
        b = uow.bookings.get(number)
        assert b is not None and b.status == BookingStatus.DONE and "早点去" in b.staff_note


def test_street_staff_see_and_close_a_poll_of_their_community_a_city_viewer_only_looks(city: App) -> None:
    poll_id = _poll(city, N)
    street = Chat(city, STREET)
    listed = street.say("投票情况")
    assert "小区要不要加装电梯" in listed and "南垟社区" in listed, listed
    looked = press(city, CITY_VIEWER, POLL.data("res", poll_id))
    assert "【南垟社区】" in shown(looked), shown(looked)
    refused = press(city, CITY_VIEWER, POLL.data("cls", poll_id))
    assert any(texts.NOT_ALLOWED[ViewOnly] in r.notice for r in refused), shown(refused)
    with city.uow() as uow:
        assert uow.polls.get(poll_id).status == PollStatus.OPEN  # type: ignore[union-attr]
    closed = press(city, STREET, POLL.data("cls", poll_id))
    assert texts.POLL_CLOSED_STAFF.format(id=poll_id) in shown(closed)
    with city.uow() as uow:
        assert uow.polls.get(poll_id).status == PollStatus.CLOSED  # type: ignore[union-attr]
    # a new poll is its community's to start: said kindly, nothing begun
    assert texts.WORKLIST_LEVEL_POLL in street.say("发起投票")


def test_a_city_viewer_cannot_confirm_a_family_link(city: App) -> None:
    with city.tenant(N).uow() as uow:
        link = BeneficiaryLink(booker_user_id=N_RESIDENT, booker_chat_id=N_RESIDENT, name="测试居民",
                               contact="13900000099", relation="母亲", created_at=city.dialogue.clock())
        uow.bookings.add_link(link)
        uow.commit()
    assert link.id is not None
    replies = press(city, CITY_VIEWER, LINK.data("ok", link.id))
    assert any(texts.NOT_ALLOWED[ViewOnly] in r.notice for r in replies), shown(replies)
    with city.uow() as uow:
        assert uow.bookings.get_link(link.id).status == "pending"  # type: ignore[union-attr]


def test_street_staff_are_told_kindly_that_the_board_is_each_communitys_own(city: App) -> None:
    street = Chat(city, STREET)
    for line in ("记账 买扫帚25块 王书记批的", "发通知", "新建项目 河边护栏", "项目进展"):
        out = street.say(line)
        assert texts.WORKLIST_LEVEL_BOARD in out and "金竹" not in out, (line, out)
        assert not any(r.buttons for r in street.replies)  # no draft begun in some community's name
