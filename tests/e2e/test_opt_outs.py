"""A resident who switched 通知 off is not sent notices, whichever path sends them."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from tests.e2e.test_dialogue_polls import LI, WANG, WANG_WIFE, ZHAO, bot, make_poll  # noqa: F401
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


def test_a_notice_pushed_on_the_command_line_to_nobody_is_refused_unless_yes(
        bot: App, config_file: Path, tmp_path: Path) -> None:  # noqa: F811
    for user in (WANG, WANG_WIFE, LI):  # everyone of 翠微苑 with a chat switched 通知 off
        _quiet(bot, user)
    text = tmp_path / "notice.txt"
    text.write_text("本周六上午9点在社区广场义诊。", encoding="utf-8")
    cli = ("--config", config_file, "board", "notice", "add", "--title", "周六义诊", "--text", text,
           "--estate", "翠微苑", "--push")
    refused = run_cli(*cli)
    assert refused.code == 1
    assert "没有发送：翠微苑现在没有会收到的居民（要已核实、已绑定聊天、没有关闭通知）" in refused.err
    with bot.uow() as uow:
        assert uow.board.notices() == [] and uow.pushes.list() == []  # nothing written
    kept = run_cli(*cli, "--yes")  # as asked: on the board, the push kept as a record of nobody
    assert kept.code == 0 and "推送给0位居民" in kept.out
