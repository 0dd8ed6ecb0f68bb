"""Roster import as a community office does it: CSV (UTF-8/GBK) and XLSX, all or nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from bot.roster_files import RosterFileError, read_roster
from domain.errors import RosterInvalid, RowProblem
from domain.usecases.residents import import_roster
from storage import migrate
from tests.fixtures import ROSTER_HEADER, roster_rows, run_cli, write_csv, write_xlsx


def do_import(app: App, path: Path, *, skip_invalid: bool = False):  # type: ignore[no-untyped-def]
    """Import a roster file through the use case, the way the CLI does."""
    _, rows = read_roster(path)
    return import_roster(app.uow(), rows, app.estate_lookup(), set(app.config.resident_tags),
                         skip_invalid=skip_invalid)


def stored(app: App) -> dict[str, tuple[str, str, list[str]]]:
    """phone -> (name, room, tags) of every stored resident."""
    with app.uow() as uow:
        return {r.phone or "": (r.name, r.address.room, r.tags)
                for r in uow.residents.list(limit=100_000)}


@pytest.mark.parametrize("fmt", ["utf-8", "gbk", "xlsx"])
def test_import_csv_and_xlsx(app: App, tmp_path: Path, fmt: str) -> None:
    rows = roster_rows(30)
    path = (write_xlsx(tmp_path / "r.xlsx", rows) if fmt == "xlsx"
            else write_csv(tmp_path / "r.csv", rows, encoding=fmt))
    result = do_import(app, path)
    assert (result.created, result.updated, result.skipped) == (30, 0, [])
    people = stored(app)
    assert len(people) == 30
    name, phone, _, estate, building, unit, room, tags = rows[4]
    assert people[phone] == (name, room, [t for t in tags.split(",") if t])
    with app.uow() as uow:
        r = uow.residents.by_phone(phone)
        assert r is not None and r.verified is False and r.source == "roster"
        assert (r.address.estate, r.address.building, r.address.unit) == (
            app.estate_lookup()[estate], building, unit)


def test_xlsx_with_numbers_as_excel_stores_them(app: App, tmp_path: Path) -> None:
    rows: list[list[object]] = [["张三", 13912345678, "", "翠微苑", 3, 2, 302, "老年人"]]
    do_import(app, write_xlsx(tmp_path / "n.xlsx", rows))
    assert stored(app) == {"13912345678": ("张三", "302", ["老年人"])}


def test_invalid_rows_are_reported_and_nothing_is_imported(app: App, tmp_path: Path) -> None:
    rows = roster_rows(5)
    rows[1][1] = "1234"  # row 3
    rows[3][3] = "火星小区"  # row 5
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(RosterInvalid) as exc:
        do_import(app, path)
    assert exc.value.problems == [RowProblem(3, "手机号", "不是有效的手机号或固定电话"),
                                  RowProblem(5, "小区", "没有叫“火星小区”的小区")]
    assert stored(app) == {}
    result = do_import(app, path, skip_invalid=True)
    assert (result.created, len(result.skipped)) == (3, 2)
    assert set(stored(app)) == {rows[i][1] for i in (0, 2, 4)}


def test_reimport_updates_instead_of_duplicating(app: App, tmp_path: Path) -> None:
    rows = roster_rows(20)
    do_import(app, write_csv(tmp_path / "a.csv", rows))
    rows[0][6] = "1801"  # moved flat
    rows[0][7] = "老年人,独居"
    rows[1][1] = "13600000001"  # new phone: found again by ID number
    more = roster_rows(5, start=100)
    result = do_import(app, write_xlsx(tmp_path / "b.xlsx", rows + more))
    assert (result.created, result.updated) == (5, 20)
    people = stored(app)
    assert len(people) == 25
    assert people[rows[0][1]][1:] == ("1801", ["老年人", "独居"])
    assert "13600000001" in people and roster_rows(20)[1][1] not in people


def test_duplicates_inside_one_file_are_reported(app: App, tmp_path: Path) -> None:
    rows = roster_rows(4)
    rows[2][1] = rows[0][1]
    rows[3][2] = rows[1][2]
    with pytest.raises(RosterInvalid) as exc:
        do_import(app, write_csv(tmp_path / "d.csv", rows))
    assert exc.value.problems == [RowProblem(4, "手机号", "与第2行重复"),
                                  RowProblem(5, "身份证号", "与第3行重复")]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="找不到文件"):
        read_roster(tmp_path / "none.csv")
    (tmp_path / "x.txt").write_text("a", encoding="utf-8")
    with pytest.raises(RosterFileError, match=r"\.csv"):
        read_roster(tmp_path / "x.txt")
    with pytest.raises(RosterFileError, match="表头缺少列：手机号"):
        read_roster(write_csv(tmp_path / "h.csv", [], header=["姓名", "电话", "小区"]))
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RosterFileError, match="无法读取 Excel"):
        read_roster(tmp_path / "broken.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(RosterFileError, match="空"):
        read_roster(tmp_path / "empty.csv")


def test_ten_thousand_rows(app: App, tmp_path: Path) -> None:
    rows = roster_rows(10_000)
    path = write_csv(tmp_path / "big.csv", rows)
    started = time.perf_counter()
    result = do_import(app, path)
    took = time.perf_counter() - started
    print(f"\n10,000-row import on {app.engine.dialect.name}: {took:.1f}s "
          f"({10_000 / took:,.0f} rows/s)")
    assert (result.created, result.updated, result.skipped) == (10_000, 0, [])
    with app.uow() as uow:
        assert uow.residents.count() == 10_000
        last = uow.residents.by_phone(rows[-1][1])
        assert last is not None and last.name == rows[-1][0]


# ----------------------------------------------------------------------------- the CLI


@pytest.fixture
def cli_config(config_file: Path) -> Path:
    """A migrated database behind `config_file`."""
    app = App(load_config(config_file))
    migrate.upgrade(app.engine)
    app.close()
    return config_file


def test_cli_import_reports_rows_and_imports_nothing(cli_config: Path, tmp_path: Path) -> None:
    rows = roster_rows(6)
    rows[2][2] = rows[2][2][:17] + ("0" if rows[2][2][17] != "0" else "1")
    rows[4][0] = ""
    path = write_csv(tmp_path / "r.csv", rows, encoding="gbk")
    res = run_cli("--config", cli_config, "residents", "import", path)
    assert res.code == 1 and res.out == ""
    assert res.err.splitlines() == [
        "第4行 身份证号: 校验位不对",
        "第6行 姓名: 不能为空",
        "cunshe: 2处问题，未导入任何数据（可加 --skip-invalid 跳过无效行）",
    ]
    listed = run_cli("--config", cli_config, "residents", "list", "--json")
    assert listed.code == 0 and listed.out.strip() == "[]"

    res = run_cli("--config", cli_config, "residents", "import", path, "--skip-invalid")
    assert res.code == 0
    assert res.out.strip() == "导入完成：新增4人，更新0人，跳过2行"
    assert "跳过 第4行 身份证号: 校验位不对" in res.err
    res = run_cli("--config", cli_config, "residents", "import", write_xlsx(
        tmp_path / "r.xlsx", roster_rows(6)))
    assert res.out.strip() == "导入完成：新增2人，更新4人，跳过0行"


def test_cli_import_file_problems_are_one_line(cli_config: Path, tmp_path: Path) -> None:
    res = run_cli("--config", cli_config, "residents", "import", tmp_path / "missing.xlsx")
    assert res.code == 1
    assert res.err.strip().splitlines() == [f"cunshe: 找不到文件 {tmp_path / 'missing.xlsx'}"]
    assert ROSTER_HEADER[0] == "姓名"
