"""`cunshe board`: notices on the 公开之栏 (the ledger and projects have their own nouns)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot import texts
from bot.app import App
from bot.cli.common import CliError, add_json_flag, estate_code, print_json, print_table, ready_app, refused_as
from bot.cli.places import add_yes_flag
from domain.board import Notice
from domain.pushes import NOTICE
from domain.usecases import board as uc

OFFICE = "office"  # who published, when no staff code is given on the command line


def register(sub: argparse._SubParsersAction) -> None:
    """Add `board notice add|list`."""
    p = sub.add_parser("board", help="公开之栏：通知 (notices)")
    s = p.add_subparsers(dest="board_command", required=True, metavar="WHAT")
    notice = s.add_parser("notice", help="通知")
    n = notice.add_subparsers(dest="notice_command", required=True, metavar="ACTION")
    add = n.add_parser("add", help="publish a notice")
    add.add_argument("--title", required=True)
    add.add_argument("--text", required=True, type=Path, help="a UTF-8 text file with the notice (- = stdin)")
    add.add_argument("--estate", help="小区 name or code (default: the whole community)")
    add.add_argument("--push", action="store_true",
                     help="also send it to that 小区's residents who take 通知 (as 发布并通知 in the staff chat)")
    add_yes_flag(add)
    add_staff_flag(add)
    add.set_defaults(func=_add)
    ls = n.add_parser("list", help="list notices, newest first")
    ls.add_argument("--limit", type=int, default=20)
    add_json_flag(ls)
    ls.set_defaults(func=_list)


def add_staff_flag(parser: argparse.ArgumentParser) -> None:
    """--staff CODE: who publishes (checked against public_board.publisher_roles)."""
    parser.add_argument("--staff", help="your staff code (recorded and checked)")


def publisher(app: App, code: str | None) -> str:
    """The staff code to record; a given code must belong to a publishing role."""
    if not code:
        return OFFICE
    with app.uow() as uow, refused_as("无法发布"):
        return uc.check_publisher(uow.staff.get(code), app.config.public_board.publisher_roles).code


def read_text(path: Path) -> str:
    """The text of a file, or of stdin for `-`."""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"无法读取 {path}：{exc.__class__.__name__}") from None


def _add(args: argparse.Namespace) -> int:
    from bot.board_push import publish_notice, reached

    app = ready_app(args)
    by = publisher(app, args.staff)
    estate = estate_code(app, args.estate) if args.estate else ""
    scope = next((e.name for e in app.config.estates if e.code == estate), texts.BOARD_WHOLE)
    if args.push and not args.yes:
        with app.uow() as uow:  # the staff chat's count: nobody, and 发布并通知 is not offered
            nobody = reached(uow, estate) == 0
        if nobody:
            raise CliError(texts.OPS_NOBODY_CLI.format(where=scope, topic=NOTICE))
    now = datetime.now(UTC)
    with refused_as("无法发布"):
        notice, n = publish_notice(app.uow(), Notice(title=args.title, text=read_text(args.text), estate=estate,
                                                     published_at=now, by=by), scope, push=args.push, now=now)
    print(texts.OPS_NOTICE_CLI_PUSHED.format(id=notice.id, title=notice.title, n=n) if args.push
          else f"已发布通知 {notice.id}：{notice.title}")
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    names = {e.code: e.name for e in app.config.estates}
    with app.uow() as uow:
        notices = uow.board.notices(limit=args.limit)
    rows = [{"id": n.id, "published_at": n.published_at.astimezone(app.zone).strftime("%Y-%m-%d %H:%M"),
             "estate": names.get(n.estate, "全社区"), "title": n.title, "by": n.by} for n in notices]
    if args.json:
        print_json(rows)
        return 0
    print_table(["编号", "发布时间", "范围", "标题", "发布人"],
                [[str(r["id"]), str(r["published_at"]), str(r["estate"]), str(r["title"]), str(r["by"])]
                 for r in rows])
    return 0
