"""What operators of a city deployment see on the command line: each warning's place, and a
push or warning that would reach nobody said before it is sent."""

from __future__ import annotations

import json
from pathlib import Path

from bot.app import App
from tests.fixtures import clean_env, database_url, run_cli  # noqa: F401
from tests.integration.test_city_pushes import town  # noqa: F401  (a fixture)
from tests.integration.test_community_isolation import city  # noqa: F401  (a fixture)


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
