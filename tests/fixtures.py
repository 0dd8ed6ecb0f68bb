"""Shared fixtures and helpers: temporary configs, migrated apps, SQLite and PostgreSQL URLs.

Folders import these from their own conftest.py (`from tests.fixtures import *`).
PostgreSQL runs only when CUNSHE_TEST_DATABASE_URL is set; each test then gets a fresh
schema of its own (via the connection's search_path), dropped afterwards.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from bot.app import App
from bot.config import AppConfig, load_config

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = REPO / "config.yaml"
SECRET = "test-secret-key-0123456789abcdef"
PG_ENV = "CUNSHE_TEST_DATABASE_URL"
ROSTER_HEADER = ["姓名", "手机号", "身份证号", "小区", "幢", "单元", "室", "标签"]

__all__ = [
    "ROSTER_HEADER",
    "SECRET",
    "SHIPPED_CONFIG",
    "CliResult",
    "app",
    "app_config",
    "clean_env",
    "config_file",
    "database_url",
    "id_number",
    "make_config_file",
    "roster_rows",
    "run_cli",
    "run_cunshe",
    "sqlite_app",
    "sqlite_config_file",
    "write_csv",
    "write_xlsx",
]

# --------------------------------------------------------------------------- environment


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No CUNSHE_* setting leaks in from the developer's shell; a test secret key is set."""
    for key in list(os.environ):
        if key.startswith("CUNSHE_") and key != PG_ENV:
            monkeypatch.delenv(key)
    monkeypatch.setenv("CUNSHE_SECRET_KEY", SECRET)
    return monkeypatch


# --------------------------------------------------------------------------- databases


def _pg_schema_url(base: str, schema: str) -> str:
    """The base URL with every connection's search_path set to `schema`."""
    from sqlalchemy.engine import make_url

    from storage.db import normalize_url

    url = make_url(normalize_url(base))
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def _pg_schema(base: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test; dropped with everything in it after."""
    from sqlalchemy import create_engine, text

    from storage.db import normalize_url

    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield _pg_schema_url(base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL: a SQLite file under tmp_path, and PostgreSQL when configured."""
    yield from database(request.param, tmp_path)


def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database of `kind` ("sqlite" or "postgres"), removed after use."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'cunshe.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL run needs {PG_ENV}")
    with _pg_schema(base) as url:
        yield url


# --------------------------------------------------------------------------- configs and apps


def one_community(config: AppConfig) -> AppConfig:
    """The shipped config as a one-community deployment (most tests are about one community)."""
    return config.model_copy(update={"communities_dir": None})


def make_config_file(
    folder: Path, database_url: str, *, changes: dict[str, object] | None = None, city: bool = False
) -> Path:
    """Write the shipped config.yaml with another database URL (and dotted-path changes).

    Without `city`, the deployment is config.yaml's one community (no communities_dir), as
    most tests are about one community; city tests ask for the three sample communities.
    """
    data = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["database"] = {"url": database_url}
    if city:
        data["communities_dir"] = str(REPO / "communities")
    else:
        data.pop("communities_dir", None)
    for dotted, value in (changes or {}).items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path: Path, clean_env: pytest.MonkeyPatch, database_url: str) -> Path:
    """A config file for this test's database (SQLite file, or PostgreSQL schema)."""
    return make_config_file(tmp_path / "etc", database_url)


@pytest.fixture
def sqlite_config_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Path:
    """A config file on a SQLite file under tmp_path (for tests that need only one database)."""
    return make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'db' / 'cunshe.db'}")


@pytest.fixture
def app_config(config_file: Path) -> AppConfig:
    """The validated config of `config_file`."""
    return load_config(config_file)


def _migrated(config: AppConfig) -> Iterator[App]:
    from storage import migrate

    app = App(config)
    try:
        migrate.upgrade(app.engine)
        yield app
    finally:
        app.close()


@pytest.fixture
def app(app_config: AppConfig) -> Iterator[App]:
    """An App whose database is migrated to head (on each database of `database_url`)."""
    yield from _migrated(app_config)


@pytest.fixture
def sqlite_app(sqlite_config_file: Path) -> Iterator[App]:
    """A migrated App on a SQLite file only."""
    yield from _migrated(load_config(sqlite_config_file))


# --------------------------------------------------------------------------- the CLI


@dataclass(frozen=True)
class CliResult:
    """Exit code and captured output of one `cunshe` invocation."""

    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> CliResult:
    """Run `cunshe ARGS` in this process through bot.cli.main, capturing its output."""
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


def run_cunshe(
    args: Sequence[str | Path], *, env: dict[str, str] | None = None, cwd: Path | None = None,
    timeout: float = 120,
) -> CliResult:
    """Run the installed console script (.venv/bin/cunshe) as a real subprocess, no stdin."""
    script = Path(sys.executable).parent / "cunshe"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CUNSHE_")}
    full_env.update(env or {})
    proc = subprocess.run(
        [*cmd, *[str(a) for a in args]], env=full_env, cwd=cwd or REPO, capture_output=True,
        text=True, encoding="utf-8", timeout=timeout, stdin=subprocess.DEVNULL, check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


# --------------------------------------------------------------------------- rosters

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(born: date, seq: int, region: str = "330302") -> str:
    """A checksum-valid 18-digit ID number for a birth date and sequence."""
    body = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"
_ESTATES = ["翠微苑", "江滨花园", "府前小区", "南塘新村", "松台家园", "锦绣华庭", "望江小区",
            "蝉街公寓", "百里坊"]
_TAGS = ["", "", "", "老年人", "老年人,独居", "残疾", "低保户", "租户", "党员"]


def roster_rows(n: int, *, start: int = 0, seed: int = 7) -> list[list[str]]:
    """`n` valid roster rows (no header) with unique phones and ID numbers."""
    rnd = random.Random(seed + start)
    rows = []
    for i in range(start, start + n):
        born = date(1940, 1, 1) + timedelta(days=(i * 37) % 25000)
        rows.append([
            rnd.choice(_SURNAMES) + rnd.choice(_GIVEN) + rnd.choice(_GIVEN),
            f"139{i:08d}",
            id_number(born, i),
            _ESTATES[i % len(_ESTATES)],
            str(1 + i % 12), str(1 + i % 3), f"{1 + i % 18}0{1 + i % 4}",
            _TAGS[i % len(_TAGS)],
        ])
    return rows


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8",
              header: Sequence[str] = ROSTER_HEADER) -> Path:
    """Write a roster CSV the way Excel saves one (UTF-8 or GBK)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]],
               header: Sequence[str] = ROSTER_HEADER) -> Path:
    """Write a roster XLSX with openpyxl (write-only mode, fast for big files)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path

