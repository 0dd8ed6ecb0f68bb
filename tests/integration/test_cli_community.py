"""`cunshe --community CODE`: a roster, a notice and the lists of one 村社, invisible from another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import texts
from tests.fixtures import CliResult, clean_env, database_url, make_config_file, run_cli, write_csv  # noqa: F401

N, J = "oh-nbx-nanyang", "oh-nbx-jinzhu"
ROWS = [["周阿婆", "13911110001", "", "南垟花园", "5", "1", "501", "老年人"],
        ["吴大伯", "13911110002", "", "白象新村", "2", "", "302", ""]]


@pytest.fixture
def cfg(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Path:  # noqa: F811
    path = make_config_file(tmp_path / "etc", database_url, city=True)
    assert run_cli("--config", path, "db", "upgrade").code == 0
    return path


def cli(cfg: Path, *args: str | Path) -> CliResult:
    return run_cli("--config", cfg, *args)


def test_a_roster_is_filed_under_the_community_named_and_seen_only_there(cfg: Path, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "nanyang.csv", ROWS)
    done = cli(cfg, "residents", "import", "--community", N, roster)  # the option after the command
    assert done.code == 0, done.err
    assert "新增2人" in done.out
    mine = json.loads(cli(cfg, "--community", N, "residents", "list", "--json").out)
    assert sorted(p["name"] for p in mine) == ["吴大伯", "周阿婆"]
    assert "南垟花园" in mine[0]["address"] + mine[1]["address"]  # 南垟's estates, by name
    assert json.loads(cli(cfg, "--community", J, "residents", "list", "--json").out) == []
    city = json.loads(cli(cfg, "residents", "list", "--json").out)  # city-wide reading: every one
    assert len(city) == 2


def test_a_notice_published_in_one_community_is_not_on_anothers_board(cfg: Path, tmp_path: Path) -> None:
    text = tmp_path / "notice.txt"
    text.write_text("本周六上午打扫楼道。", encoding="utf-8")
    added = cli(cfg, "--community", J, "board", "notice", "add", "--title", "金竹大扫除", "--text", text)
    assert added.code == 0, added.err
    assert "金竹大扫除" in cli(cfg, "--community", J, "board", "notice", "list").out
    assert "金竹大扫除" not in cli(cfg, "--community", N, "board", "notice", "list").out


def test_without_community_a_city_files_nothing_and_says_which_option(cfg: Path, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", ROWS)
    refused = cli(cfg, "residents", "import", roster)
    assert refused.code == 2 and texts.CLI_COMMUNITY_NEEDED in refused.err
    text = tmp_path / "notice.txt"
    text.write_text("通知", encoding="utf-8")
    refused = cli(cfg, "board", "notice", "add", "--title", "没说哪个社区", "--text", text)
    assert refused.code == 2 and "--community" in refused.err
    assert "没说哪个社区" not in cli(cfg, "board", "notice", "list").out
    unknown = cli(cfg, "--community", "no-such-place", "residents", "list")
    assert unknown.code == 2 and "no-such-place" in unknown.err
    assert json.loads(cli(cfg, "residents", "list", "--json").out) == []


def test_a_street_with_no_community_is_named_by_check_and_at_start(
        tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> None:  # noqa: F811
    wrong = [{"code": "X01", "name": "某主任", "level": "街道", "reach": "不存在街道", "role": "书记"}]
    path = make_config_file(tmp_path / "etc", database_url, city=True, changes={"city_staff": wrong})
    assert run_cli("--config", path, "db", "upgrade").code == 0
    check = run_cli("--config", path, "communities", "check")
    assert check.code == 1 and "city_staff.0.reach" in check.out
    start = run_cli("--config", path, "staff", "list")
    assert start.code == 2 and "city_staff.0.reach" in start.err
