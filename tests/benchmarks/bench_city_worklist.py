"""City benchmark, 待办 part: one staff member's worklist over 5,000 communities' pending work.

Generates the city's community files (as `make bench-city` does), then fills the database with
BENCH_WORKLIST_ITEMS (default 50,000) pending records spread over every community: open reports
(待受理/已受理/处理中, due within days either side of now), certificate requests waiting for a
decision and 求助 not yet made a task, written straight to the tables. Timed: one 待办 typed by a
市 staff member (every community) and by a 街道 one (its few dozen), cold (first after start) and
warm, through the dialogue engine as a chat would; printed: wall time, CPU of this process and
of PostgreSQL's backends, the peak of Python's allocations during one 待办 (tracemalloc, run
apart from the timing) and the peak RSS.

    CUNSHE_BENCH_DATABASE_URL=postgresql://… make bench-city-worklist

BENCH_COMMUNITIES (default 5,000) and BENCH_WORKLIST_ITEMS scale it; BENCH_WORKLIST_SHOW=1 prints
the answers (two runs' answers compare, as "now" is fixed). Without the URL, a SQLite file.
"""

from __future__ import annotations

import gc
import hashlib
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.cli.common import sync_city_staff  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.events import Inbound  # noqa: E402
from storage import migrate  # noqa: E402
from storage.bulk import insert_rows  # noqa: E402
from storage.models import ReportRow  # noqa: E402
from storage.seals import SealRequestRow  # noqa: E402
from storage.volunteers import HelpRequestRow  # noqa: E402
from tests.benchmarks.bench_city_roster import (  # noqa: E402
    COMMUNITIES,
    communities,
    cpu_s,
    database,
    rss_mib,
    server_cpu_s,
)
from tests.fixtures import SECRET, make_config_file  # noqa: E402

ITEMS = int(os.environ.get("BENCH_WORKLIST_ITEMS", "50000"))
CITY_USER, STREET_USER = 750000901, 740000901
# A fixed "now": the lines say 今天/明天 relative to it, so two runs' answers can be compared.
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
REPORT_STATUSES = ("pending", "pending", "accepted", "in_progress")
CATEGORIES = ("lighting", "drainage", "sanitation", "noise")
TEMPLATES = ("residence", "residence", "voter", "family")
WORDS = "楼道灯坏了好几天了晚上看不见路老人出门不方便请尽快来修一下谢谢"


def city_app(folder: Path, url: str, city: list[dict[str, Any]]) -> App:
    """The deployment on that database, with a 市 and a 街道 staff member above the communities."""
    street = city[0]["street"]
    os.environ.setdefault("CUNSHE_SECRET_KEY", SECRET)
    os.environ.pop("CUNSHE_DATABASE_URL", None)
    staff = [{"code": "WZ90", "name": "市民政局孙科长", "level": "市", "user_id": CITY_USER, "role": "书记"},
             {"code": "JD90", "name": "街道周主任", "level": "街道", "reach": street, "user_id": STREET_USER,
              "role": "书记"}]
    app = App(load_config(make_config_file(folder / "etc", url, changes={
        "communities_dir": str(folder / "communities"), "city_staff": staff,
        "seals.ca_dir": str(folder / "ca")})))
    migrate.upgrade(app.engine)
    sync_city_staff(app, {})
    app.dialogue.clock = lambda: NOW
    return app


def numbered(kind: str, day: datetime, taken: dict[tuple[str, str], int]) -> str:
    """A unique number in the product's shape (BS-20261128-0007), another prefix past 9999 a day."""
    key = (kind, f"{day:%Y%m%d}")
    seq = taken[key] = taken.get(key, 0) + 1
    return f"{kind}{chr(65 + seq // 10000)}-{key[1]}-{seq % 10000:04d}"


def fill(app: App, city: list[dict[str, Any]], total: int, rng: random.Random) -> dict[str, int]:
    """`total` pending records over every community, straight into the tables; how many of each."""
    crypto = app.crypto
    texts = [crypto.encrypt(WORDS[:rng.randint(8, len(WORDS))]) or b"" for _ in range(50)]
    places = [crypto.encrypt('{"u": "2", "r": "301"}') for _ in range(10)]
    facts = [crypto.encrypt('{"name": "王伟", "purpose": "孩子上学"}') or b"" for _ in range(10)]
    reports: list[dict[str, Any]] = []
    seals: list[dict[str, Any]] = []
    helps: list[dict[str, Any]] = []
    taken: dict[tuple[str, str], int] = {}
    for i in range(total):
        c = city[i % len(city)]
        code, estate = c["code"], rng.choice(c["estates"])["code"]
        created = NOW - timedelta(minutes=rng.randint(10, 60 * 24 * 6))
        kind = rng.random()
        if kind < 0.6:
            status = rng.choice(REPORT_STATUSES)
            reports.append({
                "community": code, "number": numbered("B", created, taken), "kind": "repair",
                "category": rng.choice(CATEGORIES), "description_enc": rng.choice(texts), "estate": estate,
                "building": str(rng.randint(1, 30)), "place_enc": rng.choice(places), "photos": [],
                "status": status, "grid": "G1", "assignee": None, "resident_id": None,
                "chat_id": 7_000_000_000 + i, "created_at": created,
                "accept_due": created + timedelta(hours=rng.choice((1, 4, 8))),
                "resolve_due": created + timedelta(days=rng.randint(1, 7)), "resolved_at": None,
                "rating": None, "reminders": 0, "escalated": False, "duplicate_of": None, "followers": [],
                "urgent": False, "follower_ratings": {}, "version": 0})
        elif kind < 0.8:
            seals.append({
                "community": code, "number": numbered("Z", created, taken), "template": rng.choice(TEMPLATES),
                "resident_id": i, "facts_enc": rng.choice(facts), "requested_by": "resident",
                "chat_id": 7_000_000_000 + i, "created_at": created,
                "due_at": created + timedelta(days=rng.randint(1, 4)), "status": "pending",
                "decided_by": None, "decided_at": None, "reason_enc": None})
        else:
            helps.append({
                "community": code, "resident_id": None, "chat_id": 7_000_000_000 + i,
                "text_enc": rng.choice(texts), "estate": estate, "grid": "G1", "status": "open",
                "task_id": None, "created_at": created})
    with app.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        insert_rows(session, ReportRow, reports)
        insert_rows(session, SealRequestRow, seals)
        insert_rows(session, HelpRequestRow, helps)
        uow.commit()
    with app.engine.connect() as conn:  # fresh planner statistics, as autovacuum would give
        if app.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    return {"reports": len(reports), "certificate requests": len(seals), "求助": len(helps)}


def todo(app: App, user: int) -> str:
    """One 待办 typed by this staff member; the answer's text, then its buttons."""
    replies = app.dialogue.handle(Inbound(chat_id=user, user_id=user, kind="text", text="待办"))
    return "\n".join([r.text for r in replies] + [f"[{b.text}]" for r in replies for row in r.buttons for b in row])


def timed(app: App, who: str, user: int) -> None:
    """Cold, then warm (best of 3), with CPU; then the allocation peak of one more, apart."""
    rows: list[str] = []
    for label, runs in (("first", 1), ("again", 3)):
        best = None
        for _ in range(runs):
            cpu, server, started = cpu_s(), server_cpu_s(app), time.perf_counter()
            out = todo(app, user)
            took = (time.perf_counter() - started, cpu_s() - cpu, server_cpu_s(app) - server)
            best = took if best is None or took[0] < best[0] else best
        assert best is not None
        rows.append(f"{label} {best[0] * 1000:,.0f} ms (CPU: this process {best[1] * 1000:,.0f} ms, "
                    f"PostgreSQL {best[2] * 1000:,.0f} ms)")
    gc.collect()
    tracemalloc.start()
    todo(app, user)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lines = out.splitlines()
    digest = hashlib.sha256(out.encode()).hexdigest()[:12]
    print(f"{who} 待办: {lines[0] if lines else '(nothing)'}; {sum(x.startswith('· ') for x in lines)} lines shown; "
          f"answer sha256 {digest}")
    for row in rows:
        print(f"  {row}")
    if os.environ.get("BENCH_WORKLIST_SHOW"):  # the whole answer (generated data only), to compare runs
        print("\n".join(f"  | {line}" for line in lines))
    print(f"  peak of Python allocations during one 待办: {peak / 2**20:,.1f} MiB; "
          f"peak RSS so far {rss_mib():,.0f} MiB")


def main() -> None:
    """Generate, fill, time both staff members' 待办, print."""
    with tempfile.TemporaryDirectory(prefix="cunshe-city-") as tmp, database(Path(tmp)) as url:
        folder = Path(tmp)
        t = time.perf_counter()
        (folder / "communities").mkdir()
        city = communities(folder / "communities", COMMUNITIES)
        app = city_app(folder, url, city)
        made = fill(app, city, ITEMS, random.Random(29))
        street = sum(1 for c in city if c["street"] == city[0]["street"])
        print(f"{len(city):,} communities, pending: " + ", ".join(f"{n:,} {k}" for k, n in made.items())
              + f" ({app.engine.dialect.name}); set up in {time.perf_counter() - t:.1f} s; "
              f"the 街道 ({city[0]['street']}) has {street} communities")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
        timed(app, "市", CITY_USER)
        timed(app, "街道", STREET_USER)
        app.close()


if __name__ == "__main__":
    main()
