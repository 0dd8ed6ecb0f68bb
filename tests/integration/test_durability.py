"""What is committed survives: SQLite settings, and a bot killed right after it answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import App
from bot.config import load_config
from tests.fixtures import SECRET, make_config_file

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("setting", "expected"), [("NORMAL", 1), ("FULL", 2)])
def test_sqlite_runs_in_wal_with_foreign_keys_and_the_configured_sync(
        tmp_path: Path, clean_env: pytest.MonkeyPatch, setting: str, expected: int) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'd.db'}",
                              changes={"database.sqlite_synchronous": setting})
    app = App(load_config(config))
    try:
        with app.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == expected
    finally:
        app.close()


CHILD = textwrap.dedent("""
    import os, signal, sys
    from bot.app import App
    from bot.callbacks import FORM
    from bot.config import load_config
    from bot.events import Inbound
    from storage import migrate

    app = App(load_config(sys.argv[1]))
    migrate.upgrade(app.engine)
    engine = app.dialogue  # the real engine, NLU and all
    engine.handle(Inbound(chat_id=7, user_id=7, kind="text", text="翠微苑楼道灯坏了"))
    replies = engine.handle(Inbound(chat_id=7, user_id=7, kind="button", data=FORM.data("yes")))
    print(replies[0].text, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no clean shutdown, no close(), no checkpoint
""")


def test_a_report_the_bot_confirmed_survives_the_process_being_killed(
        tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'k.db'}")
    env = {**os.environ, "CUNSHE_SECRET_KEY": SECRET}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(config)], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "工单号是 BS-" in proc.stdout
    number = proc.stdout.split("工单号是 ")[1].split("。")[0]
    app = App(load_config(config))
    try:
        with app.uow() as uow:
            saved = uow.reports.get(number)
            queued = uow.outbox.due(datetime.now(UTC) + timedelta(minutes=1))
        assert saved is not None and saved.description == "翠微苑楼道灯坏了"
        assert any(number in m.payload["text"] for m in queued)  # the staff card is still owed
    finally:
        app.close()
