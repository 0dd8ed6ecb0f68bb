"""Engines and sessions: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.scope import install as install_scoping

# How long a write waits for SQLite's write lock before failing. Turns hold the lock only from
# their first write to their commit (milliseconds), so a wait this long means a stuck writer
# (a big import, a backup); the waiting turn's chat gets a polite error, other chats go on.
BUSY_TIMEOUT_SECONDS = 10


def _sqlite_pragmas(synchronous: str) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # NORMAL: a commit survives a crash of the process; FULL: also of the machine.
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cur.close()

    return on_connect


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, pool_size: int = 10, sqlite_synchronous: str = "NORMAL") -> Engine:
    """An engine for the URL; SQLite files get their folder created and WAL turned on.

    hide_parameters: a database error's message (and so a logged traceback) names the
    statement but not the values, which can be what residents wrote.
    """
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}, pool_size=pool_size,
            hide_parameters=True,
        )
        if sqlite_synchronous not in ("NORMAL", "FULL"):
            raise ValueError(sqlite_synchronous)
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                         hide_parameters=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep objects usable after commit (we map to domain objects anyway)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    install_scoping(sessions)  # every query sees only its unit of work's communities
    return sessions
