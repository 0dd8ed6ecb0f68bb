"""`cunshe db`: schema migrations."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli.common import load_app_config
from storage import migrate


def register(sub: argparse._SubParsersAction) -> None:
    """Add `db upgrade`, `db current`, `db downgrade`."""
    p = sub.add_parser("db", help="数据库迁移 (database migrations)")
    s = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = s.add_parser("upgrade", help="apply migrations up to head")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--quiet", "-q", action="store_true", help="print nothing on success (make run)")
    up.set_defaults(func=_upgrade)
    s.add_parser("current", help="show the database revision").set_defaults(func=_current)
    down = s.add_parser("downgrade", help="revert migrations to a revision ('base' for empty)")
    down.add_argument("revision")
    down.set_defaults(func=_downgrade)


def _upgrade(args: argparse.Namespace) -> int:
    app = App(load_app_config(args))
    migrate.upgrade(app.engine, args.revision, default_community=app.community_code)
    if not args.quiet:
        print(f"database at {migrate.current(app.engine)}")
    return 0


def _current(args: argparse.Namespace) -> int:
    app = App(load_app_config(args))
    cur, head = migrate.current(app.engine), migrate.head(app.engine)
    print(f"{cur or '(empty)'} (head {head})")
    return 0 if cur == head else 1


def _downgrade(args: argparse.Namespace) -> int:
    app = App(load_app_config(args))
    migrate.downgrade(app.engine, args.revision)
    print(f"database at {migrate.current(app.engine) or '(empty)'}")
    return 0
