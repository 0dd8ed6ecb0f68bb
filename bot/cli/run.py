"""`cunshe run`: the bot — Telegram with a token, otherwise the terminal chat."""

from __future__ import annotations

import argparse
import logging

from bot.cli.common import load_app_config, log_to_file, ready_app


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run`."""
    p = sub.add_parser("run", help="启动机器人 (Telegram if CUNSHE_TELEGRAM_TOKEN is set, else terminal)")
    p.add_argument("--user", type=int, default=1, help="terminal mode: your chat user id")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    config = load_app_config(args)
    if config.telegram.token:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    else:
        log_to_file(config)  # the terminal is the chat: log lines (Alembic's INFO too) go to the file
    app = ready_app(args, config)
    from bot import runner

    if config.telegram.token:
        return runner.run_telegram(app)
    print("未设置 CUNSHE_TELEGRAM_TOKEN，使用终端聊天。")
    return runner.run_terminal(app, args.user, args.user)
