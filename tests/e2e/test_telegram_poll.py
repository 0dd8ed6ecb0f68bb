"""One poll end to end over the local stand-in for the Bot API: create, vote, refuse, close, chart."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.app import App
from domain.residents import Address, Resident
from tests.fixtures import clean_env, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Clock, staffed
from tests.support.fonts import needs_font
from tests.support.ptb_harness import live_bot

STAFF_CHAT, GRID1_STAFF = -1002000000001, 700000002
WANG, LI, WANG_SON = 2001, 2002, 2003  # WANG and WANG_SON share a flat: one household


@pytest_asyncio.fixture
async def live(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    needs_font()
    staffed(sqlite_app, Clock(datetime.now(UTC)))
    with sqlite_app.uow() as uow:
        for user, name, room in ((WANG, "王建国", "302"), (LI, "李阿婆", "501"), (WANG_SON, "王小军", "302")):
            uow.residents.add(Resident(name=name, phone=None, address=Address("E1", "3", "2", room),
                                       verified=True, user_id=user, chat_id=user))
        uow.commit()
    async with live_bot(sqlite_app) as server:
        yield sqlite_app, server


async def staff_says(tg: BotApiServer, text: str) -> str:
    await tg.inject_text(STAFF_CHAT, text, user_id=GRID1_STAFF)
    (msg,) = await tg.wait_messages(STAFF_CHAT)
    return msg.text


@pytest.mark.asyncio
async def test_poll_created_voted_once_per_household_closed_and_charted(live: tuple[App, BotApiServer]) -> None:
    from PIL import Image

    _app, tg = live
    # Staff create it in the staff group, one short step at a time.
    assert "问题" in await staff_says(tg, "发起投票")
    assert "每行一个" in await staff_says(tg, "河边护栏刷成什么颜色")
    await tg.inject_text(STAFF_CHAT, "绿色\n灰色", user_id=GRID1_STAFF)
    (scope,) = await tg.wait_messages(STAFF_CHAT)
    await tg.press(scope, "翠微苑", user_id=GRID1_STAFF)
    (ask_end,) = await tg.wait_messages(STAFF_CHAT)
    assert "截止" in ask_end.text
    assert "河边护栏" in await staff_says(tg, "2030-12-10 18:00")
    preview = tg.messages_in(STAFF_CHAT)[-1]
    await tg.press(preview, "发布", user_id=GRID1_STAFF)
    await tg.wait_until(lambda: "已发布" in tg.messages_in(STAFF_CHAT)[-1].text)
    assert "已通知3位住户" in tg.messages_in(STAFF_CHAT)[-1].text

    # Each resident gets the poll with its options as buttons.
    notices = {user: (await tg.wait_messages(user, timeout=10))[0] for user in (WANG, LI, WANG_SON)}
    assert all("河边护栏刷成什么颜色" in m.text for m in notices.values())
    await tg.press(notices[WANG], "绿色", user_id=WANG)
    (ok,) = await tg.wait_messages(WANG)
    assert "记下了" in ok.text and "绿色" in ok.text
    await tg.press(notices[LI], "灰色", user_id=LI)
    (ok,) = await tg.wait_messages(LI)
    assert "记下了" in ok.text
    # The son, in the same flat: refused kindly, without saying who voted.
    await tg.press(notices[WANG_SON], "灰色", user_id=WANG_SON)
    (refused,) = await tg.wait_messages(WANG_SON)
    assert "已经投过票" in refused.text and "王建国" not in refused.text

    # Staff see the live count and close the poll.
    await tg.inject_text(STAFF_CHAT, "投票结果", user_id=GRID1_STAFF)
    (listing,) = await tg.wait_messages(STAFF_CHAT)
    await tg.press(listing, listing.buttons[0][0][0], user_id=GRID1_STAFF)
    (live_count,) = await tg.wait_messages(STAFF_CHAT)
    assert "绿色：1票" in live_count.text and "灰色：1票" in live_count.text and "已投票2户" in live_count.text
    await tg.press(live_count, "结束投票", user_id=GRID1_STAFF)
    (closed,) = await tg.wait_messages(STAFF_CHAT)
    assert "已结束" in closed.text

    # The two voters get the chart as a photo, with the one-line summary as its caption.
    for user in (WANG, LI):
        (photo,) = await tg.wait_messages(user, timeout=20)
        assert photo.kind == "photo" and photo.document_bytes is not None
        image = Image.open(io.BytesIO(photo.document_bytes))
        assert image.format == "PNG" and image.width == 900
        assert "绿色1票" in photo.text and "灰色1票" in photo.text and "共2户投票" in photo.text
    assert tg.drain(WANG_SON) == []
    assert tg.errors == []
