"""Logging set-up for the bot: our loggers at the chosen level, chatty libraries capped.

Why the caps: python-telegram-bot logs whole updates (with residents' words and phone
numbers) at DEBUG, httpx logs every request URL (with the bot token) at INFO, SQLAlchemy
echoes statements and parameters at INFO/DEBUG, aiohttp's access log names request paths.
Capping them here means no `--log-level DEBUG` ever writes personal data or secrets.
"""

from __future__ import annotations

import logging

# Library loggers and the most they may say, whatever level the bot runs at.
CAPPED = {
    "telegram": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "apscheduler": logging.WARNING,
    "jieba": logging.WARNING,
    "asyncio": logging.WARNING,
}
# Not capped: alembic (its INFO lines name migrations only, and belong in the log file).
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def cap_library_loggers() -> None:
    """Hold the chatty libraries at WARNING even when the root logger is at DEBUG."""
    for name, level in CAPPED.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: int | str = logging.INFO) -> None:
    """Log our own modules at `level` to stderr; libraries stay capped (see CAPPED)."""
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger().setLevel(level)
    cap_library_loggers()
