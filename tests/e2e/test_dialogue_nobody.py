"""Staff are told plainly, before confirming, when a warning or a push would reach no resident."""

from __future__ import annotations

from bot.app import App
from tests.e2e.test_dialogue_alerts import NOW, OFFICIAL, SECRETARY, bot, clock, queued, resident  # noqa: F401
from tests.e2e.test_dialogue_pushes import bind
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat


def test_a_warning_nobody_would_get_is_said_before_it_is_confirmed(bot: App) -> None:  # noqa: F811
    chat = resident(bot, 5301, "13800005301", "南塘新村")
    assert "不再给您发预警" in chat.say("台风预警以后不要发给我了") + chat.say("仍然关闭")
    staff = Chat(bot, SECRETARY)
    staff.say("发布预警")
    staff.say("红色")
    staff.say("台风海葵红色预警")
    preview = staff.say(OFFICIAL)
    assert "没有居民会收到" in preview and "0位" not in preview and OFFICIAL in preview
    assert "确认发布" in preview and "取消" in preview  # still a choice: the record can be kept
    done = staff.say("确认发布")
    assert "没有居民会收到" in done and "0位" not in done
    assert queued(bot, 5301) == []


def test_a_push_to_a_group_with_nobody_in_it_offers_another_group(bot: App) -> None:  # noqa: F811
    bind(bot, 5302, [])
    staff = Chat(bot, SECRETARY)
    staff.say("发推送")
    staff.say("城乡居民最低生活保障")
    out = staff.say("低保户")
    assert "没有可以发送的居民" in out and "确认发送" not in out and "换一个范围" in out
