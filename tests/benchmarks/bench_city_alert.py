"""City benchmark, alert part: a red typhoon warning to 1,000,000 residents (issue 13 point 7, < 60 s).

Builds the city as `bench_city_roster` does (5,000 communities, their rosters imported), then
makes it a city that uses the bot: 95 % of residents have bound their chat, 1 % switched 预警
off, 20 % shared a location (a third of those over a day ago), and every community has about two
shelters (5 % closed). Timed: `queue_alert`, what `send_alert` runs, in one transaction: the
audience (residents read page by page, shared locations decrypted), each resident's 3 nearest
open shelters among the whole city's, the personalised texts, and the outbox rows (encrypted,
written by COPY). Printed per phase, with the peak RSS; a sample is checked against a per-person
KD-tree query.

    CUNSHE_BENCH_DATABASE_URL=postgresql://… make bench-city-alert
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
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import BigInteger, cast, func, select, update  # noqa: E402

from bot.alerts import ALERT_TOPIC, open_shelters, send_alert  # noqa: E402
from bot.app import App  # noqa: E402
from bot.geo import NearestIndex  # noqa: E402
from bot.reach import resolve  # noqa: E402
from domain.alerts import Alert  # noqa: E402
from domain.pushes import CITY  # noqa: E402
from storage.alerts import ResidentLocationRow, ShelterRow  # noqa: E402
from storage.bulk import insert_rows  # noqa: E402
from storage.models import OutboxRow, ResidentRow, SubscriptionRow  # noqa: E402
from tests.benchmarks.bench_city_roster import (  # noqa: E402
    RESIDENTS,
    build_city,
    cpu_s,
    database,
    rss_mib,
    server_cpu_s,
    sizes,
)

TARGET_S = 60.0
CHAT_BASE = 7_000_000_000  # chat ids of the generated residents: CHAT_BASE + resident id


Estates = dict[str, tuple[float, float, str]]  # estate code → lat, lon, name


def city_estates(city: list[dict[str, Any]]) -> Estates:
    """Every community's estates with coordinates: code → (lat, lon, name)."""
    return {e["code"]: (e["lat"], e["lon"], e["name"]) for c in city for e in c["estates"]}


def use_the_bot(app: App, city: list[dict[str, Any]], now: datetime, rng: random.Random) -> None:
    """Chats bound, opt-outs, shared locations and shelters, written straight to the tables."""
    counts = sizes(RESIDENTS, len(city), random.Random(17))  # the rosters' own split, in id order
    home = [c for c, n in zip(city, counts, strict=True) for _ in range(n)]
    with app.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        session.execute(update(ResidentRow).where(ResidentRow.id % 20 != 0).values(
            verified=True, user_id=cast(ResidentRow.id, BigInteger) + CHAT_BASE,
            chat_id=cast(ResidentRow.id, BigInteger) + CHAT_BASE))
        insert_rows(session, SubscriptionRow, [
            {"resident_id": i, "topic": ALERT_TOPIC, "enabled": False, "updated_at": now}
            for i in range(1, RESIDENTS + 1) if rng.random() < 0.01])
        located = []
        for i in range(1, RESIDENTS + 1):
            if rng.random() < 0.2:
                centre = home[i - 1]["center"]
                point = [centre["lat"] + rng.uniform(-0.02, 0.02), centre["lon"] + rng.uniform(-0.02, 0.02)]
                located.append({"resident_id": i, "point_enc": app.crypto.encrypt(json.dumps(point)),
                                "at": now - timedelta(hours=rng.choice((1, 3, 30)))})
        insert_rows(session, ResidentLocationRow, located)
        shelters = []
        for c in city:
            centre = c["center"]
            for n in range(rng.choice((1, 2, 2, 3))):
                shelters.append({
                    "code": f"{c['code']}-H{n}", "name": f"{c['name']}{('文化礼堂', '小学', '村委会')[n]}",
                    "address": f"{c['street']}{c['name']}", "capacity": rng.randrange(50, 800),
                    "lat": centre["lat"] + rng.uniform(-0.01, 0.01),
                    "lon": centre["lon"] + rng.uniform(-0.01, 0.01),
                    "open": rng.random() > 0.05, "area": "", "updated_at": now})
        insert_rows(session, ShelterRow, shelters)
        uow.commit()
    with app.engine.connect() as conn:  # fresh planner statistics, as autovacuum would give
        if app.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")


def check(app: App, estates: Estates, push_id: int, now: datetime, sample: int = 300) -> None:
    """A sample's pinned shelter is what a per-person KD-tree query over all open shelters says."""
    fresh = now - timedelta(hours=app.config.alerts.location_fresh_hours)
    with app.uow() as uow:
        index = NearestIndex(open_shelters(app, uow, now, everywhere=True))
        session = uow.session  # type: ignore[attr-defined]
        rows = session.execute(select(OutboxRow.chat_id, OutboxRow.payload_enc)
                               .where(OutboxRow.push_id == push_id)
                               .order_by(func.random()).limit(sample)).all()
        for chat_id, blob in rows:
            payload = json.loads(app.crypto.decrypt(blob) or "{}")
            rid = chat_id - CHAT_BASE
            estate = session.scalar(select(ResidentRow.estate).where(ResidentRow.id == rid))
            loc = session.get(ResidentLocationRow, rid)
            point = json.loads(app.crypto.decrypt(loc.point_enc) or "[]") if loc else None
            if point and loc is not None and loc.at >= fresh:
                lat, lon = point
            elif estate in estates:
                lat, lon = estates[estate][:2]
            else:
                assert point is not None, rid
                lat, lon = point
            first = index.nearest(lat, lon, k=1)[0][0]
            assert payload["location"][2] == first.name, (rid, payload["location"], first.name)
    print(f"  checked: {len(rows)} random residents' pinned shelter equals a per-person query")


def main() -> None:
    """Build the city, time the warning, print the phases."""
    rng = random.Random(23)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="cunshe-city-") as tmp, database(Path(tmp)) as url:
        app, city = build_city(Path(tmp), url)
        t = time.perf_counter()
        use_the_bot(app, city, now, rng)
        estates = city_estates(city)
        import numpy  # noqa: F401  (imported before timing, as the running bot has it)
        import scipy.spatial  # noqa: F401

        print(f"city in use (chats, opt-outs, locations, shelters) set up in {time.perf_counter() - t:.1f} s; "
              f"peak RSS so far {rss_mib():,.0f} MiB")
        alert = Alert(level="红", title="台风红色预警", text="受台风影响，请立即停止户外活动，远离危险区域。" * 3,
                      source="温州市气象台", created_by="bench", created_at=now)
        phases: dict[str, float] = {}
        before, cpu, server = rss_mib(), cpu_s(), server_cpu_s(app)
        started = time.perf_counter()
        with app.uow() as uow:  # the city-wide warning, as `cunshe alerts send --city` sends it
            total = send_alert(app, uow, alert, now, where=resolve(app, CITY)).recipients
            t = time.perf_counter()
            phases["prepare and queue"] = t - started
            uow.commit()
            phases["commit"] = time.perf_counter() - t
        took, cpu, server = time.perf_counter() - started, cpu_s() - cpu, server_cpu_s(app) - server
        with app.uow() as uow:
            session = uow.session  # type: ignore[attr-defined]
            push_id = session.scalar(select(func.max(OutboxRow.push_id)))
            rows = session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.push_id == push_id))
            shelters = session.scalar(select(func.count()).select_from(ShelterRow).where(ShelterRow.open.is_(True)))
        assert rows == total, (rows, total)
        print(f"city-wide alert ({app.engine.dialect.name}): {total:,} personalised messages queued in "
              f"{took:.1f} s ({total / took:,.0f}/s; target < {TARGET_S:.0f} s: "
              f"{'met' if took < TARGET_S else 'NOT met'}); {shelters:,} open shelters")
        for step in ("prepare and queue", "commit"):
            print(f"  {step:9s} {phases.get(step, 0.0):6.1f} s")
        print(f"  CPU: this process {cpu:.1f} s, PostgreSQL's backends {server:.1f} s; peak RSS {rss_mib():,.0f} MiB "
              f"(before the alert {before:,.0f} MiB); load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        check(app, estates, push_id, now)
        app.close()


if __name__ == "__main__":
    main()
