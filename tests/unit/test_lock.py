"""The hashed lock (requirements.lock): current with pyproject.toml, complete, and what is installed."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def lock_tool() -> ModuleType:
    """scripts/lock.py, the same code `make lock` and CI run."""
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "scripts" / "lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins() -> list[tuple[str, str, str | None, int]]:
    """(name, version, marker, number of hashes) for every package in the lock."""
    out: list[tuple[str, str, str | None, int]] = []
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if m := PIN.match(line):
            out.append((m.group(1), m.group(2), m.group(3), 0))
        elif line.strip().startswith("--hash=sha256:") and out:
            name, version, marker, hashes = out[-1]
            out[-1] = (name, version, marker, hashes + 1)
    return out


def test_the_lock_matches_pyproject() -> None:
    assert lock_tool().stale_reason() is None, "run `make lock` and commit requirements.lock"


def test_a_dependency_change_without_make_lock_is_caught(tmp_path: Path) -> None:
    tool = lock_tool()
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('dependencies = [\n', 'dependencies = [\n    "left-pad>=1",\n', 1),
                         encoding="utf-8")
    lock = shutil.copy(LOCK, tmp_path / "requirements.lock")
    assert "out of date" in (tool.stale_reason(pyproject, Path(lock)) or "")
    assert "missing" in (tool.stale_reason(pyproject, tmp_path / "none.lock") or "")


def test_every_locked_package_is_pinned_with_hashes() -> None:
    found = pins()
    assert len(found) > 40
    assert [name for name, _, _, hashes in found if hashes == 0] == []
    names = {canonicalize_name(name) for name, *_ in found}
    assert {"python-telegram-bot", "sqlalchemy", "numpy", "pytest", "setuptools"} <= names


def test_what_is_installed_is_what_is_locked() -> None:
    """`make setup` installed exactly the locked versions for this Python."""
    wrong = {}
    for name, version, marker, _ in pins():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (installed, version)
    assert wrong == {}, "installed vs locked: run `make setup` (or `make clean setup`)"
