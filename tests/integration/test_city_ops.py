"""What operators of a city deployment see on the command line: each warning's place, and a
push or warning that would reach nobody said before it is sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from domain.pushes import ALERT, NOTICE
from tests.fixtures import clean_env, database_url, run_cli  # noqa: F401
from tests.integration.test_city_pushes import town  # noqa: F401  (a fixture)
from tests.integration.test_community_isolation import N, city  # noqa: F401  (a fixture)

NOW = datetime.now(UTC)


def _cli(tmp_path: Path) -> tuple[str | Path, ...]:
    return ("--config", tmp_path / "etc" / "config.yaml")  # the city fixture's


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "warning.txt"
    path.write_text("今夜有暴雨，请勿外出。", encoding="utf-8")
    return path


def test_alerts_list_names_where_each_warning_went(town: App, tmp_path: Path) -> None:  # noqa: F811
    cli, text = _cli(tmp_path), _text(tmp_path)
    for place in (("--district", "瓯海区"), ("--to-community", "金竹村"), ("--city",)):
        sent = run_cli(*cli, "alerts", "send", "--level", "橙", "--title", "暴雨", "--text", text, *place)
        assert sent.code == 0, sent.err
    listed = run_cli(*cli, "alerts", "list")
    assert listed.code == 0, listed.err
    lines = [line for line in listed.out.splitlines() if "暴雨" in line]
    assert len(lines) == 3
    assert "全市（3个村社）" in lines[0] and "金竹村" in lines[1] and "瓯海区（2个村社）" in lines[2]
    rows = json.loads(run_cli(*cli, "alerts", "list", "--json").out)
    assert [r["place"] for r in rows] == ["全市（3个村社）", "金竹村", "瓯海区（2个村社）"]
    assert rows[2]["reach"]["level"] == "district" and rows[2]["reach"]["name"] == "瓯海区"


def _quiet_nanyang(town: App) -> None:  # noqa: F811
    """南垟's one resident switches 通知 and 预警 off: nobody there takes either."""
    with town.tenant(N).uow() as uow:
        [r] = uow.residents.list(verified=True)
        assert r.id is not None
        for topic in (NOTICE, ALERT):
            uow.subscriptions.switch(r.id, topic, False, NOW)
        uow.commit()


def _counts(town: App) -> tuple[int, int]:  # noqa: F811
    with town.uow() as uow:
        return len(uow.pushes.list(1000)), len(uow.alerts.alerts(1000))


def test_a_push_or_warning_that_would_reach_nobody_is_refused_unless_yes(town: App, tmp_path: Path) -> None:  # noqa: F811
    _quiet_nanyang(town)
    cli, text = _cli(tmp_path), _text(tmp_path)
    before = _counts(town)
    push = ("pushes", "send", "--title", "义诊", "--text", text, "--to-community", "南垟社区", "--no-wait")
    refused = run_cli(*cli, *push)
    assert refused.code == 1 and "南垟社区" in refused.err and "没有会收到" in refused.err and "--yes" in refused.err
    warn = ("alerts", "send", "--level", "橙", "--title", "暴雨", "--text", text, "--to-community", "南垟社区")
    refused = run_cli(*cli, *warn)
    assert refused.code == 1 and "没有会收到" in refused.err and "预警" in refused.err
    empty = ("pushes", "send", "--title", "义诊", "--text", text, "--estate", "江滨花园", "--no-wait")  # nobody there
    assert run_cli(*cli, *empty).code == 1
    assert _counts(town) == before  # nothing written
    assert run_cli(*cli, *push, "--yes").code == 0
    assert run_cli(*cli, *warn, "--yes").code == 0
    assert _counts(town) == (before[0] + 2, before[1] + 1)
    fine = run_cli(*cli, "pushes", "send", "--title", "义诊", "--text", text, "--to-community", "金竹村", "--no-wait")
    assert fine.code == 0 and "1 位居民" in fine.out  # someone takes it: no --yes needed
