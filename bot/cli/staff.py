"""`cunshe staff`: staff accounts."""

from __future__ import annotations

import argparse

from bot.cli.common import CliError, add_json_flag, print_json, ready_app, refused_as
from bot.texts import invalid_text
from domain.errors import InvalidValue
from domain.staff import ROLES, Staff
from domain.usecases.staff import add_staff, deactivate_staff


def register(sub: argparse._SubParsersAction) -> None:
    """Add `staff add` and `staff list`."""
    p = sub.add_parser("staff", help="社区工作人员 (staff accounts)")
    s = p.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = s.add_parser("add", help="add or update a staff account")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--user-id", type=int, help="their Telegram user id")
    add.add_argument("--grids", default="", help="comma-separated grid codes (网格员)")
    add.set_defaults(func=_add)
    off = s.add_parser("deactivate", help="a staff member leaves (remove them from config.yaml too)")
    off.add_argument("code")
    off.set_defaults(func=_deactivate)
    ls = s.add_parser("list", help="list staff")
    add_json_flag(ls)
    ls.set_defaults(func=_list)


def _add(args: argparse.Namespace) -> int:
    app = ready_app(args)
    staff = Staff(args.code, args.name, args.role, args.user_id,
                  [g.strip() for g in args.grids.split(",") if g.strip()])
    try:
        add_staff(app.uow(), staff, {g.code for g in app.config.grids})
    except InvalidValue as exc:
        raise CliError(f"{exc.field}: {invalid_text(exc).rstrip('。')}") from None
    print(f"已保存：{staff.code} {staff.name}（{staff.role}）")
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        people = uow.staff.list()
    rows = [{"code": s.code, "name": s.name, "role": s.role, "user_id": s.user_id,
             "grids": s.grids, "active": s.active, "community": s.community, "level": s.level,
             "reach": s.reach, "read_only": s.read_only} for s in people]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        # Where they work: their 村社's code, or the 街道/区 (市) they reach from above.
        where = f"{r['level']} {r['reach']}".strip() if r["level"] else r["community"]
        print(f"{r['code']:<6} {r['name']:<8} {r['role']:<4} {','.join(r['grids']):<8} {where}".rstrip())  # type: ignore[arg-type]
    return 0


def _deactivate(args: argparse.Namespace) -> int:
    app = ready_app(args)
    declared = {s.code for s in app.config.staff}
    if args.code in declared:
        raise CliError(f"{args.code} 仍在 config.yaml 的 staff 中：请先从配置里删除，再停用")
    with refused_as("无法停用"):
        staff = deactivate_staff(app.uow(), args.code)
    print(f"已停用：{staff.code} {staff.name}")
    return 0
