"""`cunshe bookings`: staff list, inspect, mark, cancel and add bookings; the quality report."""

from __future__ import annotations

import argparse
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot import texts
from bot.app import App
from bot.cli.common import CliError, add_json_flag, print_json, print_table, ready_app, refused_as
from domain.bookings import STATUS_LABELS, Booking, SlotUnavailable, Status
from domain.identity import mask_phone
from domain.usecases import bookings as uc
from domain.usecases import visits

COLUMNS = ["预约号", "时间", "服务", "被服务人", "状态"]


def status_arg(text: str) -> Status:
    """--status by its label (已预约) or its code (booked)."""
    for status, label in STATUS_LABELS.items():
        if text.strip() in (label, status.value):
            return status
    raise argparse.ArgumentTypeError("可选：" + "、".join(f"{v}（{k.value}）" for k, v in STATUS_LABELS.items()))


def register(sub: argparse._SubParsersAction) -> None:
    """Add `bookings list|show|done|noshow|cancel|add|quality`."""
    p = sub.add_parser("bookings", help="预约上门服务 (bookings)")
    s = p.add_subparsers(dest="bookings_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="bookings in visit-time order")
    ls.add_argument("--date", type=date.fromisoformat, help="one day, YYYY-MM-DD (local)")
    ls.add_argument("--service", help="service code")
    ls.add_argument("--status", type=status_arg)
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    sh = s.add_parser("show", help="one booking")
    sh.add_argument("number")
    add_json_flag(sh)
    sh.set_defaults(func=_show)
    for name, help_ in (("done", "mark 已上门"), ("noshow", "mark 未上门"), ("cancel", "cancel it")):
        a = s.add_parser(name, help=help_)
        a.add_argument("number")
        a.add_argument("--staff", required=True, help="your staff code")
        a.add_argument("--note", default="", help="what happened (kept)")
        a.set_defaults(func=_act, action=name)
    add = s.add_parser("add", help="book for a resident who came to the office")
    add.add_argument("--service", required=True, help="service code")
    add.add_argument("--at", required=True, type=datetime.fromisoformat,
                     help="local start, e.g. 2026-12-03T14:00")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True)
    add.add_argument("--staff", required=True, help="your staff code")
    add.set_defaults(func=_add)
    q = s.add_parser("quality", help="visits, no-shows, late cancellations, rating, complaints")
    q.add_argument("--month", required=True, help="YYYY-MM")
    add_json_flag(q)
    q.set_defaults(func=_quality)


def _summary(app: App, b: Booking) -> dict[str, Any]:
    service = app.services.get(b.service)
    return {"number": b.number, "start": b.start.isoformat(),
            "when": texts.format_when(b.start, app.zone), "service": b.service,
            "service_name": service.name if service else b.service,
            "beneficiary": b.beneficiary, "relation": b.relation,
            "phone": mask_phone(b.contact) if b.contact else "", "unverified": b.unverified,
            "status": b.status.value, "status_label": STATUS_LABELS[b.status],
            "note": b.note, "staff_note": b.staff_note, "reason": b.reason,
            "rating": b.rating, "comment": b.comment, "patience": b.patience}


def _staff(app: App, code: str) -> str:
    with app.uow() as uow:
        if uow.staff.get(code) is None:
            raise CliError(f"没有工作人员 {code}")
    return f"staff:{code}"


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    since = until = None
    if args.date:
        since = datetime.combine(args.date, datetime.min.time(), app.zone)
        until = since + timedelta(days=1)
    with app.uow() as uow:
        items = uow.bookings.list(service=args.service, since=since, until=until,
                                  statuses=[args.status] if args.status else None, limit=1000)
    rows = [_summary(app, b) for b in items]
    if args.json:
        print_json(rows)
        return 0
    print_table(COLUMNS, [[r["number"], r["when"], r["service_name"], r["beneficiary"],
                           r["status_label"] + ("（待核实）" if r["unverified"] else "")] for r in rows])
    print(f"共{len(rows)}条")
    return 0


def _show(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        b = uow.bookings.get(args.number)
    if b is None:
        raise CliError(f"没有预约 {args.number}")
    data = _summary(app, b)
    if args.json:
        print_json(data)
        return 0
    for key, value in data.items():
        if value not in ("", None):
            print(f"{key}: {value}")
    return 0


def _act(args: argparse.Namespace) -> int:
    app = ready_app(args)
    by = _staff(app, args.staff)
    now = datetime.now(UTC)
    with refused_as("无法操作"), app.uow() as uow:
        if args.action == "cancel":
            b = uow.bookings.get(args.number)
            if b is None:
                raise CliError(f"没有预约 {args.number}")
            b = uc.cancel(uow, b, args.note or "社区取消", by, now)
        else:
            b = visits.mark(uow, args.number, args.action == "done", args.note, by, now)
        uow.commit()
    print(f"{b.number} → {STATUS_LABELS[b.status]}")
    return 0


def _add(args: argparse.Namespace) -> int:
    app = ready_app(args)
    by = _staff(app, args.staff)
    service = app.services.get(args.service)
    if service is None:
        raise CliError(f"没有服务 {args.service}，可选：{'、'.join(app.services)}")
    start = (args.at if args.at.tzinfo else args.at.replace(tzinfo=app.zone)).astimezone(UTC)
    with refused_as("无法预约"), app.uow() as uow:
        match = uow.residents.by_phone(args.phone)
        # At the office staff see the person: the booking is not 待核实.
        req = uc.Request(service=service, start=start, booker_user_id=0, booker_chat_id=0,
                         key=f"{by}:{uuid.uuid4().hex[:12]}", beneficiary=args.name,
                         contact=args.phone, beneficiary_id=match.id if match else None)
        try:
            b = uc.book(uow, req, datetime.now(UTC), app.zone)
        except SlotUnavailable as exc:
            raise CliError(f"这个时间约不了（{exc.problem.value}）") from None
        uow.commit()
    print(f"{b.number} {service.name} {texts.format_when(b.start, app.zone)}")
    return 0


def _quality(args: argparse.Namespace) -> int:
    app = ready_app(args)
    try:
        first = datetime.strptime(args.month, "%Y-%m").replace(tzinfo=app.zone)
    except ValueError:
        raise CliError("--month 的格式是 YYYY-MM") from None
    nxt = (first + timedelta(days=32)).replace(day=1)
    providers = {s.code: str(s.provider_chat or "") for s in app.services.values()}
    with app.uow() as uow:
        rows = visits.quality(uow, first.astimezone(UTC), nxt.astimezone(UTC), providers)
    data = [{**asdict(r), "average_rating": r.average_rating} for r in rows]
    for d in data:
        d.pop("ratings")
    if args.json:
        print_json(data)
        return 0
    print_table(["服务方", "服务", "上门", "未上门", "临时取消", "平均分", "投诉"],
                [[d["provider"], app.services[d["service"]].name if d["service"] in app.services
                  else d["service"], d["visits"], d["no_shows"], d["late_cancellations"],
                  d["average_rating"] or "—", d["complaints"]] for d in data])
    return 0
