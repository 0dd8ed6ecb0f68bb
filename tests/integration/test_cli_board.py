"""`cunshe board|ledger|projects` on SQLite and PostgreSQL: staff publish the 公开之栏 from the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from domain.board import Kind
from domain.usecases.residents import import_roster
from tests.fixtures import REPO, make_config_file, run_cli, write_csv, write_xlsx

HEADER = ["日期", "金额", "收支", "用途", "审批人", "小区"]


@pytest.fixture
def cfg(config_file: Path) -> Path:
    assert run_cli("--config", config_file, "db", "upgrade").code == 0
    return config_file


def cli(cfg: Path, *args: str | Path):  # type: ignore[no-untyped-def]
    return run_cli("--config", cfg, *args)


def test_ledger_add_and_list_a_month_with_totals(cfg: Path) -> None:
    r = cli(cfg, "ledger", "add", "--date", "2026-11-03", "--amount", "25", "--purpose", "扫帚",
            "--approver", "王书记", "--estate", "翠微苑", "--staff", "S02")
    assert r.code == 0, r.err
    assert "已记账" in r.out and "支出25元 扫帚" in r.out
    assert cli(cfg, "ledger", "add", "--date", "2026-11-01", "--amount", "5000", "--purpose", "上级拨款",
               "--income").code == 0
    assert cli(cfg, "ledger", "add", "--date", "2026-12-01", "--amount", "9", "--purpose", "下个月的").code == 0
    out = cli(cfg, "ledger", "list", "--month", "2026-11")
    assert out.code == 0 and "扫帚" in out.out and "下个月的" not in out.out
    assert "2026年11月 共2笔：收入5,000元，支出25元，结余4,975元" in out.out
    data = json.loads(cli(cfg, "ledger", "list", "--month", "2026-11", "--json").out)
    assert (data["income_fen"], data["expense_fen"]) == (500000, 2500)
    assert [x["estate"] for x in data["lines"]] == ["", "E1"]
    bad = cli(cfg, "ledger", "add", "--amount", "-3", "--purpose", "扫帚")
    assert bad.code == 1 and "金额" in bad.err
    admin = cli(cfg, "ledger", "add", "--amount", "3", "--purpose", "扫帚", "--staff", "S09")
    assert admin.code == 1 and "无法发布" in admin.err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ledger_import_names_each_bad_row_and_writes_nothing(cfg: Path, tmp_path: Path, fmt: str) -> None:
    rows = [["2026-11-02", "25", "支出", "扫帚", "陈书记", "翠微苑"],
            ["2026-11-03", "二十五", "支出", "垃圾袋", "陈书记", ""],  # not an amount
            ["2026-11-31", "80", "支出", "绿化", "", ""],  # no such day
            ["2026-11-05", "50000", "收入", "上级拨款", "陈书记", "全社区"],
            ["2026-11-06", "12", "报销", "胶带", "", "火星小区"]]
    path = (write_xlsx(tmp_path / "l.xlsx", rows, header=HEADER) if fmt == "xlsx"
            else write_csv(tmp_path / "l.csv", rows, header=HEADER, encoding="gbk"))
    r = cli(cfg, "ledger", "import", path)
    assert r.code == 1 and "未导入任何数据" in r.err
    assert "第3行 金额" in r.err and "第4行 日期" in r.err and "第6行 收支" in r.err and "第6行 小区" in r.err
    assert "共0笔" in cli(cfg, "ledger", "list", "--month", "2026-11").out
    r = cli(cfg, "ledger", "import", path, "--skip-invalid")
    assert r.code == 0 and "记账2笔，跳过3行" in r.out
    data = json.loads(cli(cfg, "ledger", "list", "--month", "2026-11", "--json").out)
    assert [(x["purpose"], x["kind"], x["amount_fen"]) for x in data["lines"]] == [
        ("扫帚", Kind.EXPENSE.value, 2500), ("上级拨款", Kind.INCOME.value, 5_000_000)]


def test_ledger_import_refuses_a_sheet_without_its_columns(cfg: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["25"]], header=["钱"])
    r = cli(cfg, "ledger", "import", path)
    assert r.code == 1 and "表头缺少列" in r.err and "日期" in r.err


def test_notice_add_and_list(cfg: Path, tmp_path: Path) -> None:
    text = tmp_path / "n.txt"
    text.write_text("12月3日下午2点到4点停电检修。", encoding="utf-8")
    r = cli(cfg, "board", "notice", "add", "--title", "停电通知", "--text", text, "--estate", "江滨", "--staff", "S01")
    assert r.code == 0, r.err
    out = cli(cfg, "board", "notice", "list", "--json")
    (n,) = json.loads(out.out)
    assert (n["title"], n["estate"], n["by"]) == ("停电通知", "江滨花园", "S01")
    assert cli(cfg, "board", "notice", "add", "--title", "", "--text", text).code == 1


def test_projects_add_update_list_and_the_update_is_queued_for_its_estate(cfg: Path) -> None:
    app = App(load_config(cfg))
    try:
        import_roster(app.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "小区": "翠微苑"},
                        {"姓名": "陈阿婆", "手机号": "13812345680", "小区": "江滨花园"}],
            app.estate_lookup(), set(app.config.resident_tags))
        with app.uow() as uow:
            for r in uow.residents.list():
                r.user_id = r.chat_id = 5000 + (r.id or 0)  # both opened the chat and were verified
                r.verified = True
                uow.residents.save(r)
            uow.commit()
    finally:
        app.close()
    r = cli(cfg, "projects", "add", "--name", "道路翻新", "--estate", "翠微苑", "--status", "施工中",
            "--budget", "38000")
    assert r.code == 0 and "已添加项目 1：道路翻新（施工中）" in r.out
    r = cli(cfg, "projects", "update", "1", "--text", "1至4幢路段已完工", "--staff", "S02")
    assert r.code == 0 and "已排队通知1位居民" in r.out, r.err
    r = cli(cfg, "projects", "update", "1", "--status", "已完工")
    assert r.code == 0 and "（已完工）" in r.out
    (p,) = json.loads(cli(cfg, "projects", "list", "--json").out)
    assert (p["status"], p["budget"]) == ("已完工", "38,000元") and p["latest"].endswith("已完工")
    assert cli(cfg, "projects", "update", "9", "--text", "x").code == 1
    app = App(load_config(cfg))
    try:
        with app.uow() as uow:
            far = datetime(2100, 1, 1, tzinfo=UTC)
            queued = [(m.chat_id, m.push_id) for m in uow.outbox.due(far, limit=100)]
            aunt = next(r for r in uow.residents.list() if r.address.estate == "E1")
    finally:
        app.close()
    # Two updates, each told once to the one resident of 翠微苑; 江滨花园 hears nothing.
    assert sorted(queued) == [(aunt.chat_id, 1), (aunt.chat_id, 2)]


def test_the_sample_board_is_seeded_once(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    cfg = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'db' / 'c.db'}",
                           changes={"public_board.sample_file": str(REPO / "sample_board.yaml")})
    assert run_cli("--config", cfg, "db", "upgrade").code == 0
    first = json.loads(run_cli("--config", cfg, "ledger", "list", "--json").out)
    again = json.loads(run_cli("--config", cfg, "ledger", "list", "--json").out)
    assert 15 <= len(first["lines"]) <= 25 and len(again["lines"]) == len(first["lines"])
    purposes = {x["purpose"] for x in first["lines"]}
    assert {"扫帚", "保洁员工资（2人）"} <= purposes and first["income_fen"] > 0
    projects = json.loads(run_cli("--config", cfg, "projects", "list", "--json").out)
    assert {p["name"] for p in projects} == {"道路翻新", "河边护栏"}
    assert all(p["status"] == "施工中" and p["latest"] for p in projects)
    assert len(json.loads(run_cli("--config", cfg, "board", "notice", "list", "--json").out)) == 1
