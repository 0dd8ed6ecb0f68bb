"""PostgreSQL advisory locks: one chat at a time across processes, and one leader for the jobs.

On SQLite there is one process (its file lock already serialises writers), so both are no-ops
there: every chat lock is granted at once and the only process is the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Callable

from sqlalchemy import Connection, Engine, column, func, select, table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# The two-key form of advisory locks: this namespace keeps ours apart from anyone else's.
NAMESPACE = 0x636E7368  # "cnsh"
# One session lock per live outbox worker (its random key): a worker whose lock is gone is dead.
WORKERS = 0x636E7377  # "cnsw"


def _postgres(bind: Engine | Connection | Session) -> bool:
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return dialect.name == "postgresql"


def lock_chat(session: Session, chat_id: int) -> None:
    """Hold the chat's lock until this transaction ends: another process's turn for it waits.

    The one-key form takes the chat id itself (a bigint), so two chats never share a lock.
    """
    if _postgres(session):
        session.execute(select(func.pg_advisory_xact_lock(chat_id)))


def lock_key(name: str) -> int:
    """A stable 31-bit key for a lock's name (the same in every process and every release)."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


_locks = table("pg_locks", column("locktype"), column("classid"), column("objid"), column("pid"),
               column("granted"))


def live_workers(session: Session) -> list[int]:
    """The keys of the outbox workers whose session lock is held (they are alive)."""
    return [int(k) for k in session.scalars(select(_locks.c.objid).where(
        _locks.c.locktype == "advisory", _locks.c.classid == WORKERS, _locks.c.granted.is_(True)))]


class Leadership:
    """One process leads (runs the scheduled jobs); when it dies, its lock dies with its connection.

    With `namespace=WORKERS` and a worker's own `key` it is that worker's sign of life.
    """

    def __init__(self, engine: Engine, name: str = "scheduler", *, namespace: int = NAMESPACE,
                 key: int | None = None) -> None:
        self.engine = engine
        self.namespace = namespace
        self.key = lock_key(name) if key is None else key
        self._conn: Connection | None = None

    def try_lead(self) -> bool:
        """True while this process holds the lock; tries to take it when free."""
        if not _postgres(self.engine):
            return True
        try:
            if self._conn is None:
                self._conn = self.engine.connect()
            held = self._conn.execute(
                select(func.count()).select_from(_locks).where(
                    _locks.c.locktype == "advisory", _locks.c.classid == self.namespace,
                    _locks.c.objid == self.key, _locks.c.pid == func.pg_backend_pid(),
                    _locks.c.granted.is_(True)))
            if held.scalar_one():
                self._conn.commit()
                return True
            got = bool(self._conn.execute(
                select(func.pg_try_advisory_lock(self.namespace, self.key))).scalar_one())
            self._conn.commit()  # the lock is the session's: it outlives this transaction
            return got
        except DBAPIError:
            # The connection broke: whatever it held is gone. Start afresh next time.
            log.warning("leadership check failed; will retry with a new connection")
            self.release()
            return False

    def release(self) -> None:
        """Give the lock up (closing the connection frees every session lock it held)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.invalidate()
            with contextlib.suppress(Exception):
                conn.close()


class LeaderElection:
    """Checks every `interval` seconds; calls on_elected / on_deposed when leadership changes."""

    def __init__(self, leadership: Leadership, on_elected: Callable[[], None],
                 on_deposed: Callable[[], None], interval: float = 2.0) -> None:
        self.leadership = leadership
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.interval = interval
        self.leading = False
        self._stop = asyncio.Event()

    async def step(self) -> bool:
        """One check (in a worker thread: it talks to the database); returns whether we lead."""
        leads = await asyncio.to_thread(self.leadership.try_lead)
        if leads and not self.leading:
            log.info("this process now runs the scheduled jobs")
            self.leading = True
            self.on_elected()
        elif not leads and self.leading:
            log.warning("this process lost the scheduler lock; its jobs stop here")
            self.leading = False
            self.on_deposed()
        return leads

    async def run(self) -> None:
        """Check until `stop`; then release the lock so another process takes over at once."""
        try:
            while not self._stop.is_set():
                await self.step()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
        finally:
            if self.leading:
                self.leading = False
                self.on_deposed()
            await asyncio.to_thread(self.leadership.release)

    def stop(self) -> None:
        """End `run` at its next wake-up."""
        self._stop.set()
