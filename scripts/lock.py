"""The lock file: `write` regenerates requirements.lock from pyproject.toml, `check` fails if stale.

The lock pins every package, with hashes, for all platforms and Python >= 3.11 (uv's universal
resolution). Its header records a digest of pyproject's dependency lists, so a change to them
without `make lock` is caught (by `check`, CI and tests/unit/test_lock.py). Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
DIGEST_PREFIX = "# pyproject-dependencies-sha256: "
PYTHON_VERSION = "3.11"  # the oldest we support; --universal covers the newer ones too
EXTRAS = ("dev",)


def deps_digest(pyproject: Path = PYPROJECT) -> str:
    """A digest of everything in pyproject.toml that decides what the lock holds."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    decisive = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "build-requires": data.get("build-system", {}).get("requires", []),
        "extras": list(EXTRAS),
    }
    return hashlib.sha256(json.dumps(decisive, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    """The digest written in the lock's header, if any."""
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line[len(DIGEST_PREFIX):].strip()
    return None


def stale_reason(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> str | None:
    """Why the lock does not match pyproject.toml, or None when it does."""
    if not lock.exists():
        return f"{lock.name} is missing: run `make lock`"
    if recorded_digest(lock) != deps_digest(pyproject):
        return f"{lock.name} is out of date with {pyproject.name}: run `make lock` and commit it"
    return None


def write() -> int:
    """Resolve with uv and write the lock with its digest header."""
    extras = [a for e in EXTRAS for a in ("--extra", e)]
    out = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "compile", str(PYPROJECT.name), *extras,
         "--generate-hashes", "--universal", "--python-version", PYTHON_VERSION,
         "--custom-compile-command", "make lock"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    LOCK.write_text(f"{DIGEST_PREFIX}{deps_digest()}\n{out}", encoding="utf-8")
    print(f"wrote {LOCK.name}")
    return 0


def check() -> int:
    """Exit 1 with a clear message when the lock is stale."""
    reason = stale_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    print(f"{LOCK.name} matches {PYPROJECT.name}")
    return 0


if __name__ == "__main__":
    commands = {"write": write, "check": check}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: lock.py write|check")
    sys.exit(commands[sys.argv[1]]())
