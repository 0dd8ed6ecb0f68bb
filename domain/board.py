"""公开之栏: notices, ledger lines (收支 down to a broom) and projects in progress."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.errors import RowProblem

LEDGER_COLUMNS = ("日期", "金额", "收支", "用途", "审批人", "小区")
LEDGER_REQUIRED = ("日期", "金额", "用途")
INCOME_WORDS = frozenset({"收入", "收", "入"})
EXPENSE_WORDS = frozenset({"支出", "支", "出", ""})
MAX_FEN = 10**11  # a billion yuan: anything larger is a typo
MAX_PURPOSE = 60


class Kind(StrEnum):
    """Income or expense."""

    INCOME = "income"
    EXPENSE = "expense"


class ProjectStatus(StrEnum):
    """Where a project stands."""

    PLANNED = "计划中"
    BUILDING = "施工中"
    DONE = "已完工"


@dataclass
class Notice:
    """A notice for one 小区, or the whole community when estate is ""."""

    title: str
    text: str
    estate: str
    published_at: datetime
    by: str  # staff code
    id: int | None = None


@dataclass
class LedgerLine:
    """One income or expense: the amount in fen, so sums are exact."""

    day: date
    amount_fen: int
    kind: Kind
    purpose: str
    approver: str = ""
    estate: str = ""  # "" = the whole community
    receipt_file_id: str | None = None
    entered_by: str = ""
    entered_at: datetime | None = None
    id: int | None = None


@dataclass
class ProjectUpdate:
    """A dated word on how a project goes."""

    day: date
    text: str
    project_id: int = 0
    status: ProjectStatus | None = None  # the status it moved to, if it moved
    by: str = ""
    id: int | None = None


@dataclass
class Project:
    """A project in progress (道路翻新, 河边护栏) with its updates, newest last."""

    name: str
    estate: str
    status: ProjectStatus = ProjectStatus.PLANNED
    budget_fen: int | None = None
    updates: list[ProjectUpdate] = field(default_factory=list)
    id: int | None = None

    @property
    def latest(self) -> ProjectUpdate | None:
        """The newest update, if any."""
        return max(self.updates, key=lambda u: (u.day, u.id or 0)) if self.updates else None


@dataclass(frozen=True)
class Totals:
    """A month's income, expense and balance in fen."""

    income: int
    expense: int

    @property
    def balance(self) -> int:
        """Income minus expense."""
        return self.income - self.expense


def totals(lines: list[LedgerLine]) -> Totals:
    """Sum income and expense."""
    return Totals(sum(x.amount_fen for x in lines if x.kind == Kind.INCOME),
                  sum(x.amount_fen for x in lines if x.kind == Kind.EXPENSE))


def yuan(fen: int) -> str:
    """25元 / 25.5元 / 1,200元 as people read it: no trailing zeros."""
    whole, part = divmod(abs(fen), 100)
    sign = "-" if fen < 0 else ""
    text = f"{whole:,}" + (f".{part:02d}".rstrip("0") if part else "")
    return f"{sign}{text}元"


def parse_yuan(text: str) -> int | None:
    """"25", "25.5", "1,200元", "¥8.80" → fen; None when it is not a positive amount."""
    cleaned = re.sub(r"[,，\s¥￥元]", "", str(text))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    fen = int(value * 100)
    return fen if fen < MAX_FEN else None


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First day of the month and first day of the next one."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), nxt


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """The month `by` months later (negative: earlier)."""
    n = year * 12 + month - 1 + by
    return n // 12, n % 12 + 1


def _day(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    m = re.fullmatch(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*", str(raw or ""))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def validate_ledger_row(
    n: int, raw: dict[str, object], estates: dict[str, str],
) -> LedgerLine | list[RowProblem]:
    """One row of the office's ledger sheet, checked cell by cell (row numbers as shown)."""
    problems: list[RowProblem] = []

    def cell(name: str) -> str:
        value = raw.get(name)
        return "" if value is None else str(value).strip()

    day = _day(raw.get("日期"))
    if day is None:
        problems.append(RowProblem(n, "日期", "应为 2026-11-03 这样的日期"))
    fen = parse_yuan(cell("金额"))
    if fen is None:
        problems.append(RowProblem(n, "金额", "应为大于0的金额，如 25 或 25.50"))
    kind_word = cell("收支")
    kind = Kind.INCOME if kind_word in INCOME_WORDS else Kind.EXPENSE
    if kind_word not in INCOME_WORDS | EXPENSE_WORDS:
        problems.append(RowProblem(n, "收支", "应为“收入”或“支出”"))
    purpose = cell("用途")
    if not purpose:
        problems.append(RowProblem(n, "用途", "不能为空"))
    elif len(purpose) > MAX_PURPOSE:
        problems.append(RowProblem(n, "用途", f"太长（最多{MAX_PURPOSE}字）"))
    estate = ""
    if cell("小区") and cell("小区") not in ("全社区", "社区"):
        estate = estates.get(cell("小区"), "")
        if not estate:
            problems.append(RowProblem(n, "小区", f"没有叫“{cell('小区')}”的小区"))
    if problems or day is None or fen is None:
        return problems
    return LedgerLine(day=day, amount_fen=fen, kind=kind, purpose=purpose,
                      approver=cell("审批人"), estate=estate)
