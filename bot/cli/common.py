"""Shared CLI conventions: one-line errors, config loading, JSON output."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import AppConfig, ConfigError, load_config
from domain.errors import RowProblem


class CliError(Exception):
    """An error shown as one line on stderr with a non-zero exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def load_app_config(args: argparse.Namespace) -> AppConfig:
    """Load the config named by --config / CUNSHE_CONFIG; config errors exit 2."""
    try:
        return load_config(getattr(args, "config", None))
    except ConfigError as exc:
        raise CliError(f"config error: {exc}", exit_code=2) from None


def _width(text: str) -> int:
    """Columns a string takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain table with a header label over every column, aligned for Chinese text."""
    widths = [max(_width(str(cell)) for cell in col) for col in zip(headers, *rows, strict=True)]
    for row in [headers, *rows]:
        cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())


def print_json(data: Any) -> None:
    """Print JSON the way every --json flag does: UTF-8, no ASCII escapes."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Give a list command its --json flag."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def terminal_log_file(config: AppConfig) -> Path:
    """Where a terminal chat logs: beside a SQLite database file, else var/ in the current folder."""
    from sqlalchemy.engine import make_url

    url = make_url(config.database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / "cunshe.log"
    return Path("var") / "cunshe.log"


def log_to_file(config: AppConfig) -> Path:
    """Send every log line (Alembic's INFO too) and Python warning to the log file, none to the chat."""
    path = terminal_log_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    return path


def ready_app(args: argparse.Namespace, config: AppConfig | None = None) -> App:
    """Config loaded, database at the newest schema, declared staff in place."""
    from bot.board_sample import seed_sample_board
    from domain.usecases.staff import sync_staff
    from storage import migrate
    from storage.startup import startup_lock

    app = App(config if config is not None else load_app_config(args))
    try:
        if migrate.current(app.engine) != migrate.head(app.engine):
            raise CliError("数据库未初始化或版本过旧：请先运行 `cunshe db upgrade`", exit_code=3)
        with startup_lock(app.engine):  # workers started together take turns here
            app.check_key()  # the first start writes the key check: one writer at a time
            backfill_lookups(app)
            for code in app.codes():  # each community's staff and shelters, filed under it
                tenant = app.tenant(code)
                sync_staff(tenant.uow(), tenant.declared_staff())
                seed_config_shelters(tenant)
            # The sample board is config.yaml's community's (the others inherit only the setting).
            seed_sample_board(app.tenant(app.community_code), datetime.now(UTC))
    except ConfigError as exc:
        raise CliError(f"config error: {exc}", exit_code=2) from None
    return app


def seed_config_shelters(app: App) -> None:
    """Config's shelters into the database (new codes only: staff changes are kept)."""
    from datetime import UTC, datetime

    from bot.alerts import seed_shelters

    with app.uow() as uow:
        if seed_shelters(app, uow, datetime.now(UTC)):
            uow.commit()


def backfill_lookups(app: App) -> None:
    """Give roster rows written before migration 0009 their name + ID-ending hash (needs the key)."""
    with app.uow() as uow:
        if uow.residents.backfill_name_id4():
            uow.commit()


@contextlib.contextmanager
def refused_as(what: str) -> Iterator[None]:
    """Turn a domain error into one CLI line: `无法操作：这件事的状态已经变了…`."""
    from bot.texts import error_text
    from domain.errors import DomainError

    try:
        yield
    except DomainError as exc:
        raise CliError(f"{what}：{error_text(exc)}") from None


def estate_code(app: App, name: str) -> str:
    """The estate code for a name, alias or code typed on the command line."""
    code = app.estate_lookup().get(name)
    if code is None:
        raise CliError(f"没有叫“{name}”的小区")
    return code


def print_problems(problems: list[RowProblem], limit: int = 50) -> None:
    """Per-row problems of an imported sheet on stderr: 第3行 金额: …, at most `limit` of them."""
    for p in problems[:limit]:
        print(f"第{p.row}行 {p.column}: {p.reason}", file=sys.stderr)
    more = len(problems) - limit
    if more > 0:
        print(f"……另有{more}处问题", file=sys.stderr)
