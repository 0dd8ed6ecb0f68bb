"""No personal data in logs, at any level: a whole day at DEBUG, every record of every logger.

Roster import, reports, a staff member viewing the contact (name and phone in the button's
notice: it used to be logged at WARNING), accept, resolve, rating and erasing — over the real
PTB Application against the local stand-in for the Bot API, and over the terminal channel.
Then every captured record is scanned for every roster name, phone, ID number and room.
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import App
from bot.logs import CAPPED, configure_logging
from tests.fixtures import (  # noqa: F401
    clean_env,
    id_number,
    run_cli,
    sqlite_app,
    sqlite_config_file,
    write_csv,
)
from tests.support.botapi import BotApiServer
from tests.support.botapi_model import SentMessage
from tests.support.chat import Chat, Clock, staffed
from tests.support.ptb_harness import live_bot

TG_RESIDENT, TERMINAL_RESIDENT = 5101, 5102
GRID1_CHAT = -1002000000011
GRID1_STAFF = 700000002
NUMBER = re.compile(r"BS-\d{8}-\d{4}")
# (姓名, 手机号, 身份证号, 小区, 幢, 单元, 室, 标签): rooms chosen so they appear nowhere else.
ROSTER = [
    ("张秀兰", "13857711234", id_number(date(1948, 5, 17), 21), "翠微苑", "3", "2", "1907", "老年人,独居"),
    ("李国强", "13957722345", id_number(date(1961, 9, 2), 33), "翠微苑", "5", "1", "2718", "低保户"),
    ("王美华", "13757733456", id_number(date(1979, 1, 23), 45), "江滨花园", "8", "3", "1603", ""),
]


def secrets() -> list[str]:
    """Every roster name, phone (also as Telegram writes it), ID number and room."""
    out: list[str] = []
    for name, phone, idn, _, building, unit, room, _ in ROSTER:
        out += [name, phone, f"+86{phone}", idn, f"{room}室", f"{building}幢{unit}单元{room}"]
    return out


class Everything(logging.Handler):
    """Keeps every record of every logger, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        if record.stack_info:
            text += "\n" + record.stack_info
        self.lines.append(text)


@pytest.fixture
def logs() -> Iterator[Everything]:
    """The bot's logging set-up at DEBUG, with every record captured."""
    root = logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in CAPPED}
    handler = Everything()
    configure_logging(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


def _import_roster(config: Path, tmp_path: Path) -> None:
    res = run_cli("--config", config, "residents", "import", write_csv(tmp_path / "花名册.csv", ROSTER))
    assert res.code == 0, res.err


@pytest_asyncio.fixture
async def live(sqlite_app: App, sqlite_config_file: Path, tmp_path: Path,  # noqa: F811
               logs: Everything) -> AsyncIterator[tuple[App, BotApiServer]]:
    staffed(sqlite_app, Clock(datetime.now(UTC)))
    _import_roster(sqlite_config_file, tmp_path)
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


async def _telegram_day(tg: BotApiServer) -> None:
    me = TG_RESIDENT
    await tg.inject_command(me, "start")
    await tg.wait_messages(me, 2)
    await tg.share_contact(me, "+8613857711234")
    await tg.wait_messages(me)
    await tg.inject_text(me, "我是张秀兰 住翠微苑3幢2单元1907室 电话13857711234 楼道灯坏了 身份证"
                             + ROSTER[0][2])
    (confirm,) = await tg.wait_messages(me)
    await tg.press(confirm, "确认提交", user_id=me)
    await tg.wait_messages(me)
    (card,) = await tg.wait_messages(GRID1_CHAT, timeout=10)
    answered = len(tg.callback_answers)
    await tg.press(card, "查看联系方式", user_id=GRID1_STAFF)
    await tg.wait_until(lambda: len(tg.callback_answers) > answered)
    assert "13857711234" in (tg.callback_answers[-1]["text"] or "")  # staff did see it
    await tg.press(card, "受理", user_id=GRID1_STAFF)
    await tg.wait_messages(me, timeout=10)
    await tg.wait_until(lambda: "已受理" in tg.messages[(GRID1_CHAT, card.message_id)].text)
    await tg.press(tg.messages[(GRID1_CHAT, card.message_id)], "办结", user_id=GRID1_STAFF)
    await tg.wait_messages(GRID1_CHAT)  # what was done? — a note naming the room, sent on
    await tg.inject_text(GRID1_CHAT, "已给1907室张秀兰换了灯泡", user_id=GRID1_STAFF)
    (confirm_note,) = await tg.wait_messages(GRID1_CHAT)
    await tg.press(confirm_note, "发给居民", user_id=GRID1_STAFF)
    (resolved,) = await tg.wait_messages(me, timeout=10)
    await tg.press(resolved, "5分", user_id=me)
    await tg.wait_messages(me)
    await tg.inject_text(me, "菜单")
    (menu,) = await tg.wait_messages(me)
    await tg.press(menu, "我的信息", user_id=me)
    await tg.press(await _showing(tg, me, "删除我的信息"), "删除我的信息", user_id=me)
    seen = len(tg.edited) + len(tg.sent)
    await tg.press(await _showing(tg, me, "确认删除"), "确认删除", user_id=me)
    await tg.wait_until(lambda: len(tg.edited) + len(tg.sent) > seen)


async def _showing(tg: BotApiServer, chat: int, label: str) -> SentMessage:
    """The latest message (sent or edited) in a chat that has a button labelled `label`."""

    def found() -> list[SentMessage]:
        return [m for m in tg.messages_in(chat) + tg.edited
                if any(text == label for row in m.buttons for text, _ in row)]

    await tg.wait_until(lambda: bool(found()))
    return found()[-1]


def _terminal_day(app: App, config: Path) -> None:
    me = Chat(app, TERMINAL_RESIDENT)
    staff = Chat(app, GRID1_STAFF, chat_id=GRID1_CHAT)
    me.say("你好")
    me.say("/contact 13957722345")
    me.say("李国强 翠微苑5幢1单元2718室 下水道堵了 电话13957722345")
    number = NUMBER.search(me.say("确认提交"))
    assert number, me.text
    staff.inbox()
    staff.say("查看联系方式")  # name and phone go to the presser as a notice
    staff.say("受理")
    staff.say("办结")
    staff.say("已给2718室李国强疏通了下水道")  # the note, confirmed below
    staff.say("发给居民")
    me.inbox()
    me.say("5分")
    with app.uow() as uow:
        lee = uow.residents.by_user(TERMINAL_RESIDENT)
        wang = uow.residents.by_phone("13757733456")
    assert lee is not None and wang is not None
    assert run_cli("--config", config, "residents", "delete", str(wang.id)).code == 0
    me.say("菜单")
    me.say("我的信息")
    me.say("删除我的信息")
    assert "已删除" in me.say("确认删除")


def _leaks(lines: list[str]) -> list[str]:
    return [f"{s!r} in: {line[:300]}" for line in lines for s in secrets() if s in line]


@pytest.mark.asyncio
async def test_a_whole_day_at_debug_logs_no_personal_data(
    live: tuple[App, BotApiServer], logs: Everything, sqlite_config_file: Path,  # noqa: F811
) -> None:
    app, tg = live
    await _telegram_day(tg)
    await asyncio.to_thread(_terminal_day, app, sqlite_config_file)
    assert logs.lines  # the bot did log (at DEBUG): the scan saw real records
    assert _leaks(logs.lines) == []
    assert tg.errors == []


def test_the_scan_would_see_a_leak(logs: Everything) -> None:
    """The capture works at every level and for library loggers (no test that cannot fail)."""
    logging.getLogger("bot.anything").debug("chat %s: %s", 1, ROSTER[0][0])
    logging.getLogger("telegram.ext").warning("update %s", ROSTER[1][1])
    assert len(_leaks(logs.lines)) == 2
    # A library's DEBUG (where PTB prints whole updates) never gets through the cap.
    logging.getLogger("telegram.ext.Updater").debug("update %s", ROSTER[2][1])
    logging.getLogger("httpx").info("POST %s", ROSTER[2][2])
    assert len(_leaks(logs.lines)) == 2
