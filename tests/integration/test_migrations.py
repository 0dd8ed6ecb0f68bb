"""Migrations from empty on SQLite and PostgreSQL: up, down to base, up again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from bot.app import App
from bot.config import AppConfig, load_config
from storage import migrate
from storage.models import Base
from tests.fixtures import run_cli

TABLES = set(Base.metadata.tables)


def test_upgrade_downgrade_upgrade_from_empty(app_config: AppConfig) -> None:
    app = App(app_config)
    try:
        assert migrate.current(app.engine) is None
        migrate.upgrade(app.engine)
        head = migrate.head(app.engine)
        assert head is not None and migrate.current(app.engine) == head
        assert set(inspect(app.engine).get_table_names()) >= TABLES
        migrate.downgrade(app.engine, "base")
        assert migrate.current(app.engine) is None
        assert set(inspect(app.engine).get_table_names()) & TABLES == set()
        migrate.upgrade(app.engine)
        assert migrate.current(app.engine) == head
        assert set(inspect(app.engine).get_table_names()) >= TABLES
    finally:
        app.close()


def test_schema_matches_the_models(app: App) -> None:
    """Nothing in storage/models.py is missing from the migrations (alembic autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_cli_db_commands(config_file: Path) -> None:
    cur = run_cli("--config", config_file, "db", "current")
    assert cur.code == 1 and cur.out.startswith("(empty)")
    up = run_cli("--config", config_file, "db", "upgrade")
    assert up.code == 0, up.err
    head = migrate.head(App(load_config(config_file)).engine)
    assert up.out.strip() == f"database at {head}"
    cur = run_cli("--config", config_file, "db", "current")
    assert cur.code == 0 and cur.out.strip() == f"{head} (head {head})"
    again = run_cli("--config", config_file, "db", "upgrade")  # idempotent
    assert again.code == 0
    down = run_cli("--config", config_file, "db", "downgrade", "base")
    assert down.code == 0 and down.out.strip() == "database at (empty)"
    assert run_cli("--config", config_file, "db", "upgrade").code == 0


def test_commands_refuse_an_unmigrated_database(config_file: Path) -> None:
    res = run_cli("--config", config_file, "staff", "list")
    assert res.code == 3
    assert res.err.strip().splitlines() == [
        "cunshe: 数据库未初始化或版本过旧：请先运行 `cunshe db upgrade`"]


def test_sqlite_file_uses_wal_and_foreign_keys(sqlite_app: App) -> None:
    with sqlite_app.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
