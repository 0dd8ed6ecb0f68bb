"""`cunshe ledger`: the monthly 收支 of the 公开之栏 — one line, a whole sheet, or a month's list."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.board import add_staff_flag, publisher
from bot.cli.common import (
    CliError,
    add_json_flag,
    estate_code,
    print_json,
    print_problems,
    print_table,
    ready_app,
    refused_as,
)
from bot.roster_files import RosterFileError, read_sheet
from domain.board import LEDGER_COLUMNS, LEDGER_REQUIRED, Kind, LedgerLine, parse_yuan, totals, yuan
from domain.errors import RosterInvalid
from domain.usecases import board as uc


def register(sub: argparse._SubParsersAction) -> None:
    """Add `ledger add|import|list`."""
    p = sub.add_parser("ledger", help="公开之栏：收支明细 (ledger)")
    s = p.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    add = s.add_parser("add", help="write one income or expense line")
    add.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    add.add_argument("--amount", required=True, help="元, e.g. 25 or 25.50")
    add.add_argument("--purpose", required=True)
    add.add_argument("--approver", default="")
    add.add_argument("--income", action="store_true", help="an income line (default: expense)")
    add.add_argument("--estate", help="小区 name or code (default: the whole community)")
    add.add_argument("--receipt", help="a receipt photo's chat file id")
    add_staff_flag(add)
    add.set_defaults(func=_add)
    imp = s.add_parser("import", help=f"import a CSV or XLSX sheet ({','.join(LEDGER_COLUMNS)})")
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows anyway")
    add_staff_flag(imp)
    imp.set_defaults(func=_import)
    ls = s.add_parser("list", help="a month's lines with totals")
    ls.add_argument("--month", help="YYYY-MM (default: this month)")
    ls.add_argument("--estate", help="only this 小区 (and the whole community's lines)")
    add_json_flag(ls)
    ls.set_defaults(func=_list)


def _today(zone: ZoneInfo) -> date:
    return datetime.now(UTC).astimezone(zone).date()


def _add(args: argparse.Namespace) -> int:
    app = ready_app(args)
    by = publisher(app, args.staff)
    fen = parse_yuan(args.amount)
    if fen is None:
        raise CliError(f"金额“{args.amount}”不对：应为大于0的金额，如 25 或 25.50")
    line = LedgerLine(day=args.date or _today(app.zone), amount_fen=fen,
                      kind=Kind.INCOME if args.income else Kind.EXPENSE, purpose=args.purpose,
                      approver=args.approver, estate=estate_code(app, args.estate) if args.estate else "",
                      receipt_file_id=args.receipt, entered_by=by)
    with refused_as("无法记账"):
        uc.add_line(app.uow(), line, datetime.now(UTC))
    kind = "收入" if line.kind == Kind.INCOME else "支出"
    print(f"已记账 {line.id}：{line.day} {kind}{yuan(line.amount_fen)} {line.purpose}")
    return 0


def _import(args: argparse.Namespace) -> int:
    app = ready_app(args)
    by = publisher(app, args.staff)
    try:
        _, rows = read_sheet(args.file, LEDGER_REQUIRED, LEDGER_COLUMNS)
    except RosterFileError as exc:
        raise CliError(str(exc)) from None
    try:
        result = uc.import_ledger(app.uow(), rows, app.estate_lookup(), by, datetime.now(UTC),
                                  skip_invalid=args.skip_invalid)
    except RosterInvalid as exc:
        print_problems(exc.problems)
        raise CliError(f"{len(exc.problems)}处问题，未导入任何数据（可加 --skip-invalid 跳过无效行）") from None
    print_problems(result.skipped)
    print(f"导入完成：记账{result.added}笔，跳过{len({p.row for p in result.skipped})}行")
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    if args.month:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", args.month)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise CliError("--month 应为 YYYY-MM，如 2026-11")
        year, month = int(m.group(1)), int(m.group(2))
    else:
        today = _today(app.zone)
        year, month = today.year, today.month
    estates = [estate_code(app, args.estate), ""] if args.estate else None
    names = {e.code: e.name for e in app.config.estates}
    with app.uow() as uow:
        lines = uc.month_lines(uow, year, month, estates)
    sums = totals(lines)
    if args.json:
        print_json({"month": f"{year}-{month:02d}", "income_fen": sums.income, "expense_fen": sums.expense,
                    "balance_fen": sums.balance, "lines": [{
                        "id": x.id, "date": x.day.isoformat(), "kind": x.kind.value, "amount_fen": x.amount_fen,
                        "purpose": x.purpose, "approver": x.approver, "estate": x.estate,
                        "receipt": bool(x.receipt_file_id), "entered_by": x.entered_by} for x in lines]})
        return 0
    print_table(["编号", "日期", "收支", "金额", "用途", "审批人", "范围", "票据"], [
        [str(x.id), x.day.isoformat(), "收入" if x.kind == Kind.INCOME else "支出", yuan(x.amount_fen),
         x.purpose, x.approver, names.get(x.estate, "全社区"), "有" if x.receipt_file_id else ""]
        for x in lines])
    print(f"{year}年{month}月 共{len(lines)}笔：收入{yuan(sums.income)}，支出{yuan(sums.expense)}，"
          f"结余{yuan(sums.balance)}")
    return 0
