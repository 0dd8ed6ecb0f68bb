"""Alert PREPARE benchmark: 100,000 personalised warnings, each with the resident's 3 nearest shelters.

Run: `python tests/benchmarks/bench_push_prepare.py` (or `make bench-push-prepare`). A fresh SQLite
file holds 100,000 verified residents with a chat over 40 estates (20 % have shared a location
lately, 2 % live in an estate without coordinates) and 240 shelters (some closed). Timed: reading the
recipients and open shelters from SQLite, then preparing every message (one vectorised nearest-
shelter query for all distinct places). Writing the outbox rows is the delivery half's work; it is
timed too when BENCH_WRITE=1. Prints figures; asserts correctness, never time.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.alerts import deliver_push, open_shelters, paused_gc, prepare_all  # noqa: E402
from bot.app import App  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.geo import NearestIndex  # noqa: E402
from domain.alerts import Alert, Shelter  # noqa: E402
from storage import migrate  # noqa: E402
from storage.alerts import ResidentLocationRow  # noqa: E402
from storage.models import ResidentRow  # noqa: E402
from tests.fixtures import SECRET, make_config_file  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "100000"))
SHELTERS = 240
ESTATES = 40
TARGET_S = 5.0
# 鹿城区, about 12 km across
LAT0, LAT1, LON0, LON1 = 27.97, 28.07, 120.58, 120.72


def estates(rng: random.Random) -> list[dict[str, object]]:
    """The sample's estates plus generated ones; the last has no coordinates."""
    out: list[dict[str, object]] = []
    for i in range(ESTATES):
        e: dict[str, object] = {"code": f"B{i:02d}", "name": f"测试小区{i}", "grid": "G1"}
        if i < ESTATES - 1:
            e.update(lat=round(rng.uniform(LAT0, LAT1), 5), lon=round(rng.uniform(LON0, LON1), 5))
        out.append(e)
    return out


def build(folder: Path, rng: random.Random, now: datetime) -> App:
    """A fresh SQLite database with the residents, their locations and the shelters."""
    import yaml

    path = make_config_file(folder, f"sqlite:///{folder / 'bench.db'}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["estates"] = data["estates"] + estates(rng)
    data["shelters"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    app = App(load_config(path))
    migrate.upgrade(app.engine)
    codes = [str(e["code"]) for e in data["estates"]]
    name = app.crypto.encrypt("居民")
    with app.uow() as uow:
        for i in range(SHELTERS):
            uow.alerts.save_shelter(Shelter(
                code=f"S{i:03d}", name=f"避灾点{i}", address=f"鹿城区测试路{i}号",
                lat=rng.uniform(LAT0, LAT1), lon=rng.uniform(LON0, LON1),
                capacity=rng.randrange(50, 800), open=i % 10 != 0), now)
        session = uow.session  # type: ignore[attr-defined]
        rows = [{"id": i + 1, "name_enc": name, "estate": rng.choice(codes), "tags": [], "verified": True,
                 "source": "roster", "user_id": 10_000_000 + i, "chat_id": 10_000_000 + i,
                 "created_at": now, "updated_at": now} for i in range(RESIDENTS)]
        session.execute(insert(ResidentRow), rows)
        located = [{"resident_id": i + 1, "at": now - timedelta(hours=rng.uniform(0, 12)),
                    "point_enc": app.crypto.encrypt(json.dumps([rng.uniform(LAT0, LAT1),
                                                                rng.uniform(LON0, LON1)]))}
                   for i in range(RESIDENTS) if rng.random() < 0.2]
        session.execute(insert(ResidentLocationRow), located)
        uow.commit()
    return app


def check(app: App, shelters: list[Shelter], messages: list, recipients: list, now: datetime) -> None:
    """Every resident once; a sample's first shelter is what a per-point KD query says."""
    assert len(messages) == len(recipients) == RESIDENTS
    assert len({chat for chat, _ in messages}) == RESIDENTS
    index = NearestIndex(shelters)
    places = {e.code: e for e in app.config.estates if e.lat is not None}
    rng = random.Random(3)
    for i in rng.sample(range(RESIDENTS), 200):
        r, (_, reply) = recipients[i], messages[i]
        if r.lat is not None:
            lat, lon = r.lat, r.lon
        elif r.estate in places:
            lat, lon = places[r.estate].lat, places[r.estate].lon
        else:
            assert "回复“避难所”" in reply.text
            continue
        first = index.nearest(lat, lon, k=1)[0][0]
        assert reply.location is not None and reply.location.title == first.name, (i, r)


def main() -> None:
    """Build the data, time reading + preparing, print the figures."""
    os.environ.setdefault("CUNSHE_SECRET_KEY", SECRET)
    os.environ.pop("CUNSHE_DATABASE_URL", None)
    rng = random.Random(11)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="cunshe-bench-") as tmp:
        t = time.perf_counter()
        app = build(Path(tmp), rng, now)
        built = time.perf_counter() - t
        import numpy  # noqa: F401  (imported before timing, as the running bot has it)
        import scipy.spatial  # noqa: F401

        alert = Alert(level="红", title="台风红色预警", text="受台风影响，请立即停止户外活动。" * 5,
                      source="温州市气象台", created_by="bench", created_at=now, id=1)
        started = time.perf_counter()
        with app.uow() as uow:
            messages = prepare_all(app, uow, alert, now)  # what send_alert runs: read, then prepare
            total = time.perf_counter() - started
            # the two halves again, apart, to show where the time goes
            with paused_gc():
                t = time.perf_counter()
                recipients = uow.alerts.recipients()
                shelters = open_shelters(app, uow, now)
                read = time.perf_counter() - t
            write = None
            if os.environ.get("BENCH_WRITE") == "1":
                t = time.perf_counter()
                deliver_push(uow, alert, messages, "bench", now)
                uow.commit()
                write = time.perf_counter() - t
        check(app, shelters, messages, recipients, now)
        located = sum(1 for r in recipients if r.lat is not None)
        print(f"alert prepare, {RESIDENTS:,} residents ({located:,} with a shared location, {ESTATES + 9} "
              f"estates), {len(shelters)} open of {SHELTERS} shelters, SQLite file (built in {built:.1f}s)")
        print(f"  read + prepare (prepare_all): {total:6.2f}s  ({RESIDENTS / total:,.0f} messages/s; "
              f"target < {TARGET_S:.0f}s: {'met' if total < TARGET_S else 'NOT met'})")
        print(f"    of which reading recipients + shelters from SQLite: {read:.2f}s")
        if write is not None:
            print(f"  (delivery half) outbox rows written: {write:6.2f}s")
        app.close()


if __name__ == "__main__":
    main()
