"""Roster rows as a community office types them: checked cell by cell, in Chinese."""

from __future__ import annotations

from datetime import date

from domain.errors import RowProblem
from domain.residents import Address, RosterRow, validate_roster_row
from domain.usecases.residents import validate_roster
from tests.fixtures import id_number

ESTATES = {"翠微苑": "E1", "翠微": "E1", "江滨花园": "E2"}
TAGS = {"老年人", "独居", "残疾"}
ID = id_number(date(1948, 5, 6), 12)


def row(**cells: object) -> dict[str, object]:
    """A valid raw row with some cells replaced."""
    base: dict[str, object] = {"姓名": "王秀英", "手机号": "13912345678", "身份证号": ID,
                               "小区": "翠微苑", "幢": "3", "单元": "2", "室": "302",
                               "标签": "老年人,独居"}
    base.update(cells)
    return base


def test_valid_row_is_normalised() -> None:
    got = validate_roster_row(2, row(手机号="139 1234 5678", 小区="翠微", 幢="3幢", 室=302.0,
                                     标签="老年人、独居"), ESTATES, TAGS)
    assert got == RosterRow("王秀英", "13912345678", ID, Address("E1", "3", "2", "302"),
                            ("老年人", "独居"))


def test_each_problem_names_row_and_column() -> None:
    got = validate_roster_row(5, row(姓名="", 手机号="123", 身份证号="33030219480506001",
                                     小区="不存在小区", 室="30-2", 标签="富人"), ESTATES, TAGS)
    assert isinstance(got, list)
    assert {(p.row, p.column) for p in got} == {
        (5, "姓名"), (5, "手机号"), (5, "身份证号"), (5, "小区"), (5, "室"), (5, "标签")}
    reasons = {p.column: p.reason for p in got}
    assert reasons["姓名"] == "不能为空"
    assert reasons["小区"] == "没有叫“不存在小区”的小区"
    assert reasons["标签"] == "未知标签“富人”"


def test_id_number_is_optional_but_checked() -> None:
    assert isinstance(validate_roster_row(2, row(身份证号=""), ESTATES, TAGS), RosterRow)
    bad = validate_roster_row(2, row(身份证号=ID[:17] + ("1" if ID[17] != "1" else "2")),
                              ESTATES, TAGS)
    assert bad == [RowProblem(2, "身份证号", "校验位不对")]


def test_rows_are_numbered_as_the_office_sees_them_and_blank_lines_skipped() -> None:
    rows = [row(), {k: "" for k in row()}, row(手机号="13912345679", 身份证号=""),
            row(手机号="bad", 身份证号="")]
    good, problems = validate_roster(rows, ESTATES, TAGS)
    assert [n for n, _ in good] == [2, 4]
    assert problems == [RowProblem(5, "手机号", "不是有效的手机号或固定电话")]


def test_duplicate_phone_in_one_file_is_reported() -> None:
    good, problems = validate_roster([row(), row(姓名="李四", 身份证号="")], ESTATES, TAGS)
    assert len(good) == 1
    assert problems == [RowProblem(3, "手机号", "与第2行重复")]


def test_duplicate_id_number_in_one_file_is_reported() -> None:
    good, problems = validate_roster([row(), row(姓名="李四", 手机号="13700000000")],
                                     ESTATES, TAGS)
    assert len(good) == 1
    assert problems == [RowProblem(3, "身份证号", "与第2行重复")]
