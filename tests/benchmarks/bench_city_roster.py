"""City benchmark, roster part: 1,000,000 residents over 5,000 communities, imported (issue 13 point 7).

Each community office uploads its own roster: one CSV per community (fictional names, mobile
phones, ID numbers with valid check digits, that community's estates, tags such as 老年人/独居),
imported through the product's path (`read_roster` + `import_roster`, as `cunshe residents
import` runs it). Timed: reading and importing every file; printed: rows/s and peak RSS.

    CUNSHE_BENCH_DATABASE_URL=postgresql://… make bench-city-roster

BENCH_RESIDENTS (default 1,000,000) and BENCH_COMMUNITIES (default 5,000) scale it down. On
PostgreSQL it runs in a fresh schema, dropped afterwards; without the URL, in a SQLite file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.roster_files import read_roster  # noqa: E402
from domain.usecases.residents import import_roster  # noqa: E402
from storage import migrate  # noqa: E402
from tests.benchmarks.bench_city import generate  # noqa: E402
from tests.fixtures import ROSTER_HEADER, SECRET, _pg_schema, id_number, make_config_file  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "1000000"))
COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "5000"))
REGIONS = {"鹿城区": "330302", "龙湾区": "330303", "瓯海区": "330304", "洞头区": "330305",
           "乐清市": "330382", "瑞安市": "330381", "永嘉县": "330324", "文成县": "330328",
           "平阳县": "330326", "泰顺县": "330329", "苍南县": "330327", "龙港市": "330383"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑金叶潘蔡季谢池"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅春兰志海玉"
MOBILE = ("135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "187", "188")
# Mostly none; the tags a typhoon warning or a care visit targets
TAGS = ("", "", "", "", "", "老年人", "老年人", "老年人,独居", "独居", "残疾", "低保户", "租户", "党员",
        "老年人,低保户")
BIRTH_DAYS = 29_000  # 1930 … 2009


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds this process has used: on a shared machine, what the wall clock cannot show."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def server_cpu_s(app: App) -> float:
    """CPU seconds used so far by this database's PostgreSQL backends (0 when not local or SQLite)."""
    if app.engine.dialect.name != "postgresql":
        return 0.0
    with app.engine.connect() as conn:
        pids = [p for (p,) in conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


@contextlib.contextmanager
def database(folder: Path) -> Iterator[str]:
    """A fresh PostgreSQL schema when CUNSHE_BENCH_DATABASE_URL is set, else a SQLite file."""
    pg = os.environ.get("CUNSHE_BENCH_DATABASE_URL")
    if pg:
        with _pg_schema(pg) as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'city.db'}"


def city_app(folder: Path, url: str) -> App:
    """The deployment's App on that database, migrated; the CLI's `residents import` uses the same."""
    os.environ.setdefault("CUNSHE_SECRET_KEY", SECRET)
    os.environ.pop("CUNSHE_DATABASE_URL", None)
    app = App(load_config(make_config_file(folder / "etc", url,
                                           changes={"communities_dir": str(folder / "communities")})))
    migrate.upgrade(app.engine)
    return app


def communities(folder: Path, count: int) -> list[dict[str, Any]]:
    """Generate the community files (as `make bench-city` does) and read them back."""
    generate(folder, count)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=loader)
            for p in sorted(folder.glob("*.yaml"))]


def estate_lookup(community: dict[str, Any]) -> dict[str, str]:
    """Estate names and codes → code, as App.estate_lookup gives for that community's config."""
    out: dict[str, str] = {}
    for e in community["estates"]:
        out[e["name"]] = out[e["code"]] = e["code"]
    return out


def sizes(total: int, count: int, rng: random.Random) -> list[int]:
    """How many residents each community has: uneven (villages are small), summing to `total`."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(count)]
    scale = total / sum(weights)
    out = [int(w * scale) for w in weights]
    out[-1] += total - sum(out)
    return out


def roster(community: dict[str, Any], start: int, n: int, rng: random.Random) -> list[list[str]]:
    """`n` roster rows for one community; `start` makes phones and ID numbers unique in the city."""
    region = REGIONS[community["district"]]
    names = [e["name"] for e in community["estates"]]
    rows = []
    for i in range(start, start + n):
        born = date(1930, 1, 1) + timedelta(days=i % BIRTH_DAYS)
        rows.append([
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
            f"{MOBILE[i % len(MOBILE)]}{i:08d}",
            id_number(born, i // BIRTH_DAYS, region),
            rng.choice(names), str(rng.randint(1, 30)), str(rng.randint(1, 4)),
            f"{rng.randint(1, 18)}0{rng.randint(1, 4)}", rng.choice(TAGS),
        ])
    return rows


def write_rosters(folder: Path, city: list[dict[str, Any]], total: int, seed: int = 17) -> list[Path]:
    """One roster CSV per community, as its office would upload it."""
    rng = random.Random(seed)
    paths, start = [], 0
    for community, n in zip(city, sizes(total, len(city), rng), strict=True):
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(ROSTER_HEADER)
        w.writerows(roster(community, start, n, rng))
        path = folder / f"{community['code']}.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        paths.append(path)
        start += n
    return paths


def import_city(app: App, city: list[dict[str, Any]], rosters: list[Path]) -> tuple[int, float]:
    """Import every community's roster through the product path: (rows imported, seconds)."""
    tags = set(app.config.resident_tags)
    lookups = [estate_lookup(c) for c in city]
    imported, started, cpu, server = 0, time.perf_counter(), cpu_s(), server_cpu_s(app)
    for community, path, lookup in zip(city, rosters, lookups, strict=True):
        _, rows = read_roster(path)
        # Into that community, as `cunshe --community CODE residents import` does.
        result = import_roster(app.tenant(community["code"]).uow(), rows, lookup, tags)
        assert not result.skipped and result.updated == 0, (community["code"], result)
        imported += result.created
    took, cpu, server = time.perf_counter() - started, cpu_s() - cpu, server_cpu_s(app) - server
    print(f"  CPU: this process {cpu:.0f} s ({imported / cpu:,.0f} rows per CPU second), PostgreSQL's "
          f"backends {server:.0f} s; the rest of the wall time is the machine's other load")
    return imported, took


def build_city(folder: Path, url: str) -> tuple[App, list[dict[str, Any]]]:
    """Communities, rosters and the import, with its figures printed; the App and the communities."""
    t = time.perf_counter()
    (folder / "communities").mkdir()
    city = communities(folder / "communities", COMMUNITIES)
    (folder / "rosters").mkdir()
    rosters = write_rosters(folder / "rosters", city, RESIDENTS)
    print(f"generated {len(city):,} communities and {RESIDENTS:,} residents' rosters "
          f"in {time.perf_counter() - t:.1f} s")
    app = city_app(folder, url)
    imported, took = import_city(app, city, rosters)
    with app.uow() as uow:
        stored = uow.residents.count()
    assert imported == stored == RESIDENTS, (imported, stored)
    backend = app.engine.dialect.name
    print(f"roster import ({backend}, {len(rosters):,} files, one per community): {imported:,} rows "
          f"in {took:.1f} s = {imported / took:,.0f} rows/s; peak RSS {rss_mib():,.0f} MiB; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return app, city


def main() -> None:
    """Generate, import, print."""
    with tempfile.TemporaryDirectory(prefix="cunshe-city-") as tmp, database(Path(tmp)) as url:
        app, _ = build_city(Path(tmp), url)
        app.close()


if __name__ == "__main__":
    main()
