"""CLI conventions: every command in --help, --json on list commands, one-line errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bot.cli import COMMAND_MODULES, build_parser
from tests.fixtures import SECRET, make_config_file, run_cli, run_cunshe

COMMANDS = ("run", "chat", "db", "residents", "staff", "reports", "nlu", "outbox", "seal", "bookings",
            "communities",
            "polls", "ratings",
            "volunteers",
            "alerts", "shelters",
            "policies",
            "pushes",
            "board", "ledger", "projects", "webhook")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The sub-parsers of a parser, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_module_is_registered() -> None:
    assert tuple(m.rsplit(".", 1)[1] for m in COMMAND_MODULES) == COMMANDS


def test_help_lists_every_command() -> None:
    res = run_cunshe(["--help"])
    assert res.code == 0, res.err
    for command in COMMANDS:
        assert f"\n    {command} " in res.out, command


def test_a_command_module_that_does_not_import_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lost module must not silently drop its command from the CLI."""
    monkeypatch.setattr("bot.cli.COMMAND_MODULES", (*COMMAND_MODULES, "bot.cli.no_such_command"))
    with pytest.raises(ModuleNotFoundError, match=r"bot\.cli\.no_such_command"):
        build_parser()


def test_no_command_prints_help_and_fails() -> None:
    res = run_cli()
    assert res.code == 2 and "usage: cunshe" in res.out


def test_every_list_command_takes_json() -> None:
    lists = []
    for name, parser in subcommands(build_parser()).items():
        for action_name, action in subcommands(parser).items():
            if action_name == "list" or action_name.startswith("list"):
                lists.append(f"{name} {action_name}")
                flags = {o for a in action._actions for o in a.option_strings}
                assert "--json" in flags, f"cunshe {name} {action_name} has no --json"
    assert {"residents list", "staff list"} <= set(lists)


def test_json_output_is_utf8_not_escaped(sqlite_config_file: Path) -> None:
    assert run_cli("--config", sqlite_config_file, "db", "upgrade").code == 0
    res = run_cli("--config", sqlite_config_file, "staff", "list", "--json")
    assert res.code == 0 and "陈书记" in res.out and "\\u" not in res.out
    assert isinstance(json.loads(res.out), list)


@pytest.mark.parametrize(
    "args",
    [
        ["residents", "import", "/no/such/roster.csv"],
        ["residents", "verify", "1", "--staff", "S01"],
        ["residents", "delete", "424242"],
        ["staff", "add", "--code", "X", "--name", "x", "--role", "网格员", "--grids", "G0"],
    ],
)
def test_errors_are_one_line_with_nonzero_exit(sqlite_config_file: Path, args: list[str]) -> None:
    assert run_cli("--config", sqlite_config_file, "db", "upgrade").code == 0
    res = run_cli("--config", sqlite_config_file, *args)
    assert res.code != 0
    assert len(res.err.strip().splitlines()) == 1, res.err
    assert res.err.startswith("cunshe: ")


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    cfg = make_config_file(tmp_path, "postgresql://nobody@127.0.0.1:1/none")
    res = run_cunshe(["--config", cfg, "db", "current"], env={"CUNSHE_SECRET_KEY": SECRET})
    assert res.code == 1
    assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err


def test_console_script_runs_without_stdin(tmp_path: Path) -> None:
    cfg = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
    env = {"CUNSHE_SECRET_KEY": SECRET}
    up = run_cunshe(["--config", cfg, "db", "upgrade"], env=env)
    assert up.code == 0, up.err
    cur = run_cunshe(["--config", cfg, "db", "current"], env=env)
    assert cur.code == 0 and cur.out.strip().endswith(")")
