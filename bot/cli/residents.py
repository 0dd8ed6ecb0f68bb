"""`cunshe residents`: roster import, listing, hand verification, deletion."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import (
    CliError,
    add_json_flag,
    estate_code,
    print_json,
    print_problems,
    print_table,
    ready_app,
    refused_as,
    require_community,
)
from bot.roster_files import RosterFileError, read_roster
from domain.errors import NotFound, RosterInvalid
from domain.identity import mask_id_number, mask_phone
from domain.residents import Address, Resident
from domain.usecases import residents as uc

RESIDENT_COLUMNS = ["编号", "核实", "姓名", "手机号", "住址", "标签"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the residents sub-commands."""
    p = sub.add_parser("residents", help="居民花名册 (resident roster)")
    s = p.add_subparsers(dest="residents_command", required=True, metavar="ACTION")
    imp = s.add_parser("import", help="import a CSV or XLSX roster (姓名,手机号,身份证号,小区,幢,单元,室,标签)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows anyway")
    imp.set_defaults(func=_import)
    ls = s.add_parser("list", help="list residents (phones and ID numbers masked)")
    ls.add_argument("--unverified", action="store_true", help="only chat users awaiting verification")
    ls.add_argument("--limit", type=int, default=100)
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    ver = s.add_parser("verify", help="verify a chat user by hand")
    ver.add_argument("resident_id", type=int)
    ver.add_argument("--staff", required=True, help="your staff code")
    ver.add_argument("--estate", help="小区 name or code")
    ver.add_argument("--building", default="")
    ver.add_argument("--unit", default="")
    ver.add_argument("--room", default="")
    ver.add_argument("--tags", help="comma-separated tags")
    ver.set_defaults(func=_verify)
    rm = s.add_parser("delete", help="delete a resident's personal data (reports stay, anonymised)")
    rm.add_argument("resident_id", type=int)
    rm.set_defaults(func=_delete)


def _import(args: argparse.Namespace) -> int:
    app = ready_app(args)
    require_community(app)  # a roster belongs to one 村社
    try:
        total, rows = read_roster(args.file)
    except RosterFileError as exc:
        raise CliError(str(exc)) from None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="行", disable=not sys.stderr.isatty(), file=sys.stderr)
    try:
        result = uc.import_roster(
            app.uow(), rows, app.estate_lookup(), set(app.config.resident_tags),
            skip_invalid=args.skip_invalid, progress=bar.update,
        )
    except RosterInvalid as exc:
        bar.close()
        print_problems(exc.problems)
        raise CliError(f"{len(exc.problems)}处问题，未导入任何数据（可加 --skip-invalid 跳过无效行）") from None
    bar.close()
    for p in result.skipped:
        print(f"跳过 第{p.row}行 {p.column}: {p.reason}", file=sys.stderr)
    print(f"导入完成：新增{result.created}人，更新{result.updated}人，跳过{len({p.row for p in result.skipped})}行")
    return 0


def _row(r: Resident, estates: dict[str, str]) -> dict[str, object]:
    return {
        "id": r.id, "name": r.name, "phone": mask_phone(r.phone) if r.phone else "",
        "id_number": mask_id_number(r.id_number) if r.id_number else "",
        "address": r.address.label(estates.get(r.address.estate, "")),
        "tags": r.tags, "verified": r.verified, "source": r.source,
        "bound": r.user_id is not None,
    }


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    names = {e.code: e.name for e in app.config.estates}
    with app.uow() as uow:
        # --unverified: chat users awaiting staff, not roster people who never opened the chat
        people = (uow.residents.list(verified=False, source="chat", limit=args.limit)
                  if args.unverified else uow.residents.list(limit=args.limit))
    rows = [_row(r, names) for r in people]
    if args.json:
        print_json(rows)
        return 0
    print_table(RESIDENT_COLUMNS, [[str(r["id"]), "已核实" if r["verified"] else "未核实", str(r["name"]),
                                    str(r["phone"]), str(r["address"]), "、".join(r["tags"])]  # type: ignore[arg-type]
                                   for r in rows])
    print(f"共{len(rows)}人")
    return 0


def _verify(args: argparse.Namespace) -> int:
    app = ready_app(args)
    address = None
    if args.estate:
        address = Address(estate_code(app, args.estate), args.building, args.unit, args.room)
    tags = [t for t in (args.tags or "").split(",") if t] if args.tags is not None else None
    with refused_as("无法核验"):
        r = uc.verify_resident(app.uow(), args.resident_id, args.staff, address, tags,
                               grid_of_estate=app.report_rules.grid_of_estate)
    print(f"已核验：{r.id} {r.name}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    app = ready_app(args)
    try:
        kept = uc.erase_resident(app.uow(), args.resident_id)
    except NotFound:
        raise CliError(f"没有编号为{args.resident_id}的居民") from None
    print(f"已删除居民{args.resident_id}的个人信息（保留匿名工单{kept}条）")
    return 0
