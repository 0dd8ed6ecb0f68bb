"""Roster import benchmark: 10,000 rows of CSV and of XLSX into a fresh SQLite database.

Run: `python tests/benchmarks/bench_import.py` (or `make bench-import`). Prints figures;
asserts nothing about time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.roster_files import read_roster  # noqa: E402
from domain.usecases.residents import import_roster  # noqa: E402
from storage import migrate  # noqa: E402
from tests.fixtures import SECRET, make_config_file, roster_rows, write_csv, write_xlsx  # noqa: E402

ROWS = 10_000


def bench(folder: Path, roster: Path) -> tuple[float, float, int]:
    """Import one file into a fresh database: (read+import seconds, write-file seconds, rows)."""
    cfg = load_config(make_config_file(folder / roster.suffix[1:],
                                       f"sqlite:///{folder / roster.suffix[1:] / 'bench.db'}"))
    app = App(cfg)
    migrate.upgrade(app.engine)
    started = time.perf_counter()
    total, rows = read_roster(roster)
    result = import_roster(app.uow(), rows, app.estate_lookup(), set(cfg.resident_tags))
    took = time.perf_counter() - started
    with app.uow() as uow:
        stored = uow.residents.count()
    app.close()
    assert total == ROWS and result.created == ROWS == stored, (total, result, stored)
    return took, 0.0, stored


def main() -> None:
    """Generate the files, import each, print rows/s and seconds."""
    os.environ.setdefault("CUNSHE_SECRET_KEY", SECRET)
    os.environ.pop("CUNSHE_DATABASE_URL", None)
    rows = roster_rows(ROWS)
    with tempfile.TemporaryDirectory(prefix="cunshe-bench-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        csv_file = write_csv(folder / "roster.csv", rows)
        csv_gen = time.perf_counter() - t
        t = time.perf_counter()
        xlsx_file = write_xlsx(folder / "roster.xlsx", rows)
        xlsx_gen = time.perf_counter() - t
        print(f"roster import, {ROWS:,} rows, SQLite file (generated CSV in {csv_gen:.2f}s, "
              f"XLSX in {xlsx_gen:.2f}s)")
        for label, path in (("CSV ", csv_file), ("XLSX", xlsx_file)):
            took, _, stored = bench(folder, path)
            print(f"  {label}: {took:6.2f}s  {stored / took:8,.0f} rows/s  ({stored:,} stored)")


if __name__ == "__main__":
    main()
