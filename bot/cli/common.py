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

    root = App(config if config is not None else load_app_config(args))
    app = root
    try:
        if migrate.current(app.engine) != migrate.head(app.engine):
            raise CliError("数据库未初始化或版本过旧：请先运行 `cunshe db upgrade`", exit_code=3)
        with startup_lock(app.engine):  # workers started together take turns here
            app.check_key()  # the first start writes the key check: one writer at a time
            backfill_lookups(app)
            taken: dict[str, str] = {}  # staff codes and chat users → the community declaring them
            for code in app.codes():  # each community's staff and shelters, filed under it
                tenant = app.tenant(code)
                declared = tenant.declared_staff()
                taken.update({s.code: code for s in declared})
                taken.update({str(s.user_id): code for s in declared if s.user_id is not None})
                sync_staff(tenant.uow(), declared)
                seed_config_shelters(tenant)
            sync_city_staff(app, taken)
            # The sample board is config.yaml's community's (the others inherit only the setting).
            seed_sample_board(app.tenant(app.community_code), datetime.now(UTC))
        return in_community(root, args)
    except ConfigError as exc:
        raise CliError(f"config error: {exc}", exit_code=2) from None


# Commands that serve the bot: the deployment itself, each turn and job in its own community.
SERVING = frozenset({"run", "chat"})


def in_community(root: App, args: argparse.Namespace) -> App:
    """`--community CODE`: that 村社's App (its records only, new ones filed under it).

    Without it the CLI is city-wide: it reads every community, and in a deployment of several
    it files nothing (a command that would create a record stops with one line: which one?).
    """
    from bot.texts import CLI_COMMUNITY_SERVING, CLI_COMMUNITY_UNKNOWN

    code = getattr(args, "community", None)
    command = getattr(args, "command", None)
    if command in SERVING:
        if code:
            raise CliError(CLI_COMMUNITY_SERVING.format(command=command), exit_code=2)
        return root
    if code:
        if code not in root.codes():
            raise CliError(CLI_COMMUNITY_UNKNOWN.format(code=code), exit_code=2)
        return root.tenant(code)
    if root.several:
        root.files = False
    return root


def sync_city_staff(app: App, taken: dict[str, str]) -> None:
    """街道/区/市 staff into place (above every community), after checking whom they reach."""
    from domain.usecases.staff import sync_staff

    declared = app.declared_city_staff()
    for i, s in enumerate(declared):
        for key in (s.code, str(s.user_id) if s.user_id is not None else ""):
            if key in taken:
                raise ConfigError(f"city_staff.{i}: {key} is already a staff member of {taken[key]}")
        if not app.reach(s):
            raise ConfigError(f"city_staff.{i}.reach: no community lies in {s.level} {s.reach!r}")
    if declared:
        sync_staff(app.uow(), declared)


def require_community(app: App) -> None:
    """Stop before any work when this command would file records and no community is named."""
    from domain.errors import NoCommunity

    if not app.files:
        raise NoCommunity("--community")


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
    from domain.errors import DomainError, NoCommunity

    try:
        yield
    except NoCommunity:
        raise  # main() says which option is missing
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
