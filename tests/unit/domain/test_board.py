"""公开之栏 rules: amounts in fen, totals, ledger sheet rows checked cell by cell, months."""

from __future__ import annotations

from datetime import date

from domain.board import (
    Kind,
    LedgerLine,
    parse_yuan,
    shift_month,
    totals,
    validate_ledger_row,
    yuan,
)
from domain.errors import RowProblem

ESTATES = {"翠微苑": "E1", "翠微": "E1"}


def test_amounts_are_exact_fen() -> None:
    assert [parse_yuan(x) for x in ("25", "25.5", "0.10", "1,200元", "¥8.80")] == [2500, 2550, 10, 120000, 880]
    assert [parse_yuan(x) for x in ("0", "-3", "25.555", "abc", "", "nan", "1e3")] == [None] * 6 + [100000]
    assert [yuan(x) for x in (2500, 2550, 10, 120000, -500)] == ["25元", "25.5元", "0.1元", "1,200元", "-5元"]


def test_totals_and_balance() -> None:
    lines = [LedgerLine(day=date(2026, 11, 1), amount_fen=f, kind=k, purpose="x")
             for f, k in ((5000, Kind.INCOME), (2550, Kind.EXPENSE), (10, Kind.EXPENSE))]
    sums = totals(lines)
    assert (sums.income, sums.expense, sums.balance) == (5000, 2560, 2440)


def test_months_shift_across_years() -> None:
    assert shift_month(2026, 1, -1) == (2025, 12) and shift_month(2026, 12, 1) == (2027, 1)


def test_a_sheet_row_is_checked_cell_by_cell() -> None:
    good = validate_ledger_row(2, {"日期": "2026/11/3", "金额": "25", "收支": "支出", "用途": "扫帚",
                                   "审批人": "王书记", "小区": "翠微"}, ESTATES)
    assert isinstance(good, LedgerLine) and (good.day, good.amount_fen, good.estate) == (date(2026, 11, 3), 2500, "E1")
    bad = validate_ledger_row(5, {"日期": "11月3日", "金额": "二十五", "收支": "报销", "用途": "", "小区": "火星"},
                              ESTATES)
    assert bad == [RowProblem(5, "日期", "应为 2026-11-03 这样的日期"),
                   RowProblem(5, "金额", "应为大于0的金额，如 25 或 25.50"),
                   RowProblem(5, "收支", "应为“收入”或“支出”"), RowProblem(5, "用途", "不能为空"),
                   RowProblem(5, "小区", "没有叫“火星”的小区")]
