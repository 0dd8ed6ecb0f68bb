"""`cunshe ratings`: the monthly 物业 / 业委会 ratings per 小区, with their trend."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import estate_code, ready_app
from bot.flows.ratings import summary_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add `ratings summary`."""
    p = sub.add_parser("ratings", help="物业评价 / 业委会评价 (ratings)")
    s = p.add_subparsers(dest="ratings_command", required=True, metavar="ACTION")
    sm = s.add_parser("summary", help="average stars and count per estate and month, last 6 months")
    sm.add_argument("--estate", help="小区 name or code (default: every estate)")
    sm.set_defaults(func=_summary)


def _summary(args: argparse.Namespace) -> int:
    app = ready_app(args)
    estate = estate_code(app, args.estate) if args.estate else None
    with app.uow() as uow:
        print(summary_text(app, uow, datetime.now(UTC), estate))
    return 0
