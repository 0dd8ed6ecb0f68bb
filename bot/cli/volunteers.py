"""`cunshe volunteers`: post and list tasks, mark attendance, tally hours per month."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot import texts
from bot.app import App
from bot.cli.common import (
    CliError,
    add_json_flag,
    estate_code,
    print_json,
    print_table,
    ready_app,
    refused_as,
)
from bot.volunteer_notices import hours_text, publish
from domain.usecases import volunteers as uc
from domain.volunteers import Task, TooEarly, month_bounds


def register(sub: argparse._SubParsersAction) -> None:
    """Add `volunteers task add|list|show`, `volunteers attend`, `volunteers hours`."""
    p = sub.add_parser("volunteers", help="志愿者 (volunteer tasks and hours)")
    s = p.add_subparsers(dest="volunteers_command", required=True, metavar="ACTION")
    task = s.add_parser("task", help="volunteer tasks")
    ts = task.add_subparsers(dest="task_command", required=True, metavar="ACTION")
    add = ts.add_parser("add", help="post a task; it is offered to matching volunteers")
    add.add_argument("--title", required=True)
    add.add_argument("--when", required=True, help='local start, e.g. "2026-12-05 09:00"')
    add.add_argument("--hours", required=True, type=float)
    add.add_argument("--capacity", required=True, type=int, help="places")
    add.add_argument("--skill", default="", help="only volunteers with this skill")
    add.add_argument("--estate", default="", help="estate code or name")
    add.add_argument("--staff", help="your staff code (checked against the estate's grid)")
    add.set_defaults(func=_add)
    ls = ts.add_parser("list", help="tasks in start order")
    ls.add_argument("--month", help="YYYY-MM (local)")
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    sh = ts.add_parser("show", help="a task and who took it")
    sh.add_argument("id", type=int)
    add_json_flag(sh)
    sh.set_defaults(func=_show)
    at = s.add_parser("attend", help="mark a volunteer 到了 (or --absent 没来) after the task")
    at.add_argument("task", type=int)
    at.add_argument("--resident", required=True, type=int, help="the volunteer's resident id")
    at.add_argument("--absent", action="store_true")
    at.add_argument("--staff", help="your staff code")
    at.set_defaults(func=_attend)
    hs = s.add_parser("hours", help="hours served per volunteer in a month, and the total")
    hs.add_argument("--month", required=True, help="YYYY-MM")
    add_json_flag(hs)
    hs.set_defaults(func=_hours)


def _month(app: App, month: str) -> tuple[datetime, datetime]:
    try:
        since, until = month_bounds(month, app.zone)
    except ValueError:
        raise CliError("--month 的格式是 YYYY-MM") from None
    return since.astimezone(UTC), until.astimezone(UTC)


def _add(args: argparse.Namespace) -> int:
    app = ready_app(args)
    skills = app.config.volunteers.skills
    if args.skill and args.skill not in skills:
        raise CliError(f"没有技能 {args.skill}，可选：{'、'.join(skills)}")
    estate = estate_code(app, args.estate) if args.estate else ""
    try:
        local = datetime.fromisoformat(args.when)
    except ValueError:
        raise CliError('--when 的格式是 "2026-12-05 09:00"') from None
    start = (local if local.tzinfo else local.replace(tzinfo=app.zone)).astimezone(UTC)
    task = Task(title=args.title, start=start, hours=args.hours, capacity=args.capacity,
                posted_by="", skill=args.skill, estate=estate,
                grid=app.report_rules.grid_of_estate.get(estate) if estate else None)
    with refused_as("无法发布"), app.uow() as uow:
        n = publish(app, uow, task, args.staff, datetime.now(UTC))
        uow.commit()
    print(f"{task.id} {task.title} {texts.format_when(task.start, app.zone)} 已发给{n}位志愿者")
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    since, until = _month(app, args.month) if args.month else (None, None)
    with app.uow() as uow:
        items = uow.volunteers.tasks(since=since, until=until, limit=1000)
    rows = [{"id": k.id, "start": k.start.isoformat(), "when": texts.format_when(k.start, app.zone),
             "title": k.title, "hours": k.hours, "taken": k.taken, "capacity": k.capacity,
             "skill": k.skill, "estate": k.estate, "status": k.status} for k in items]
    if args.json:
        print_json(rows)
        return 0
    print_table(["编号", "时间", "任务", "小时", "人数"],
                [[str(k.id), texts.format_when(k.start, app.zone), k.title, hours_text(k.hours),
                  f"{k.taken}/{k.capacity}"] for k in items])
    print(f"共{len(rows)}个任务")
    return 0


def _show(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        task = uow.volunteers.get_task(args.id)
        if task is None:
            raise CliError(f"没有志愿任务 {args.id}")
        signups = uow.volunteers.signups(args.id)
        names = {s.resident_id: (r.name if (r := uow.residents.get(s.resident_id)) else "")
                 for s in signups}
    people = [{"resident_id": s.resident_id, "name": names[s.resident_id], "attended": s.attended}
              for s in signups]
    data = {"id": task.id, "title": task.title, "when": texts.format_when(task.start, app.zone),
            "hours": task.hours, "taken": task.taken, "capacity": task.capacity,
            "volunteers": people}
    if args.json:
        print_json(data)
        return 0
    print(f"{task.id} {task.title} {data['when']} {hours_text(task.hours)}小时 {task.taken}/{task.capacity}人")
    print_table(["居民编号", "志愿者", "到场"],
                [[str(s.resident_id), names[s.resident_id], texts.VOL_MARKS[s.attended]] for s in signups])
    return 0


def _attend(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with refused_as("无法登记"), app.uow() as uow:
        try:
            uc.mark(uow, args.task, args.resident, not args.absent, args.staff, datetime.now(UTC))
        except TooEarly:
            raise CliError(f"无法登记：{texts.VOL_TOO_EARLY}") from None
        uow.commit()
    print(f"{args.task} {args.resident} → {texts.VOL_MARKS[not args.absent]}")
    return 0


def _hours(args: argparse.Namespace) -> int:
    app = ready_app(args)
    since, until = _month(app, args.month)
    with app.uow() as uow:
        tally = uc.hours(uow, since, until)
        names = {rid: (r.name if (r := uow.residents.get(rid)) else "") for rid in tally}
    order = sorted(tally.items(), key=lambda kv: (-kv[1][1], kv[0]))
    total = sum(h for _, h in tally.values())
    if args.json:
        print_json({"month": args.month, "total_hours": total, "volunteers": [
            {"resident_id": rid, "name": names[rid], "tasks": n, "hours": h}
            for rid, (n, h) in order]})
        return 0
    print_table(["居民编号", "志愿者", "次数", "小时"],
                [[str(rid), names[rid], str(n), hours_text(h)] for rid, (n, h) in order])
    print(f"合计：{len(order)}位志愿者，{hours_text(total)}小时")
    return 0
