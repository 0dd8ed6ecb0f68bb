"""Advisory locks: one turn per chat at a time across processes, one leader for the jobs."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, column, create_engine, func, select, table
from sqlalchemy.orm import Session

from storage.db import normalize_url
from storage.locks import LeaderElection, Leadership, lock_chat
from tests.fixtures import database

REPO = Path(__file__).resolve().parents[2]
_locks = table("pg_locks", column("locktype"), column("objid"), column("granted"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on SQLite and on PostgreSQL."""
    (tmp_path / "db").mkdir()
    for url in database(request.param, tmp_path):
        eng = create_engine(normalize_url(url))
        yield eng
        eng.dispose()


def _postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _waiting(engine: Engine, chat_id: int) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(_locks).where(
            _locks.c.locktype == "advisory", _locks.c.objid == chat_id % 2**32,
            _locks.c.granted.is_(False))).scalar_one())


def _until(check: object, what: str, seconds: float = 20) -> None:
    """Wait for a condition (a readiness wait, not a timing assertion)."""
    end = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def test_a_chat_waits_for_its_own_turn_in_another_process_only(engine: Engine) -> None:
    chat = 5_000_000_000 + uuid.uuid4().int % 10**6  # a bigint chat id, unique to this run
    holder = Session(engine)
    lock_chat(holder, chat)
    locked = threading.Event()

    def second_turn() -> None:
        with Session(engine) as s:
            lock_chat(s, chat)
            locked.set()
            s.commit()

    other = Session(engine)
    lock_chat(other, chat + 1)  # another chat is never held up
    other.commit()
    thread = threading.Thread(target=second_turn)
    thread.start()
    if _postgres(engine):
        _until(lambda: _waiting(engine, chat), "the second turn waits for the lock")
        assert not locked.is_set()
    holder.commit()  # the first turn ends: the second goes on
    thread.join(20)
    assert locked.is_set()
    holder.close()
    other.close()


def test_one_leader_and_another_takes_over_when_it_lets_go(engine: Engine) -> None:
    name = f"scheduler-{uuid.uuid4().hex[:8]}"
    first, second = Leadership(engine, name), Leadership(engine, name)
    assert first.try_lead()
    assert first.try_lead()  # still leading, asked again
    if _postgres(engine):
        assert not second.try_lead()
    first.release()
    assert second.try_lead()
    second.release()


@pytest.mark.postgres
def test_a_killed_leader_is_replaced(tmp_path: Path) -> None:
    for url in database("postgres", tmp_path):
        name = f"scheduler-{uuid.uuid4().hex[:8]}"
        script = (
            "import sys, time\n"
            "from sqlalchemy import create_engine\n"
            "from storage.db import normalize_url\n"
            "from storage.locks import Leadership\n"
            f"lead = Leadership(create_engine(normalize_url({url!r})), {name!r})\n"
            "print(lead.try_lead(), flush=True)\n"
            "time.sleep(600)\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "True"
            engine = create_engine(normalize_url(url))
            standby = Leadership(engine, name)
            assert not standby.try_lead()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(20)
            _until(standby.try_lead, "the standby takes over from the killed leader")
            standby.release()
            engine.dispose()
        finally:
            proc.kill()
            proc.wait()


def test_the_election_calls_back_on_each_change(engine: Engine) -> None:
    name = f"scheduler-{uuid.uuid4().hex[:8]}"
    changes: list[str] = []
    election = LeaderElection(Leadership(engine, name), lambda: changes.append("elected"),
                              lambda: changes.append("deposed"), interval=0.05)

    async def scenario() -> None:
        task = asyncio.create_task(election.run())
        while not election.leading:
            await asyncio.sleep(0.01)
        election.stop()
        await task

    asyncio.run(scenario())
    assert changes == ["elected", "deposed"]
    after = Leadership(engine, name)
    assert after.try_lead()  # released on stop: free for the next one
    after.release()
