"""云盖章 end to end: request in the chat → staff decide → signed PDF in the chat → verify anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.app import App
from bot.callbacks import SEAL
from bot.events import Inbound, Reply
from domain.residents import Address, Resident
from domain.seals import SealStatus
from tests.fixtures import (  # noqa: F401
    app,
    app_config,
    clean_env,
    database_url,
    id_number,
    make_config_file,
    run_cli,
)
from tests.support.chat import Chat, Clock, queued, staffed
from tests.support.fonts import needs_font

STAFF_CHAT = -1002000000001
SECRETARY, SOCIAL_WORKER, GRID1_STAFF = 700000001, 700000008, 700000002
RESIDENT = 1001
ZM = re.compile(r"ZM-\d{8}-\d{4}")
PERSON_ID = id_number(date(1952, 3, 14), 21)


@pytest.fixture
def config_file(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Path:  # noqa: F811
    """The shipped config, its signing CA under tmp_path (never the repository's var/)."""
    return make_config_file(tmp_path / "etc", database_url, changes={"seals.ca_dir": str(tmp_path / "ca")})


@pytest.fixture
def bot(app: App) -> Iterator[App]:  # noqa: F811
    needs_font()
    staffed(app, Clock())
    with app.uow() as uow:
        uow.residents.add(Resident(name="张桂英", phone="13805771234", id_number=PERSON_ID,
                                   address=Address("E1", "3", "2", "302"), verified=True,
                                   user_id=RESIDENT, chat_id=RESIDENT))
        uow.residents.add(Resident(name="李大伯", phone="13905770000", address=Address("E2", "1", "1", "101"),
                                   verified=False, source="chat", user_id=1002, chat_id=1002))
        uow.commit()
    yield app


def press(bot: App, user: int, data: str, chat: int = STAFF_CHAT) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat, user_id=user, kind="button", data=data))


def say_as(bot: App, user: int, text: str, chat: int = STAFF_CHAT) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat, user_id=user, kind="text", text=text))


def request(bot: App, chat: Chat) -> str:
    """A resident's request in their own words; returns its number."""
    out = chat.say("我要开个居住证明孩子上学用")
    assert out.strip().startswith(texts.SEAL_ASK_USED_AT), out  # purpose was said: not asked again
    out = chat.say("实验小学")
    assert "哪一年" in out, out
    out = chat.say("2015年")
    assert "张桂英" in out and "330302********" in out and PERSON_ID not in out  # masked to confirm
    with bot.uow() as uow:
        assert uow.seals.list() == []  # nothing written before the resident confirms
    out = chat.say("提交")
    m = ZM.search(out)
    assert m and "前审核" in out, out
    return m.group(0)


def test_request_approve_pdf_and_verify_in_chat_and_cli(bot: App, tmp_path: Path) -> None:
    chat = Chat(bot, RESIDENT)
    number = request(bot, chat)
    card = queued(bot, STAFF_CHAT)[-1]
    assert number in card.text and PERSON_ID not in card.text
    assert [b.text for row in card.buttons for b in row] == [texts.SEAL_APPROVE, texts.SEAL_REJECT]
    approve = card.buttons[0][0].data
    replies = press(bot, SECRETARY, approve)
    assert texts.SEAL_APPROVED_STAFF.format(number=number, staff="陈书记") in replies[0].text
    got = chat.inbox()
    assert f"〔文件〕{number}.pdf" in got and "已经办好了" in got
    code = re.search(r"核验码 ([A-Z0-9]{10})", got).group(1)  # type: ignore[union-attr]
    with bot.uow() as uow:
        pdf = uow.seals.pdf(number)
        audit = uow.seals.decisions(number)
    assert pdf is not None and pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # the CJK font is embedded
    assert [(d.actor, d.action) for d in audit] == [("resident", "requested"), ("S01", "approved")]
    assert audit[-1].sha256 and len(audit[-1].sha256) == 64

    out = chat.say(f"/verify {code.lower()}")
    masked = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert "这份证明是真的" in out and "张桂英" in out and masked in out and "居住证明" in out
    assert "翠微苑" not in out and "实验小学" not in out  # only name, masked ID, type and dates

    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    ok = run_cli("--config", _config(tmp_path), "seal", "verify", path)
    assert ok.code == 0 and ok.out.startswith("genuine") and masked in ok.out, ok

    tampered = bytearray(pdf)
    i = pdf.index(b"/Author")
    tampered[i + 9] ^= 0x01  # one changed byte
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(tampered))
    res = run_cli("--config", _config(tmp_path), "seal", "verify", bad)
    assert res.code == 1 and len(res.out.strip().splitlines()) == 1 and not res.out.startswith("genuine"), res

    shown = tmp_path / "shown.pdf"
    assert run_cli("--config", _config(tmp_path), "seal", "show", number, "--pdf", shown).code == 0
    assert shown.read_bytes() == pdf

    res = run_cli("--config", _config(tmp_path), "seal", "revoke", number, "--reason", "地址有误",
                  "--staff", "S01")
    assert res.code == 0, res
    res = run_cli("--config", _config(tmp_path), "seal", "verify", path)
    assert res.code == 1 and res.out.startswith("revoked"), res
    out = chat.say(f"/verify {code}")
    assert "已于" in out and "撤销" in out and "这份证明是真的" not in out


def _config(tmp_path: Path) -> Path:
    return tmp_path / "etc" / "config.yaml"


def test_rejection_asks_a_reason_and_the_resident_is_told(bot: App) -> None:
    chat = Chat(bot, RESIDENT)
    number = request(bot, chat)
    replies = press(bot, SECRETARY, SEAL.data("no", number))
    assert "原因" in replies[0].text
    replies = say_as(bot, SECRETARY, "居住时间和登记的不一样 请来社区核对")
    assert texts.SEAL_REJECTED_STAFF.format(number=number, staff="陈书记") in replies[0].text
    got = chat.inbox()
    assert "没有通过" in got and "居住时间和登记的不一样 请来社区核对" in got and "0577-88001234" in got
    with bot.uow() as uow:
        assert uow.seals.get(number).status == SealStatus.REJECTED  # type: ignore[union-attr]
    out = chat.say("我的证明办得怎么样了")
    assert f"{number} · 居住证明 · 未通过" in out


def test_only_an_approving_role_decides_even_with_forged_button_data(bot: App) -> None:
    chat = Chat(bot, RESIDENT)
    number = request(bot, chat)
    forged = SEAL.data("yes", number)
    for user, chat_id in ((RESIDENT, RESIDENT), (RESIDENT, STAFF_CHAT), (GRID1_STAFF, STAFF_CHAT)):
        replies = press(bot, user, forged, chat_id)
        assert "批准" not in "".join(r.text for r in replies)
        assert any("工作人员可以操作" in (r.notice or r.text) for r in replies), replies
    with bot.uow() as uow:
        assert uow.seals.get(number).status == SealStatus.PENDING  # type: ignore[union-attr]
        assert uow.seals.certificate(number=number) is None
    assert "〔文件〕" not in chat.inbox()
    press(bot, SOCIAL_WORKER, forged)  # 社工 approves 居住证明 (config: approvers [书记, 社工])
    with bot.uow() as uow:
        assert uow.seals.get(number).status == SealStatus.APPROVED  # type: ignore[union-attr]


def test_what_the_first_message_says_is_not_asked_again(bot: App) -> None:
    chat = Chat(bot, RESIDENT)
    out = chat.say("我要开个证明 办社保用 交给社保中心")
    assert texts.SEAL_PICK in out and "居住证明" in out and "家庭情况证明" in out
    out = chat.say("居住证明")
    assert "哪一年" in out  # 用途 and 提交单位 were said already
    out = chat.say("2010年")
    assert "用途：办社保" in out and "提交单位：社保中心" in out and "居住起始时间：2010年" in out


def test_an_emergency_mid_request_is_not_taken_for_an_answer(bot: App) -> None:
    chat = Chat(bot, RESIDENT)
    assert texts.SEAL_ASK_PURPOSE in chat.say("我要开个居住证明")
    out = chat.say("厨房里煤气味好重")
    assert "96777" in out and texts.SEAL_ASK_USED_AT not in out
    with bot.uow() as uow:
        assert uow.seals.list() == [] and len(uow.reports.list()) <= 1


def test_an_unverified_resident_cannot_request(bot: App) -> None:
    out = Chat(bot, 1002).say("我要开个居住证明")  # bound from the chat, not yet verified by the office
    assert "核实后就可以在这里开了" in out and "0577-88001234" in out
    out = Chat(bot, 1009).say("我要开个居住证明 办社保用")  # a stranger: asked for their phone
    assert texts.SEAL_NEED_CONTACT in out and "/contact" in out
    with bot.uow() as uow:
        assert uow.seals.list() == []


def test_verify_codes_are_rate_limited_per_client(bot: App) -> None:
    chat = Chat(bot, 1002)
    limit = bot.config.seals.verify_per_minute
    for _ in range(limit):
        assert texts.VERIFY_UNKNOWN in chat.say("/verify ABCDEFGH23")
    assert texts.VERIFY_SLOW in chat.say("/verify ABCDEFGH23")
    assert texts.VERIFY_UNKNOWN in Chat(bot, 1003).say("/verify ABCDEFGH23")  # another client is not slowed


def test_staff_request_for_a_resident_and_decide_from_the_command_line(bot: App, tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    cfg = _config(tmp_path)
    with bot.uow() as uow:
        resident = uow.residents.by_user(RESIDENT)
    assert resident is not None
    res = run_cli("--config", cfg, "seal", "request", "--resident", str(resident.id), "--template", "居住证明",
                  "--staff", "S02", "--purpose", "办社保", "--used-at", "社保中心")
    assert res.code == 1 and "since" in res.err  # the template's own field is required too
    res = run_cli("--config", cfg, "seal", "request", "--resident", str(resident.id), "--template", "residence",
                  "--staff", "S02", "--purpose", "办社保", "--used-at", "社保中心", "--field", "since=2015年")
    assert res.code == 0, res
    number = ZM.search(res.out).group(0)  # type: ignore[union-attr]
    listed = run_cli("--config", cfg, "seal", "list", "--status", "pending")
    assert number in listed.out and "审核中" in listed.out
    refused = run_cli("--config", cfg, "seal", "approve", number, "--staff", "S02")  # a 网格员
    assert refused.code == 1 and "只有负责审核这类证明的工作人员" in refused.err
    res = run_cli("--config", cfg, "seal", "approve", number, "--staff", "S08")
    assert res.code == 0 and "核验码" in res.out, res
    chat = Chat(bot, RESIDENT)
    assert f"〔文件〕{number}.pdf" in chat.inbox()  # the resident's chat gets it all the same
    shown = run_cli("--config", cfg, "seal", "show", number)
    assert "approved S08" in shown.out and PERSON_ID not in shown.out
    code = re.search(r"核验码：([A-Z0-9]{10})", shown.out).group(1)  # type: ignore[union-attr]
    caplog.set_level("INFO")
    chat.say(f"/verify {code}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "verification by code: genuine" in logged
    assert code not in logged and "张桂英" not in logged and PERSON_ID[-4:] not in logged


def test_a_request_waits_for_the_phone_and_goes_on_with_what_was_said_meanwhile(bot: App) -> None:
    with bot.uow() as uow:  # on the roster, not yet known in the chat
        uow.residents.add(Resident(name="王秀兰", phone="13805779999", id_number=id_number(date(1960, 1, 2), 33),
                                   address=Address("E1", "5", "1", "101"), verified=True))
        uow.commit()
    chat = Chat(bot, 1010)
    assert texts.SEAL_NEED_CONTACT in chat.say("我要开个居住证明")
    out = chat.say("要交给实验小学")  # not taken for a booking or lost
    assert texts.CONTACT_STILL_NEEDED in out and "预约" not in out
    out = chat.say("/contact 13805779999")
    assert "已核实" in out and texts.SEAL_ASK_PURPOSE in out  # the request goes on by itself
    chat.say("孩子上学")
    out = chat.say("2012年")
    assert "提交单位：实验小学" in out and "用途：孩子上学" in out


def test_a_clear_other_request_or_stop_drops_the_request_held_for_the_phone(bot: App) -> None:
    chat = Chat(bot, 1011)
    chat.say("我要开个居住证明")
    assert texts.STOPPED in chat.say("算了")
    chat.say("我要开个居住证明")
    out = chat.say("我家楼道灯坏了")
    assert texts.CONTACT_STILL_NEEDED not in out and "小区" in out  # the report is taken instead


def test_a_question_mid_request_is_offered_not_taken_for_an_answer_nor_a_dead_end(bot: App) -> None:
    chat = Chat(bot, RESIDENT)
    assert texts.SEAL_ASK_PURPOSE in chat.say("我要开个居住证明")
    out = chat.say("临时救助是什么")
    assert "要先放下它，去办“问政策”吗" in out and texts.SEAL_ASK_USED_AT not in out
    out = chat.say("不，继续登记")
    assert texts.SEAL_ASK_PURPOSE in out  # asked again, the answer not taken from the question
    chat.say("孩子上学")
    chat.say("实验小学")
    assert "请核对您的居住证明" in chat.say("2015年")
    out = chat.say("以后别给我发政策了")  # at the confirmation too: offered, not the summary again
    assert "去办“退订消息”吗" in out, out
    out = chat.say("是，去办新的")
    assert "政策" in out and "请核对" not in out  # the new request is answered
    with bot.uow() as uow:
        assert uow.seals.list() == []  # nothing filed unasked


def test_continuing_before_a_kind_is_chosen_asks_the_kind_and_a_typed_no_is_the_answer(bot: App) -> None:
    chat = Chat(bot, RESIDENT)
    assert texts.SEAL_PICK in chat.say("我要开个证明")
    assert "去办“问政策”吗" in chat.say("临时救助是什么")
    assert texts.SEAL_PICK in chat.say("不用了")  # typed, not tapped: the kinds again, no crash
    assert texts.SEAL_ASK_PURPOSE in chat.say("居住证明")
    assert "去办“问政策”吗" in chat.say("临时救助是什么")
    out = chat.say("不用了")
    assert texts.SEAL_ASK_PURPOSE in out  # asked again; "不用了" is not the purpose
    chat.say("孩子上学")
    chat.say("实验小学")
    out = chat.say("2015年")
    assert "用途：孩子上学" in out and "不用了" not in out, out


def test_a_request_held_for_the_phone_tells_when_it_was_too_late_and_menu_drops_it(bot: App) -> None:
    clock = bot.dialogue.clock
    chat = Chat(bot, 1012)
    chat.say("我要开个居住证明")
    chat.say("菜单")
    out = chat.say("要交给派出所")
    assert texts.CONTACT_STILL_NEEDED not in out  # nothing is held any more
    chat.say("我要开个居住证明")
    later = clock() + timedelta(minutes=31)
    bot.dialogue.clock = lambda: later  # type: ignore[method-assign]
    try:
        out = chat.say("/contact 13905779876")
    finally:
        bot.dialogue.clock = clock  # type: ignore[method-assign]
    assert "已经等了超过30分钟" in out and "开证明" in out, out
