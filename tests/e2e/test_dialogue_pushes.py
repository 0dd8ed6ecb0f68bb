"""Subscriptions and a staff push over the terminal channel, in people's own words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.app import App
from bot.pushes import report_progress
from domain.pushes import ALERT, NOTICE, POLICY
from domain.residents import Address, Resident
from tests.fixtures import app, app_config, clean_env, config_file, database_url, id_number  # noqa: F401
from tests.support.chat import Chat, Clock, staffed

SECRETARY = 700000001  # 陈书记


@pytest.fixture
def bot(app: App) -> Iterator[App]:  # noqa: F811
    yield staffed(app, Clock())


def bind(bot: App, user: int, tags: list[str]) -> int:
    with bot.uow() as uow:
        r = uow.residents.add(Resident(f"居民{user}", f"139{user:08d}", Address("E1", "3"),
                                       id_number(date(1950, 1, 2), user), tags, verified=True,
                                       user_id=user, chat_id=user))
        uow.commit()
    assert r.id is not None
    return r.id


def choices(bot: App, resident_id: int) -> dict[str, bool]:
    with bot.uow() as uow:
        return uow.subscriptions.of(resident_id)


def test_a_resident_switches_topics_off_and_on_in_their_own_words(bot: App) -> None:
    rid = bind(bot, 5101, ["老年人"])
    chat = Chat(bot, 5101)
    assert "不再给您发政策" in chat.say("以后别给我发政策了")
    out = chat.say("台风那些预警的也不要再发了")
    assert "确定要关闭吗" in out and "仍然关闭" in out and "保留" in out
    assert "继续为您保留" in chat.say("保留")
    assert choices(bot, rid) == {POLICY: False, NOTICE: True, ALERT: True}
    out = chat.say("我想订阅社区的消息")  # no topic named: which one, with a button each
    assert "您想接收哪一类消息" in out and "转给工作人员" not in out
    assert "以后有政策会发给您" in chat.say("政策")
    out = chat.say("我的信息")
    assert "消息订阅：政策开、通知开、预警开" in out and "关闭通知" in out
    assert "不再给您发通知" in chat.say("关闭通知")
    assert choices(bot, rid) == {POLICY: True, NOTICE: False, ALERT: True}


def test_staff_push_reaches_the_targets_and_one_message_shows_progress(bot: App) -> None:
    bind(bot, 5201, ["低保户"])
    bind(bot, 5202, ["低保户"])
    bind(bot, 5203, [])
    staff = Chat(bot, SECRETARY)
    assert "要推送哪条政策" in staff.say("发推送")
    assert "发给哪些居民" in staff.say("城乡居民最低生活保障")
    out = staff.say("低保户")
    assert "共2位居民" in out and "确认发送" in out
    assert "已发送 0/2，失败 0" in staff.say("确认发送")
    first, other = Chat(bot, 5201), Chat(bot, 5203)
    assert "【政策推送】\n【城乡居民最低生活保障】" in first.inbox()
    assert other.inbox() == ""
    Chat(bot, 5202).inbox()
    with bot.uow() as uow:
        report_progress(uow, bot.dialogue.clock())
        uow.commit()
    assert "推送完成：已发送 2/2，失败 0" in staff.inbox()
