"""`cunshe reports`: staff list, inspect and act on reports from the command line."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.cards import category_label, place_label
from bot.cli.common import CliError, add_json_flag, estate_code, print_json, print_table, ready_app, refused_as
from domain.identity import mask_phone
from domain.reports import KIND_LABELS, STATUS_LABELS, Report, Status
from domain.usecases import handling as uc

REPORT_COLUMNS = ["工单号", "状态", "类别", "地点"]
BY_LABELS = {"resident": "居民", "system": "系统"}


def status_arg(text: str) -> Status:
    """--status by its label (待受理) or its code (pending)."""
    for status, label in STATUS_LABELS.items():
        if text.strip() in (label, status.value):
            return status
    choices = "、".join(f"{label}（{status.value}）" for status, label in STATUS_LABELS.items())
    raise argparse.ArgumentTypeError(f"没有“{text}”这个状态，可选：{choices}")


ACTIONS = {"accept": "acc", "start": "prog", "resolve": "done", "reject": "rej",
           "duplicate": "dup", "transfer": "xfer"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add `reports list|show|act|assign`."""
    p = sub.add_parser("reports", help="报事报修工单 (reports)")
    s = p.add_subparsers(dest="reports_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="list reports, newest first")
    ls.add_argument("--status", type=status_arg, metavar="STATUS",
                    help="状态：" + " / ".join(f"{label}|{st.value}" for st, label in STATUS_LABELS.items()))
    ls.add_argument("--estate", help="小区 name or code")
    ls.add_argument("--limit", type=int, default=50)
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    sh = s.add_parser("show", help="one report with its history")
    sh.add_argument("number")
    add_json_flag(sh)
    sh.set_defaults(func=_show)
    act = s.add_parser("act", help="accept/start/resolve/reject/duplicate/transfer a report")
    act.add_argument("number")
    act.add_argument("action", choices=sorted(ACTIONS))
    act.add_argument("--staff", required=True, help="your staff code")
    act.add_argument("--note", default="", help="reason (required for reject/duplicate/transfer)")
    act.set_defaults(func=_act)
    asg = s.add_parser("assign", help="hand a report to another staff member (转派)")
    asg.add_argument("number")
    asg.add_argument("--to", required=True, help="staff code to assign to")
    asg.add_argument("--staff", required=True, help="your staff code")
    asg.set_defaults(func=_assign)


def _summary(app: Any, r: Report) -> dict[str, Any]:
    return {
        "number": r.number, "kind": r.kind.value, "kind_label": KIND_LABELS[r.kind],
        "category": r.category, "category_label": category_label(app, r.category),
        "status": r.status.value, "status_label": STATUS_LABELS[r.status],
        "place": place_label(app, r.address, r.latitude, r.longitude),
        "grid": r.grid, "assignee": r.assignee,
        "created_at": r.created_at.isoformat() if r.created_at else None,
        "accept_due": r.accept_due.isoformat() if r.accept_due else None,
        "resolve_due": r.resolve_due.isoformat() if r.resolve_due else None,
        "rating": r.rating,
    }


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    estate = estate_code(app, args.estate) if args.estate else None
    with app.uow() as uow:
        items = uow.reports.list(statuses=[args.status] if args.status else None,
                                 estate=estate, limit=args.limit)
    rows = [_summary(app, r) for r in items]
    if args.json:
        print_json(rows)
        return 0
    print_table(REPORT_COLUMNS, [[r["number"], r["status_label"], r["category_label"], r["place"]] for r in rows])
    print(f"共{len(rows)}条")
    return 0


def _show(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        r = uow.reports.get(args.number)
        if r is None:
            raise CliError(f"没有工单 {args.number}")
        resident = uow.residents.get(r.resident_id) if r.resident_id else None
    data = _summary(app, r)
    data["description"] = r.description
    data["resident"] = ({"name": resident.name, "phone": mask_phone(resident.phone or "")}
                        if resident else None)
    data["history"] = [{"at": ch.at.isoformat(), "status": ch.status.value, "by": ch.by,
                        "note": ch.note} for ch in r.history]
    if args.json:
        print_json(data)
        return 0
    staff = {s.code: s.name for s in app.declared_staff()}
    print(f"{r.number} {KIND_LABELS[r.kind]} · {data['category_label']} · {data['status_label']}")
    print(f"地点：{data['place']}\n内容：{r.description}")
    if resident is not None:
        print(f"居民：{resident.name} {data['resident']['phone']}".rstrip())
    if r.assignee:
        print(f"负责人：{staff.get(r.assignee, r.assignee)}")
    print("经过：")
    for ch in r.history:
        note = f"：{ch.note}" if ch.note else ""
        who = BY_LABELS.get(ch.by) or staff.get(ch.by) or "工作人员"
        print(f"  {texts.format_when(ch.at, app.zone)} {STATUS_LABELS[ch.status]}（{who}）{note}")
    return 0


def _act(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with refused_as("无法操作"):
        r = uc.act_on_report(app.uow(), args.number, args.staff, ACTIONS[args.action],
                             datetime.now(UTC), note=args.note)
    print(f"{r.number} → {STATUS_LABELS[r.status]}")
    return 0


def _assign(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with refused_as("无法转派"):
        r, target = uc.assign_report(app.uow(), args.number, args.staff, args.to)
    print(f"{r.number} 已转派给 {target.name}")
    return 0
