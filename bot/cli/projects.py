"""`cunshe projects`: projects in progress on the 公开之栏; an update is told to that 小区."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.board_push import publish_update
from bot.cli.board import add_staff_flag, publisher
from bot.cli.common import CliError, add_json_flag, estate_code, print_json, print_table, ready_app, refused_as
from domain.board import Project, ProjectStatus, parse_yuan, yuan
from domain.usecases import board as uc

STATUSES = [s.value for s in ProjectStatus]


def register(sub: argparse._SubParsersAction) -> None:
    """Add `projects add|update|list`."""
    p = sub.add_parser("projects", help="公开之栏：在建项目 (projects)")
    s = p.add_subparsers(dest="projects_command", required=True, metavar="ACTION")
    add = s.add_parser("add", help="register a project")
    add.add_argument("--name", required=True)
    add.add_argument("--estate", help="小区 name or code (default: the whole community)")
    add.add_argument("--status", choices=STATUSES, default=ProjectStatus.PLANNED.value)
    add.add_argument("--budget", help="元")
    add.set_defaults(func=_add)
    up = s.add_parser("update", help="add an update (and maybe a new status); residents of its 小区 are told")
    up.add_argument("project_id", type=int)
    up.add_argument("--status", choices=STATUSES)
    up.add_argument("--text", default="", help="what happened, in one sentence")
    add_staff_flag(up)
    up.set_defaults(func=_update)
    ls = s.add_parser("list", help="every project with its latest update")
    add_json_flag(ls)
    ls.set_defaults(func=_list)


def _add(args: argparse.Namespace) -> int:
    app = ready_app(args)
    budget = parse_yuan(args.budget) if args.budget else None
    if args.budget and budget is None:
        raise CliError(f"预算“{args.budget}”不对：应为大于0的金额")
    with refused_as("无法添加"):
        project = uc.add_project(app.uow(), Project(
            name=args.name.strip(), estate=estate_code(app, args.estate) if args.estate else "",
            status=ProjectStatus(args.status), budget_fen=budget))
    print(f"已添加项目 {project.id}：{project.name}（{project.status.value}）")
    return 0


def _update(args: argparse.Namespace) -> int:
    app = ready_app(args)
    by = publisher(app, args.staff)
    now = datetime.now(UTC)
    names = {e.code: e.name for e in app.config.estates}
    with refused_as("无法更新"):
        project, _, n = publish_update(app.uow(), names, args.project_id, args.text,
                                       ProjectStatus(args.status) if args.status else None, by, now,
                                       now.astimezone(app.zone).date())
    print(f"已更新项目 {project.id}：{project.name}（{project.status.value}），已排队通知{n}位居民")
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    names = {e.code: e.name for e in app.config.estates}
    with app.uow() as uow:
        projects = uow.board.projects()
    rows = [{"id": p.id, "name": p.name, "estate": names.get(p.estate, "全社区"), "status": p.status.value,
             "budget": yuan(p.budget_fen) if p.budget_fen else "",
             "latest": f"{p.latest.day} {p.latest.text}" if p.latest else ""} for p in projects]
    if args.json:
        print_json(rows)
        return 0
    print_table(["编号", "项目", "范围", "状态", "预算", "最新进展"],
                [[str(r["id"]), str(r["name"]), str(r["estate"]), str(r["status"]), str(r["budget"]),
                  str(r["latest"])] for r in rows])
    return 0
