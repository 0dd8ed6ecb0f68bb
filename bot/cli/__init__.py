"""The `cunshe` command line: one sub-command module per noun, registered below."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from bot.cli.common import CliError
from domain.errors import NoCommunity

# Each module exposes `register(subparsers)`; a sub-command sets `func(args) -> int`.
COMMAND_MODULES = (
    "bot.cli.run",
    "bot.cli.chat",
    "bot.cli.db",
    "bot.cli.residents",
    "bot.cli.staff",
    "bot.cli.reports",
    "bot.cli.nlu",
    "bot.cli.outbox",
    "bot.cli.seal",
    "bot.cli.bookings",
    "bot.cli.communities",
    "bot.cli.polls",
    "bot.cli.ratings",
    "bot.cli.volunteers",
    "bot.cli.alerts",
    "bot.cli.shelters",
    "bot.cli.policies",
    "bot.cli.pushes",
    "bot.cli.board",
    "bot.cli.ledger",
    "bot.cli.projects",
    "bot.cli.webhook",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="cunshe",
        description="村社通 bot: 社区聊天机器人服务层",
    )
    parser.add_argument(
        "--config",
        help="config file (default: env CUNSHE_CONFIG, else ./config.yaml)",
    )
    parser.add_argument(
        "--community", metavar="CODE",
        help="work in one 村社 (its records and settings; new records are filed under it); "
             "may also follow the command, e.g. `cunshe residents import --community CODE FILE`",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        # Every command module must import: a missing or broken one fails loudly here, never
        # silently leaving a command out of `cunshe --help`.
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(community_first(sys.argv[1:] if argv is None else list(argv)))
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except CliError as exc:
        print(f"cunshe: {exc}", file=sys.stderr)
        return exc.exit_code
    except NoCommunity:
        # A city-wide CLI (no --community) was about to file a record: say where it must go.
        from bot.texts import CLI_COMMUNITY_NEEDED

        print(f"cunshe: {CLI_COMMUNITY_NEEDED}", file=sys.stderr)
        return 2
    except (OperationalError, OSError) as exc:
        # An unreachable database or an unwritable path: one line, not a traceback.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        print(f"cunshe: {reason[0] if reason else exc.__class__.__name__}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def community_first(argv: list[str]) -> list[str]:
    """`--community CODE` wherever it is typed (a global option) moved before the command."""
    out: list[str] = []
    front: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out += argv[i:]
            break
        if arg == "--community" and i + 1 < len(argv):
            front, i = ["--community", argv[i + 1]], i + 2
            continue
        if arg.startswith("--community="):
            front = ["--community", arg.split("=", 1)[1]]
        else:
            out.append(arg)
        i += 1
    return front + out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
