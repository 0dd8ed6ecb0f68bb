"""`cunshe chat`: talk to the bot in the terminal (interactive, or scripted from a pipe)."""

from __future__ import annotations

import argparse

from bot.cli.common import load_app_config, log_to_file, ready_app


def register(sub: argparse._SubParsersAction) -> None:
    """Add `chat`."""
    p = sub.add_parser("chat", help="终端聊天 (terminal chat; pipe one message per line)")
    p.add_argument("--user", type=int, default=1, help="your chat user id (staff: their user_id)")
    p.add_argument("--chat", type=int, help="chat id (default: same as --user; staff groups are negative)")
    p.add_argument("--name", default="", help="display name")
    p.add_argument("--no-jobs", action="store_true", help="do not run scheduled jobs")
    p.set_defaults(func=_chat)


def _chat(args: argparse.Namespace) -> int:
    config = load_app_config(args)
    log_to_file(config)  # the terminal is the chat: log lines go to the file
    app = ready_app(args, config)
    from bot.runner import run_terminal

    chat = args.chat if args.chat is not None else args.user
    return run_terminal(app, args.user, chat, name=args.name, scheduler=not args.no_jobs)
