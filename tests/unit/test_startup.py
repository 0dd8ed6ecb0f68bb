"""Start-up: commands that parse no text never load the NLU; the chat's NLU loads behind the prompt."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from tests.fixtures import REPO, run_cli

HEAVY = ["nlu", "jieba", "sklearn", "scipy", "ms_recognizers_date_time"]


@pytest.mark.parametrize(
    "args", [["staff", "list"], ["reports", "list"], ["residents", "list"], ["db", "current"], ["db", "upgrade"]]
)
def test_commands_that_parse_no_text_never_load_the_nlu(sqlite_config_file: Path, args: list[str]) -> None:
    assert run_cli("--config", sqlite_config_file, "db", "upgrade").code == 0
    code = (
        "import json, sys\nfrom bot.cli import main\n"
        f"rc = main(['--config', {str(sqlite_config_file)!r}, *{args!r}])\n"
        f"print(json.dumps([rc, sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [0, []]


def test_the_parser_built_in_the_background_is_the_one_the_chat_gets(
    sqlite_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = App(load_config(sqlite_config_file))
    release, built = threading.Event(), []

    def slow_build() -> object:
        release.wait(timeout=30)
        built.append(object())
        return built[-1]

    monkeypatch.setattr(app, "_new_parser", slow_build)
    app.start_parser()
    app.start_parser()  # a second call starts nothing new
    assert built == []  # the caller did not wait for it
    release.set()
    assert app.parser is built[0] and len(built) == 1


def test_a_failed_background_build_reaches_whoever_needs_the_parser(
    sqlite_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = App(load_config(sqlite_config_file))

    def broken() -> object:
        raise RuntimeError("no model")

    monkeypatch.setattr(app, "_new_parser", broken)
    app.start_parser()
    with pytest.raises(RuntimeError, match="no model"):
        _ = app.parser
