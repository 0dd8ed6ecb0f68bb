"""云盖章 over the local stand-in for the Bot API: the request, 批准 in the staff group, the PDF upload."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import App
from domain.usecases.residents import import_roster
from tests.fixtures import clean_env, id_number, make_config_file, sqlite_app  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Clock, staffed
from tests.support.fonts import needs_font
from tests.support.ptb_harness import live_bot

RESIDENT, STAFF_CHAT, SECRETARY = 1001, -1002000000001, 700000001
PERSON_ID = id_number(date(1950, 6, 1), 42)


@pytest.fixture
def sqlite_config_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Path:  # noqa: F811
    return make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'db' / 'cunshe.db'}",
                            changes={"seals.ca_dir": str(tmp_path / "ca")})


@pytest_asyncio.fixture
async def live(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    needs_font()
    staffed(sqlite_app, Clock(datetime.now(UTC)))
    import_roster(sqlite_app.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "身份证号": PERSON_ID,
                                      "小区": "翠微苑", "幢": "3", "单元": "2", "室": "302"}],
                  sqlite_app.estate_lookup(), set(sqlite_app.config.resident_tags))
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


@pytest.mark.asyncio
async def test_certificate_requested_approved_and_uploaded_over_telegram(live: tuple[App, BotApiServer]) -> None:
    app, tg = live
    await tg.share_contact(RESIDENT, "+8613812345678")
    (bound,) = await tg.wait_messages(RESIDENT)
    assert "已核实" in bound.text
    await tg.inject_text(RESIDENT, "我要开个居住证明 孩子上学用")
    (ask,) = await tg.wait_messages(RESIDENT)
    assert "交给哪个单位" in ask.text
    await tg.inject_text(RESIDENT, "实验小学")
    (ask,) = await tg.wait_messages(RESIDENT)
    await tg.inject_text(RESIDENT, "2015年")
    (confirm,) = await tg.wait_messages(RESIDENT)
    assert "张阿姨" in confirm.text and PERSON_ID not in confirm.text
    await tg.press(confirm, "提交", user_id=RESIDENT)
    (filed,) = await tg.wait_messages(RESIDENT)
    number = re.search(r"ZM-\d{8}-\d{4}", filed.text).group(0)  # type: ignore[union-attr]

    (card,) = await tg.wait_messages(STAFF_CHAT, timeout=10)
    assert number in card.text and PERSON_ID not in card.text
    await tg.press(card, "批准", user_id=RESIDENT)  # a resident cannot approve, even in the staff group
    await tg.press(card, "批准", user_id=SECRETARY)
    (doc,) = await tg.wait_messages(RESIDENT, timeout=20)
    assert doc.kind == "document" and doc.document_name == f"{number}.pdf"
    assert doc.document_bytes and doc.document_bytes.startswith(b"%PDF")
    assert "已经办好了" in doc.text
    answer = await asyncio.to_thread(app.certifier.check_file, doc.document_bytes)
    assert answer.status == "genuine" and answer.facts["number"] == number
    assert tg.errors == []
