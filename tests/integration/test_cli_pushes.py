"""`cunshe pushes send|list|show`: a policy or notice push to its targets, now or at a time."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from bot import jobs
from bot.app import App
from bot.cli.pushes import wait
from bot.events import ChatUnreachable, Reply
from bot.outbox import Dispatcher
from tests.fixtures import clean_env, run_cli, sqlite_app, sqlite_config_file  # noqa: F401
from tests.integration.test_pushes import add_residents


def test_send_a_policy_and_a_notice_then_list_and_show(sqlite_app: App, sqlite_config_file: Path,  # noqa: F811
                                                      tmp_path: Path) -> None:
    add_residents(sqlite_app)  # 101 老年人 in 翠微苑 (78), 102 租户 in 江滨花园 (38), 103 unverified
    cli = ("--config", sqlite_config_file, "pushes")
    sent = run_cli(*cli, "send", "--policy", "relief", "--tag", "老年人", "--no-wait")
    assert sent.code == 0, sent.err
    assert sent.out.strip() == "推送 1 已排队：1 位居民"
    notice = tmp_path / "notice.txt"
    notice.write_text("明天上午9点到12点停水，请提前储水。\n", encoding="utf-8")
    sent = run_cli(*cli, "send", "--title", "停水通知", "--text", notice, "--estate", "翠微苑",
                   "--estate", "E2", "--max-age", "60", "--no-wait")
    assert sent.out.strip() == "推送 2 已排队：1 位居民", sent.err

    class Sender:
        async def send(self, chat_id: int, reply: Reply, priority: int = 1) -> None:
            if chat_id == 102:
                raise ChatUnreachable("blocked")

    asyncio.run(Dispatcher(sqlite_app, Sender()).deliver_due())
    listed = json.loads(run_cli(*cli, "list", "--json").out)
    assert [(p["id"], p["kind"], p["topic"], p["total"]) for p in listed] == [
        (2, "notice", "通知", 1), (1, "policy", "政策", 1)]
    assert listed[0]["targets"]["estates"] == ["E1", "E2"] and listed[0]["targets"]["max_age"] == 60
    shown = run_cli(*cli, "show", "2")
    assert "停水通知" in shown.out
    assert "1 位居民，已发送 0，失败 0，被屏蔽 1，待发送 0" in shown.out
    assert "1 位居民，已发送 1，失败 0，被屏蔽 0，待发送 0" in run_cli(*cli, "show", "1").out
    assert run_cli(*cli, "show", "9").code != 0
    with sqlite_app.uow() as uow:
        (row,) = [m for m in uow.outbox.undelivered() if m.push_id == 2]
    assert row.chat_id == 102


def test_send_refuses_unknown_policy_tag_and_a_notice_without_text(sqlite_app: App,  # noqa: F811
                                                                   sqlite_config_file: Path) -> None:  # noqa: F811
    cli = ("--config", sqlite_config_file, "pushes", "send", "--no-wait")
    assert "没有编号为 nope 的政策" in run_cli(*cli, "--policy", "nope").err
    assert "未知标签" in run_cli(*cli, "--policy", "relief", "--tag", "富豪").err
    assert "--text" in run_cli(*cli, "--title", "停水").err
    with sqlite_app.uow() as uow:
        assert uow.pushes.list() == []


def test_send_at_a_time_keeps_the_push_in_the_job_store(sqlite_app: App,  # noqa: F811
                                                        sqlite_config_file: Path) -> None:  # noqa: F811
    cli = ("--config", sqlite_config_file, "pushes", "send", "--policy", "dibao")
    assert "已经过去" in run_cli(*cli, "--at", "2020-01-01 09:00").err
    out = run_cli(*cli, "--tag", "低保户", "--at", "2099-12-03 09:00")
    assert out.code == 0 and "推送已定时" in out.out, out.err
    store = jobs.job_store(sqlite_app)
    try:
        (job,) = [j for j in store.get_jobs() if j.id.startswith("push-at:")]
        assert job.next_run_time == datetime(2099, 12, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
        assert job.kwargs["spec"]["policy"] == "dibao"
        assert job.kwargs["spec"]["targets"]["tags"] == ["低保户"]
    finally:
        store.shutdown()
    with sqlite_app.uow() as uow:
        assert uow.pushes.list() == []  # nothing sent yet


def test_the_progress_bar_is_redrawn_until_every_recipient_has_an_outcome(sqlite_app: App) -> None:  # noqa: F811
    add_residents(sqlite_app)
    from bot import pushes

    with sqlite_app.uow() as uow:
        push_id = pushes.send(sqlite_app, uow, {"policy": "relief"}, started_by=None,
                              now=datetime.now(UTC))
        uow.commit()

    class Sender:
        async def send(self, chat_id: int, reply: Reply, priority: int = 1) -> None:
            pass

    dispatcher = Dispatcher(sqlite_app, Sender())
    reads = []

    def read() -> object:
        with sqlite_app.uow() as uow:
            p = uow.pushes.progress(push_id)
        reads.append(p)
        asyncio.run(dispatcher.deliver_due())  # the bot sends between two redraws
        return p

    out = io.StringIO()
    final = wait(read, out, every=0)  # type: ignore[arg-type]
    assert final is not None and final.sent == 2 and len(reads) == 2
    assert "已发送 0/2" in out.getvalue() and out.getvalue().endswith("已发送 2/2，失败 0\n")
    assert "[" + "#" * 30 + "]" in out.getvalue()


def test_watching_a_push_without_a_running_bot_says_so_and_ctrl_c_only_stops_watching() -> None:
    from domain.pushes import Progress

    reads = 0

    def stuck() -> Progress:  # nobody sends: the bot is not running
        nonlocal reads
        reads += 1
        if reads > 3:
            raise KeyboardInterrupt
        return Progress(total=5)

    out = io.StringIO()
    assert wait(stuck, out, every=0, stall_hint_after=0) is None
    assert out.getvalue().count("机器人在运行吗") == 1  # said once, not at every redraw
    assert out.getvalue().rstrip().endswith("推送已排队，机器人运行时会继续发送（cunshe pushes show 查看进度）。")
