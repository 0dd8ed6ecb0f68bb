"""One process at a time through the start-up writes (staff sync, seeded shelters and board).

Several workers start together (systemd starts every `cunshe@PORT` at once); each writes the
declared staff and sample rows when missing. Done side by side, two of them could both find a
row missing and both insert it. They take turns: on PostgreSQL through a session advisory lock,
on a SQLite file through an OS lock on a file beside it (SQLite's own lock is per transaction,
and a reader that found the row missing may still insert it after the other one committed).
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func, select

from storage.locks import NAMESPACE, lock_key

STARTUP = lock_key("startup")


@contextlib.contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Hold the deployment's start-up lock for the block (other processes wait for it)."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine):
            yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield  # an in-memory database has one process by definition
        return
    with _file_lock(Path(database + ".startup-lock")):
        yield


@contextlib.contextmanager
def _advisory(engine: Engine) -> Iterator[None]:
    with engine.connect() as conn:
        conn.execute(select(func.pg_advisory_lock(NAMESPACE, STARTUP)))
        conn.commit()  # a session lock: it outlives this transaction, until the unlock
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(NAMESPACE, STARTUP)))
            conn.commit()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    # flock belongs to the open file: the OS releases it if the process dies holding it.
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
