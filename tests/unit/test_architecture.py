"""The dependency direction of DESIGN.md, and nothing happening at import time."""

from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.fixtures import REPO

OURS = ("bot", "nlu", "domain", "storage")
ALLOWED = {"domain": {"domain"}, "nlu": {"nlu"}, "storage": {"storage", "domain"},
           "bot": set(OURS)}


def imported_packages(package: str) -> dict[str, set[str]]:
    """For each module of `package`, the top-level packages it imports (statically)."""
    out: dict[str, set[str]] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        tops: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops.add(node.module.split(".")[0])
        out[str(path.relative_to(REPO))] = tops
    return out


@pytest.mark.parametrize("package", OURS)
def test_dependency_direction(package: str) -> None:
    wrong = {mod: sorted((tops & set(OURS)) - ALLOWED[package])
             for mod, tops in imported_packages(package).items()}
    assert {m: w for m, w in wrong.items() if w} == {}


def test_domain_imports_only_the_standard_library() -> None:
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    wrong = {mod: sorted(tops - stdlib - {"domain"})
             for mod, tops in imported_packages("domain").items()}
    assert {m: w for m, w in wrong.items() if w} == {}


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"  # a dev dependency: missing is a failure
    assert lint.exists(), "import-linter is not installed: run `make setup`"
    proc = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, check=False,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


def test_importing_the_app_opens_no_connection_and_writes_nothing(tmp_path: Path) -> None:
    probe = textwrap.dedent("""
        import sqlite3, sys
        def refuse(*a, **k):
            raise SystemExit("connection opened at import time")
        sqlite3.connect = refuse
        import psycopg
        psycopg.connect = refuse
        psycopg.Connection.connect = classmethod(refuse)
        import bot.app, bot.cli, bot.cli.common, storage.db, storage.uow, storage.migrate
        from bot.cli import build_parser
        build_parser()
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, check=False, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    assert list(tmp_path.iterdir()) == []  # no var/, no database file, no key file


def declared_distributions() -> set[str]:
    """The runtime dependencies in pyproject.toml, by canonical distribution name."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}


def test_every_third_party_import_is_a_declared_dependency() -> None:
    """An import that works only because something else pulled the package in is a bug waiting."""
    providers = importlib.metadata.packages_distributions()  # import name -> distributions
    ours, stdlib = set(OURS), set(sys.stdlib_module_names) | {"__future__"}
    declared = declared_distributions()
    undeclared: dict[str, list[str]] = {}
    for package in OURS:
        for module, tops in imported_packages(package).items():
            for top in sorted(tops - ours - stdlib):
                dists = {canonicalize_name(d) for d in providers.get(top, [])}
                if not dists:
                    undeclared.setdefault(module, []).append(f"{top} (not installed)")
                elif not dists & declared:
                    undeclared.setdefault(module, []).append(f"{top} (from {', '.join(sorted(dists))})")
    assert undeclared == {}, "declare these in pyproject.toml [project].dependencies, then `make lock`"
