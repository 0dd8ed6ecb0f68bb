"""`cunshe webhook set|delete`: register the one webhook URL of a deployment of workers."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from bot.cli.common import CliError, load_app_config

if TYPE_CHECKING:
    from telegram import Bot

    from bot.config import Telegram


def register(sub: argparse._SubParsersAction) -> None:
    """Add `webhook set|delete`."""
    p = sub.add_parser("webhook", help="Telegram webhook of the workers (set once per deployment)")
    s = p.add_subparsers(dest="webhook_command", required=True, metavar="ACTION")
    st = s.add_parser("set", help="tell Telegram to post updates to telegram.webhook.url, with the secret")
    st.add_argument("--max-connections", type=int, default=40,
                    help="parallel deliveries Telegram may make (1-100; one chat is always one at a time)")
    st.set_defaults(func=_set)
    dl = s.add_parser("delete", help="remove the webhook (e.g. to go back to polling)")
    dl.set_defaults(func=_delete)


def _bot(args: argparse.Namespace) -> tuple[Bot, Telegram]:
    from telegram import Bot

    from bot.channels.telegram import _file_url

    config = load_app_config(args)
    tg = config.telegram
    if not tg.token:
        raise CliError("no bot token: set CUNSHE_TELEGRAM_TOKEN", exit_code=2)
    if tg.base_url:  # a self-hosted Bot API server (or the tests' stand-in)
        return Bot(tg.token, base_url=tg.base_url, base_file_url=_file_url(tg.base_url)), tg
    return Bot(tg.token), tg


def _set(args: argparse.Namespace) -> int:
    from telegram.error import TelegramError

    from bot.channels.webhook import set_webhook

    if not 1 <= args.max_connections <= 100:
        raise CliError("--max-connections must be between 1 and 100", exit_code=2)
    bot, tg = _bot(args)
    url, secret = tg.webhook.url, tg.webhook.secret_token
    if not url or not secret:
        raise CliError("webhook set needs telegram.webhook.url and a secret token "
                       "(CUNSHE_WEBHOOK_SECRET or webhook_secret in the secrets file)", exit_code=2)
    try:
        asyncio.run(set_webhook(bot, url, secret, args.max_connections))
    except TelegramError as exc:
        raise CliError(f"Telegram refused the webhook: {exc.message}", exit_code=1) from None
    print(f"webhook set: {url}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from telegram.error import TelegramError

    from bot.channels.webhook import delete_webhook

    bot, _tg = _bot(args)
    try:
        asyncio.run(delete_webhook(bot))
    except TelegramError as exc:
        raise CliError(f"Telegram refused: {exc.message}", exit_code=1) from None
    print("webhook deleted")
    return 0
