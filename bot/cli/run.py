"""`cunshe run`: the bot — Telegram with a token, otherwise the terminal chat."""

from __future__ import annotations

import argparse
import logging

from bot.cli.common import CliError, load_app_config, ready_app
from bot.logs import configure_logging


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run`."""
    p = sub.add_parser("run", help="启动机器人 (Telegram if CUNSHE_TELEGRAM_TOKEN is set, else terminal)")
    p.add_argument("--user", type=int, default=1, help="terminal mode: your chat user id")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                   help="our own modules' log level (libraries stay at WARNING: no personal data)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    configure_logging(args.log_level)
    from bot import runner

    # Refuse a setup that cannot work before touching the database: one line, exit 2.
    problem = runner.telegram_problem(load_app_config(args).telegram)
    if problem:
        raise CliError(problem, exit_code=2)
    app = ready_app(args)
    if app.config.telegram.token:
        return runner.run_telegram(app)
    logging.getLogger().setLevel(logging.WARNING)  # keep the terminal chat readable
    print("未设置 CUNSHE_TELEGRAM_TOKEN，使用终端聊天。")
    return runner.run_terminal(app, args.user, args.user)
