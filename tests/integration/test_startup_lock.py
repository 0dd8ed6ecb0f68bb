"""Workers started together take turns through the start-up writes, and a dead one lets go."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from storage.db import normalize_url
from storage.startup import startup_lock
from tests.fixtures import database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL on a SQLite file and on PostgreSQL."""
    (tmp_path / "db").mkdir()
    yield from database(request.param, tmp_path)


def _holder(url: str) -> subprocess.Popen[str]:
    """Another process that takes the start-up lock and keeps it until killed."""
    script = (
        "import time\n"
        "from sqlalchemy import create_engine\n"
        "from storage.db import normalize_url\n"
        "from storage.startup import startup_lock\n"
        f"with startup_lock(create_engine(normalize_url({url!r}))):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(600)\n"
    )
    return subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)


def test_a_second_process_waits_for_the_first_and_goes_on_when_it_dies(url: str) -> None:
    proc = _holder(url)
    engine: Engine = create_engine(normalize_url(url))
    entered = threading.Event()

    def start_up() -> None:
        with startup_lock(engine):
            entered.set()

    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        waiter = threading.Thread(target=start_up, daemon=True)
        waiter.start()
        assert not entered.wait(1.0), "the second worker went in while the first held the lock"
        os.kill(proc.pid, signal.SIGKILL)  # a worker killed mid-start must not block the others
        proc.wait(20)
        assert entered.wait(30), "the second worker never got its turn after the first died"
        waiter.join(5)
    finally:
        proc.kill()
        proc.wait()
        engine.dispose()
