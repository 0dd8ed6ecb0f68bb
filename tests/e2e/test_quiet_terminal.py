"""The terminal chat is only the conversation: no English log lines; the key notice once, in Chinese."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.e2e.test_run_command import _cunshe
from tests.fixtures import make_config_file, run_cunshe

ENGLISH = re.compile(r"[A-Za-z]{2,}[ .:]+[A-Za-z]{2,}[ .:]+[A-Za-z]{2,}")  # three English words in a row
LOG_LEVELS = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b")


def _env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUNSHE_")}  # no key: a local one is made
    env["CUNSHE_CONFIG"] = str(config)
    return env


def _make_run(env: dict[str, str], typed: str) -> str:
    """What `make run` shows: `cunshe db upgrade --quiet`, then `cunshe run` with no token."""
    upgrade = run_cunshe(["db", "upgrade", "--quiet"], env=env)
    assert upgrade.code == 0, upgrade.err
    proc = subprocess.run([*_cunshe(), "run"], input=typed, capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return upgrade.out + upgrade.err + proc.stdout + proc.stderr


def test_make_run_in_the_terminal_shows_no_log_lines_and_the_key_notice_only_once(tmp_path: Path) -> None:
    config = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'var' / 'cunshe.db'}")
    env = _env(config)
    first = _make_run(env, "你好\n")
    assert "小助手" in first
    assert [line for line in first.splitlines() if ENGLISH.search(line) or LOG_LEVELS.search(line)] == []
    assert first.count("加密密钥") == 1 and (tmp_path / "var" / "secret.key").is_file()
    again = _make_run(env, "我的报修怎么样了\n")
    assert "加密密钥" not in again and "还没有报修" in again
    assert [line for line in again.splitlines() if ENGLISH.search(line) or LOG_LEVELS.search(line)] == []
    log = (tmp_path / "var" / "cunshe.log").read_text(encoding="utf-8")
    assert "INFO alembic" in log  # Alembic's lines are kept, in the log


def test_the_terminal_chat_command_logs_to_the_file_too(tmp_path: Path) -> None:
    config = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'var' / 'cunshe.db'}")
    env = _env(config)
    assert run_cunshe(["db", "upgrade", "--quiet"], env=env).code == 0
    proc = subprocess.run([*_cunshe(), "chat", "--user", "31"], input="你好\n", capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert proc.returncode == 0 and "小助手" in proc.stdout
    assert [line for line in (proc.stdout + proc.stderr).splitlines() if ENGLISH.search(line)] == []
    assert "NLU ready" in (tmp_path / "var" / "cunshe.log").read_text(encoding="utf-8")
