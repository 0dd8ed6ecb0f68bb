"""Staff buttons and notes: permissions, forged presses, races, notes, followers (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot import texts
from bot.app import App
from bot.callbacks import KINDS, STAFF, STATUS
from bot.events import Inbound, Reply
from domain.reports import Status
from domain.residents import Address, Resident
from storage.reports import SqlReportRepository
from tests.e2e.test_dialogue_reports import (
    GRID1_CHAT,
    GRID1_STAFF,
    GRID2_STAFF,
    NUMBER,
    SECRETARY,
    report,
)
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed

GRID2_CHAT = -1002000000012
RESIDENT_CHAT = 1013


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    yield staffed(app, clock)


def press(bot: App, user: int, data: str, chat: int | None = None) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat if chat is not None else user, user_id=user,
                                       kind="button", data=data))


def everything(bot: App, number: str, resident_id: int) -> dict[str, Any]:
    """What a forged press must not change."""
    with bot.uow() as uow:
        r = uow.reports.get(number)
        person = uow.residents.get(resident_id)
        far = bot.dialogue.clock().replace(year=2100)
        outbox = sorted(m.key for m in uow.outbox.due(far, limit=10_000))
        chats = [uow.conversations.load(c) for c in (RESIDENT_CHAT, GRID1_CHAT, GRID2_STAFF, GRID2_CHAT)]
        audit = uow.audit.entries(number)
    assert r is not None and person is not None
    return {"report": (r.status, r.assignee, r.grid, r.version, len(r.history), r.rating),
            "verified": person.verified, "outbox": outbox, "chats": chats, "audit": audit}


def _args(action: str, number: str, resident_id: int) -> list[object]:
    values = {"number": number, "code": "S03", "id": resident_id, "stars": 5, "slug": "oh-nbx-nanyang"}
    return [values[k] for k in STAFF.actions[action]]


@pytest.mark.parametrize("action", sorted(STAFF.actions))
def test_every_staff_button_forged_by_a_resident_or_another_grid_changes_nothing(
        bot: App, action: str) -> None:
    number = report(Chat(bot, 1012, name="张阿姨"), "翠微苑3幢2单元楼道灯坏了 我电话13900001111")
    with bot.uow() as uow:
        person = uow.residents.add(Resident("李大爷", "13700001234", Address("E1", "3"), source="chat",
                                            verified=False, user_id=1099, chat_id=1099))
        uow.commit()
    assert person.id is not None
    data = STAFF.data(action, *_args(action, number, person.id))
    before = everything(bot, number, person.id)
    for user, chat in [(RESIDENT_CHAT, RESIDENT_CHAT), (RESIDENT_CHAT, GRID1_CHAT),
                       (GRID2_STAFF, GRID2_STAFF), (GRID2_STAFF, GRID1_CHAT), (GRID2_STAFF, GRID2_CHAT)]:
        replies = press(bot, user, data, chat)
        shown = "\n".join(r.text + r.notice for r in replies)
        assert replies and all(r.notice for r in replies if not r.text), (user, chat, shown)
        assert "楼道灯" not in shown and "13900001111" not in shown and "李大爷" not in shown
        assert "13700001234" not in shown and texts.SYSTEM_ERROR not in shown
        assert everything(bot, number, person.id) == before, (user, chat)


def test_verify_only_by_the_persons_grid_or_secretary_and_only_once(bot: App) -> None:
    with bot.uow() as uow:
        in_g1 = uow.residents.add(Resident("甲", "13700000001", Address("E1", "3"), source="chat",
                                           user_id=1101, chat_id=1101))
        nowhere = uow.residents.add(Resident("乙", "13700000002", source="chat",
                                             user_id=1102, chat_id=1102))
        uow.commit()
    staff_chat = bot.config.community.staff_chat_id
    refused = press(bot, GRID2_STAFF, STAFF.data("ver", in_g1.id), staff_chat)
    assert any("只有负责" in r.notice for r in refused)
    assert any("已核实" in r.text for r in press(bot, GRID1_STAFF, STAFF.data("ver", in_g1.id), staff_chat))
    again = press(bot, SECRETARY, STAFF.data("ver", in_g1.id), staff_chat)
    assert any(texts.STAFF_VERIFIED_ALREADY in r.notice for r in again)
    # No estate yet: a grid's staff cannot tell whose it is; the 书记 can.
    assert any("只有负责" in r.notice for r in press(bot, GRID1_STAFF, STAFF.data("ver", nowhere.id)))
    assert any("已核实" in r.text for r in press(bot, SECRETARY, STAFF.data("ver", nowhere.id)))
    with bot.uow() as uow:
        assert uow.residents.get(in_g1.id).verified and uow.residents.get(nowhere.id).verified  # type: ignore[arg-type,union-attr]


def test_actions_on_a_closed_report_are_refused_with_its_card(bot: App) -> None:
    number = report(Chat(bot, 1014))
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("办结")
    staff.say("跳过")
    with bot.uow() as uow:
        version = uow.reports.get(number).version  # type: ignore[union-attr]
    for action in ("acc", "prog", "done", "rej", "dup", "asg"):
        replies = press(bot, GRID1_STAFF, STAFF.data(action, number), GRID1_CHAT)
        assert any("已办结" in r.notice for r in replies), action
    press(bot, GRID1_STAFF, STAFF.data("to", number, "S03"), GRID1_CHAT)
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None and r.status == Status.RESOLVED and r.version == version and r.assignee is None


def test_two_staff_pressing_accept_at_the_same_moment_one_wins_the_other_is_told_who(
        bot: App, monkeypatch: pytest.MonkeyPatch) -> None:
    number = report(Chat(bot, 1015))
    both_read = threading.Barrier(2, timeout=30)
    save = SqlReportRepository.save

    def save_after_both_read(self: SqlReportRepository, r: Any) -> None:
        both_read.wait()  # both have read version N: now both write
        save(self, r)

    monkeypatch.setattr(SqlReportRepository, "save", save_after_both_read)
    results: dict[int, list[Reply]] = {}

    def tap(user: int, chat: int) -> None:
        results[user] = press(bot, user, STAFF.data("acc", number), chat)

    threads = [threading.Thread(target=tap, args=(GRID1_STAFF, GRID1_CHAT)),
               threading.Thread(target=tap, args=(SECRETARY, SECRETARY))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    monkeypatch.undo()
    notices = {u: " ".join(r.notice for r in rs) for u, rs in results.items()}
    winners = [u for u, n in notices.items() if n == "已受理。"]
    assert len(winners) == 1, notices
    loser = SECRETARY if winners == [GRID1_STAFF] else GRID1_STAFF
    name = "林晓燕" if winners == [GRID1_STAFF] else "陈书记"
    assert f"{name}已经把这件事改成“已受理”" in notices[loser]
    assert any(number in r.text and r.edit for r in results[loser])  # the refreshed card
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None and [c.status for c in r.history].count(Status.ACCEPTED) == 1


def test_a_rejection_confirmed_after_someone_accepted_is_refused_and_says_who(bot: App) -> None:
    resident = Chat(bot, 1016)
    number = report(resident)
    group = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    group.inbox()
    secretary = Chat(bot, SECRETARY)
    secretary.say(number)
    assert "请回复不予受理的原因" in secretary.say("不予受理")
    secretary.say("不归社区管")
    group.say("受理")
    out = secretary.say("发给居民")
    assert "林晓燕已经把这件事改成“已受理”" in out and number in out
    told = resident.inbox()
    assert "社区已受理" in told and "暂不受理" not in told
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.ACCEPTED  # type: ignore[union-attr]


def test_a_reason_can_be_cancelled_and_nothing_reaches_the_resident(bot: App) -> None:
    resident = Chat(bot, 1017)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("不予受理")
    assert f"{number} 没有改动" in staff.say("取消")
    assert staff.say("大家辛苦了") == ""  # group chatter again, not a reason
    assert resident.inbox() == ""
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.PENDING  # type: ignore[union-attr]


def test_a_reason_is_shown_for_confirmation_before_it_is_sent(bot: App) -> None:
    resident = Chat(bot, 1018)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("不予受理")
    out = staff.say("这个归物业管")
    assert "“这个归物业管”" in out and "发给居民" in out and "仅内部记录" in out
    assert resident.inbox() == ""  # nothing sent yet
    out = staff.say("这是物业的责任 请联系物业")  # typing again rewrites the note
    assert "“这是物业的责任 请联系物业”" in out
    staff.say("发给居民")
    assert "原因：这是物业的责任 请联系物业" in resident.inbox()
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.REJECTED  # type: ignore[union-attr]


def test_a_reason_prompt_expires_after_ten_minutes(bot: App, clock: Clock) -> None:
    resident = Chat(bot, 1019)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("不予受理")
    clock.advance(minutes=11)
    out = staff.say("下午去看看")
    assert "超过10分钟" in out and number in out
    assert resident.inbox() == ""
    with bot.uow() as uow:
        assert uow.reports.get(number).status == Status.PENDING  # type: ignore[union-attr]


def test_resolve_asks_what_was_done_and_can_be_skipped(bot: App) -> None:
    resident = Chat(bot, 1020)
    report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    assert "已更换灯泡" in staff.say("办结")  # the example of a resolution note
    assert "已办结" in staff.say("跳过")
    told = resident.inbox()
    assert "已办结" in told and "办理情况" not in told and "5分" in told


def test_an_internal_note_never_reaches_the_resident(bot: App) -> None:
    resident = Chat(bot, 1021)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("不予受理")
    staff.say("这户人家经常乱报")
    staff.say("仅内部记录")
    told = resident.inbox()
    assert "暂不受理" in told and "乱报" not in told
    assert "乱报" not in resident.say(number)
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None and r.history[-1].note == "这户人家经常乱报" and not r.history[-1].public


def test_followers_hear_in_their_own_words_rate_for_themselves_and_see_no_one_elses_words(
        bot: App) -> None:
    reporter = Chat(bot, 1022)
    number = report(reporter, "翠微苑3幢2单元楼道灯坏了 我是302的张大妈电话13900001111")
    follower = Chat(bot, 1023)
    assert "是同一件事吗" in follower.say("翠微苑3幢楼道的灯也坏了")
    follower.say("是同一件，帮我关注进度")
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    staff.say("受理")
    heard = follower.inbox()
    assert f"您关注的报修（{number}）社区已受理" in heard
    staff.say("办结")
    staff.say("已更换灯泡")
    staff.say("发给居民")
    assert "办理情况：已更换灯泡" in reporter.inbox()
    heard = follower.inbox()
    assert f"您关注的报修（{number}）已办结" in heard and "已更换灯泡" not in heard
    assert "问题没解决" not in heard  # only the reporter may reopen
    assert "谢谢您的评价（4分）" in follower.say("4分")
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None and r.rating is None and r.follower_ratings == {1023: 4}
    reporter.say("5分")
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None and r.rating == 5 and r.follower_ratings == {1023: 4}
    listing = follower.say("查进度")
    assert number in listing and "您关注的" in listing
    detail = "\n".join(x.text for x in press(bot, 1023, STATUS.data("show", number)))
    assert "您关注的事项" in detail and "已办结" in detail
    for secret in ("张大妈", "13900001111", "楼道灯坏了", "已更换灯泡", "2单元"):
        assert secret not in detail
    stranger = press(bot, 1024, STATUS.data("show", number))
    assert any("没有找到" in x.text for x in stranger) and all(number not in x.text for x in stranger)
    assert any("没有找到" in x.text for x in press(bot, 1024, STATUS.data("rate", number, 1)))


def test_staff_private_text_is_not_a_report_unless_they_say_so(bot: App) -> None:
    staff = Chat(bot, GRID1_STAFF)
    out = staff.say("3幢楼道灯坏了")
    assert "没有当成报修" in out and "请您核对一下" not in out
    assert "请您核对一下" in staff.say("我要报修 翠微苑3幢楼道灯坏了")


def test_staff_group_number_and_todo_for_the_one_who_typed(bot: App) -> None:
    number = report(Chat(bot, 1025))
    group = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    group.inbox()
    card = group.say(number.lower())
    assert f"【报事报修】{number}" in card and "受理" in card
    assert "待办（1件" in group.say("待办")
    outsider = Chat(bot, GRID2_STAFF, GRID1_CHAT)
    assert outsider.say(number) == ""
    assert "都办完了" in outsider.say("待办")
    assert Chat(bot, RESIDENT_CHAT, GRID1_CHAT).say(number) == ""
    assert NUMBER.fullmatch(number) and KINDS["number"].fullmatch(number)
    assert queued(bot, GRID2_CHAT) == []


def test_the_card_names_who_took_the_report(bot: App) -> None:
    number = report(Chat(bot, RESIDENT_CHAT))
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    card = staff.say("受理")
    assert f"{number}\n状态：已受理（林晓燕）" in card and "S02" not in card


def _reported_to_grid(bot: App, chat: int) -> tuple[Chat, str, Chat]:
    """A resident's report, and the grid's staff member in the grid's group with the card."""
    resident = Chat(bot, chat)
    number = report(resident)
    staff = Chat(bot, GRID1_STAFF, GRID1_CHAT)
    staff.inbox()
    return resident, number, staff


def _stored(bot: App, number: str) -> Any:
    with bot.uow() as uow:
        r = uow.reports.get(number)
    assert r is not None
    return r


def test_a_line_typed_after_acting_is_offered_as_a_note_and_kept_only_for_staff(bot: App) -> None:
    resident, number, staff = _reported_to_grid(bot, 1031)
    staff.say("受理")
    resident.inbox()
    # What staff type after pressing is not lost, nor answered as if they were a resident.
    offer = staff.say("今天下午去看")
    assert "要把这句记到" in offer and number in offer and "没听明白" not in offer
    assert "带上梯子" in staff.say("带上梯子")  # a second short line joins the note
    card = staff.say("记上")
    assert "内部记录：今天下午去看 带上梯子" in card
    r = _stored(bot, number)
    assert r.status == Status.ACCEPTED
    assert r.history[-1].note == "今天下午去看 带上梯子" and not r.history[-1].public
    # The resident hears nothing of it, and sees one 已受理 step, not two.
    assert resident.inbox() == ""
    detail = resident.say(number)
    assert "梯子" not in detail and [line for line in detail.splitlines() if line.startswith("· ")][1:] \
        == [line for line in detail.splitlines() if line.startswith("· ") and line.endswith("已受理")]


def test_a_line_after_acting_can_be_left_out_and_the_offer_comes_once(bot: App) -> None:
    _, number, staff = _reported_to_grid(bot, 1032)
    staff.say("受理")
    staff.say("收到")
    assert "没有记" in staff.say("不用")
    assert staff.say("大家辛苦了") == ""  # the group's own talk afterwards: the bot stays quiet
    assert [ch.note for ch in _stored(bot, number).history if not ch.public] == []


def test_a_line_after_closing_a_report_can_still_be_kept(bot: App) -> None:
    resident, number, staff = _reported_to_grid(bot, 1033)
    staff.say("办结")
    staff.say("已更换灯泡")
    staff.say("发给居民")
    assert "要把这句记到" in staff.say("已经电话告诉居民了")
    staff.say("记上")
    r = _stored(bot, number)
    assert r.status == Status.RESOLVED and r.history[-1].note == "已经电话告诉居民了"
    assert "电话告诉" not in resident.inbox()


def test_asking_for_the_worklist_while_a_note_is_offered_is_not_written_into_it(bot: App) -> None:
    _, number, staff = _reported_to_grid(bot, 1034)
    staff.say("受理")
    assert "要把这句记到" in staff.say("明天上午去")
    keep = staff.replies[-1].buttons[0][0]
    assert keep.text == "记上"
    listed = staff.say("待办")
    assert "待办" in listed and number in listed and "要把这句记到" not in listed
    # The offer's 记上 button, pressed afterwards, keeps only what was meant as a note.
    from bot.events import Inbound

    bot.dialogue.handle(Inbound(kind="button", chat_id=GRID1_CHAT, user_id=GRID1_STAFF, data=keep.data))
    assert _stored(bot, number).history[-1].note == "明天上午去"
