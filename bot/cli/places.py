"""The place options of `pushes send` and `alerts send|import`: --to-community, --street, --district, --city.

Named --to-community (not --community) because `--community CODE` is the CLI's global option
for whose records a command works on; these say where a push goes.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.cli.common import CliError
from domain.pushes import CITY, COMMUNITY, DISTRICT, STREET, Reach

if TYPE_CHECKING:
    from bot.app import App


def add_place_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that choose where a push or warning goes (default: one's own community)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--to-community", metavar="CODE",
                       help="one 村社 (its code or name); default: this community")
    where.add_argument("--street", metavar="NAME", help="every 村社 of this 街道/镇")
    where.add_argument("--city", action="store_true", help="every 村社 of the deployment")
    parser.add_argument("--district", metavar="NAME",
                        help="every 村社 of this 区 (with --street: the 区 of that 街道)")


def add_yes_flag(parser: argparse.ArgumentParser) -> None:
    """--yes: send even when nobody would get it (then only the record is kept)."""
    parser.add_argument("--yes", action="store_true",
                        help="send even if no resident would receive it (refused otherwise, exit 1)")


def refuse_nobody(app: App, args: argparse.Namespace, n: int, reach: dict[str, Any], topic: str) -> None:
    """A CLI error saying plainly that nobody would get it (`reach`: the place's record), unless --yes."""
    from bot.reach import label

    if n == 0 and not args.yes:
        raise CliError(texts.OPS_NOBODY_CLI.format(where=label(app, reach), topic=topic))


def chosen(args: argparse.Namespace) -> bool:
    """Whether any place option was given."""
    return bool(args.to_community or args.street or args.city or args.district)


def reach_of(app: App, args: argparse.Namespace) -> Reach:
    """The place the options name, resolved to community codes; a CLI error when none matches."""
    from bot.reach import PlaceUnknown, resolve

    if args.city and args.district:
        raise CliError("--city 和 --district 只能选一个", exit_code=2)
    try:
        if args.city:
            return resolve(app, CITY)
        if args.street:
            return resolve(app, STREET, args.street, args.district or "")
        if args.district:
            return resolve(app, DISTRICT, args.district)
        return resolve(app, COMMUNITY, args.to_community or "")
    except PlaceUnknown as exc:
        raise CliError(str(exc), exit_code=2) from None


def say_reach(app: App, reach: Reach) -> str:
    """范围：南白象街道（2个村社）."""
    from bot.reach import label

    return texts.PUSH_CLI_REACH.format(where=label(app, reach.to_dict()))
