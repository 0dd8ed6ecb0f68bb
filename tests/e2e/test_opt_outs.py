"""A resident who switched 通知 off is not sent notices, whichever path sends them."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from tests.e2e.test_dialogue_polls import LI, WANG, ZHAO, bot, make_poll  # noqa: F401
from tests.fixtures import app, app_config, clean_env, config_file, database_url, run_cli  # noqa: F401
from tests.support.chat import Chat, queued


def _quiet(bot: App, user: int) -> None:  # noqa: F811
    assert "不再给您发通知" in Chat(bot, user).say("社区那些通知以后别发给我了")


def test_a_poll_notice_skips_residents_who_switched_notices_off(bot: App) -> None:  # noqa: F811
    _quiet(bot, LI)
    make_poll(bot)
    assert any("小区东门要不要装道闸" in r.text for r in queued(bot, WANG))
    assert not any("小区东门要不要装道闸" in r.text for r in queued(bot, LI))


def test_a_notice_added_on_the_command_line_can_be_pushed_like_the_staff_chats(
        bot: App, config_file: Path, tmp_path: Path) -> None:  # noqa: F811
    _quiet(bot, LI)
    text = tmp_path / "notice.txt"
    text.write_text("本周六上午9点在社区广场义诊，请带好医保卡。", encoding="utf-8")
    cli = ("--config", config_file, "board", "notice", "add", "--title", "周六义诊", "--text", text)
    done = run_cli(*cli, "--estate", "翠微苑", "--push")
    assert done.code == 0, done.err
    assert "推送给2位居民" in done.out  # 王建国 and his wife; 李阿婆 said no; 赵伯 lives elsewhere
    [told] = [r for r in queued(bot, WANG) if "周六义诊" in r.text]
    assert "翠微苑" in told.text and "请带好医保卡" in told.text
    assert not any("周六义诊" in r.text for r in queued(bot, LI) + queued(bot, ZHAO))
    quiet = run_cli(*cli)  # without --push: on the board only, as 只发布 in the staff chat
    assert quiet.code == 0 and "推送" not in quiet.out
