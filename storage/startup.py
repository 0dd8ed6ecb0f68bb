"""One process at a time through the start-up writes (staff sync, seeded shelters and board).

Several workers start together (systemd starts every `cunshe@PORT` at once); each writes the
declared staff and sample rows when missing. Done side by side, two of them could both find a
row missing and both insert it. A PostgreSQL session advisory lock makes them take turns; on
SQLite the file lock already does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine, func, select

from storage.locks import NAMESPACE, lock_key

STARTUP = lock_key("startup")


@contextlib.contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Hold the deployment's start-up lock (PostgreSQL) for the block."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(select(func.pg_advisory_lock(NAMESPACE, STARTUP)))
        conn.commit()  # a session lock: it outlives this transaction, until the unlock
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(NAMESPACE, STARTUP)))
            conn.commit()
