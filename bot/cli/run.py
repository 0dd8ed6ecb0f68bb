"""`cunshe run`: the bot — Telegram with a token, otherwise the terminal chat."""

from __future__ import annotations

import argparse
import logging

from bot.cli.common import CliError, load_app_config, log_to_file, ready_app
from bot.logs import cap_library_loggers, configure_logging


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run`."""
    p = sub.add_parser("run", help="启动机器人 (Telegram if CUNSHE_TELEGRAM_TOKEN is set, else terminal)")
    p.add_argument("--user", type=int, default=1, help="terminal mode: your chat user id")
    p.add_argument("--port", type=int, default=None,
                   help="run as one webhook worker of several behind a reverse proxy, on this port "
                        "(telegram.mode: webhook; `cunshe webhook set` registers the URL once)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                   help="our own modules' log level (libraries stay at WARNING: no personal data)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bot import runner

    config = load_app_config(args)
    # Refuse a setup that cannot work before touching the database: one line, exit 2.
    problem = runner.telegram_problem(config.telegram)
    if problem:
        raise CliError(problem, exit_code=2)
    if args.port is not None:
        problem = runner.worker_problem(config.telegram, args.port)
        if problem:
            raise CliError(problem, exit_code=2)
    if config.telegram.token:
        configure_logging(args.log_level)
    else:
        log_to_file(config)  # the terminal is the chat: log lines (Alembic's INFO too) go to the file
        logging.getLogger().setLevel(args.log_level)
        cap_library_loggers()
    app = ready_app(args, config)
    if config.telegram.token:
        return runner.run_telegram(app, worker_port=args.port)
    print("未设置 CUNSHE_TELEGRAM_TOKEN，使用终端聊天。")
    return runner.run_terminal(app, args.user, args.user)
