"""Only one's own contact binds a chat user to the roster; a forwarded card binds nothing.

Before, a phone-book card with a roster phone made the sender that resident (verified), and
我的信息 then showed a stranger the name, full address and tags such as 独居 and 低保户.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.app import App
from bot.channels.telegram import build_application
from domain.usecases.residents import import_roster
from tests.fixtures import app, app_config, clean_env, config_file, database_url, sqlite_app, sqlite_config_file  # noqa: F401
from tests.support.botapi import BotApiServer
from tests.support.chat import Chat, Clock, staffed
from tests.support.ptb_harness import polling

ROSTER = [{"姓名": "王秀英", "手机号": "13957700001", "身份证号": "33030219500307002X", "小区": "翠微苑",
           "幢": "3", "单元": "2", "室": "302", "标签": "老年人,独居,低保户"}]
STRANGER = 6101
OTHER_USER = 6102
SECRETS = ("王秀英", "秀英", "302", "独居", "低保户", "13957700001", "33030219500307002X")


def _roster(app: App) -> App:  # noqa: F811
    staffed(app, Clock(datetime.now(UTC)))
    import_roster(app.uow(), ROSTER, app.estate_lookup(), set(app.config.resident_tags))
    return app


def _nothing_bound(app: App, user_id: int) -> None:  # noqa: F811
    with app.uow() as uow:
        assert uow.residents.by_user(user_id) is None
        (wang,) = uow.residents.list()
        assert wang.user_id is None and wang.chat_id is None


@pytest.mark.parametrize("card", ["card", str(OTHER_USER)], ids=["phone-book card", "someone else's"])
def test_a_forwarded_card_binds_nothing_over_the_terminal(app: App, card: str) -> None:  # noqa: F811
    _roster(app)
    stranger = Chat(app, STRANGER)
    out = stranger.say(f"/contact 13957700001 {card}")
    assert "本人" in out and "分享手机号" in out
    assert "输入 /contact" in out  # the contact-request button is shown again
    assert "已核实" not in out
    _nothing_bound(app, STRANGER)
    stranger.say("菜单")
    mine = stranger.say("我的信息")  # the menu button
    assert "还没有保存您的任何信息" in mine
    assert not any(s in mine for s in SECRETS)


def test_ones_own_contact_still_binds_over_the_terminal(app: App) -> None:  # noqa: F811
    _roster(app)
    wang = Chat(app, 6103)
    assert "已核实您是翠微苑的居民" in wang.say("/contact 13957700001")
    assert "王秀英" in wang.say("我的信息")


@pytest_asyncio.fixture
async def telegram(sqlite_app: App) -> AsyncIterator[tuple[App, BotApiServer]]:  # noqa: F811
    _roster(sqlite_app)
    async with BotApiServer() as server:
        application = build_application(sqlite_app.dialogue, server.token, base_url=server.base_url,
                                        concurrent_updates=4, rate_limit=False)
        async with polling(application):
            yield sqlite_app, server


@pytest.mark.asyncio
@pytest.mark.parametrize("card_user_id", [None, OTHER_USER], ids=["no user_id", "someone else's"])
async def test_a_forwarded_card_binds_nothing_over_telegram(
    telegram: tuple[App, BotApiServer], card_user_id: int | None,
) -> None:
    bot, tg = telegram
    await tg.share_card(STRANGER, "+86 139 5770 0001", card_user_id=card_user_id)
    (answer,) = await tg.wait_messages(STRANGER)
    assert "本人" in answer.text and "分享手机号" in answer.text
    assert answer.keyboard and answer.keyboard[0][0].get("request_contact") is True
    await asyncio.to_thread(_nothing_bound, bot, STRANGER)
    await tg.inject_text(STRANGER, "菜单")
    (menu,) = await tg.wait_messages(STRANGER)
    await tg.press(menu, "我的信息")
    await tg.wait_until(lambda: any("保存" in m.text for m in tg.messages_in(STRANGER) + tg.edited))
    mine = next(m for m in tg.messages_in(STRANGER) + tg.edited if "保存" in m.text)
    assert "还没有保存" in mine.text and not any(s in mine.text for s in SECRETS)
