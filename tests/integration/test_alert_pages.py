"""A warning queued page by page gives every resident the message the all-at-once path gave."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.alert_queue import queue_alert
from bot.alerts import ALERT_TOPIC, count_recipients, open_shelters, prepare_all
from bot.app import App
from bot.geo import NearestIndex
from bot.outbox import to_payload
from domain.alerts import Alert, Shelter
from domain.residents import Address, Resident
from storage.models import OutboxRow
from tests.fixtures import id_number

NOW = datetime(2026, 9, 12, 6, 0, tzinfo=UTC)
LAT0, LON0 = 27.99, 120.62


def _city(app: App) -> dict[int, tuple[float, float] | None]:
    """30 residents with chats (some located, one opted out, one whose chat blocked the bot) and
    24 shelters around them (a few closed); each chat's fresh shared point, if any."""
    rng = random.Random(5)
    estates = [e.code for e in app.config.estates]
    points: dict[int, tuple[float, float] | None] = {}
    with app.uow() as uow:
        for i in range(24):
            uow.alerts.save_shelter(Shelter(
                code=f"T{i:02d}", name=f"测试避灾点{i}", address=f"测试路{i}号",
                lat=LAT0 + rng.uniform(0, 0.08), lon=LON0 + rng.uniform(0, 0.08),
                capacity=100 + i, open=i % 7 != 3), NOW)
        for i in range(30):
            chat = 5000 + i
            r = uow.residents.add(Resident(
                f"居民{i}", f"1390000{i:04d}", Address(estates[i % len(estates)] if i % 9 else "", "1"),
                id_number(date(1950, 1, 1) + timedelta(days=i), i), [], verified=True,
                user_id=chat, chat_id=chat))
            assert r.id is not None
            points[chat] = None
            if i % 3 == 0:  # a third shared a location: most lately, some two days ago
                at = NOW - timedelta(hours=2 if i % 2 else 50)
                lat, lon = LAT0 + rng.uniform(0, 0.08), LON0 + rng.uniform(0, 0.08)
                uow.alerts.remember_location(r.id, lat, lon, at)
                points[chat] = (lat, lon) if at > NOW - timedelta(hours=24) else None
            if i == 4:
                uow.subscriptions.switch(r.id, ALERT_TOPIC, False, NOW)
            if i == 7:
                uow.outbox.block_chat(chat, "Forbidden: bot was blocked by the user", NOW)
        uow.commit()
    return points


def test_paged_alert_equals_the_all_at_once_path_and_each_pin_is_the_nearest(app: App) -> None:
    points = _city(app)
    alert = Alert(level="红", title="台风红色预警", text="请立即停止户外活动。", source="温州市气象台",
                  created_by="S1", created_at=NOW)
    with app.uow() as uow:
        old = {chat: to_payload(reply) for chat, reply in prepare_all(app, uow, alert, NOW)}
        shelters = open_shelters(app, uow, NOW)
        uow.commit()  # config's shelters, seeded on first use, stay
    with app.uow() as uow:
        uow.alerts.add_alert(alert)
        queued = queue_alert(app, uow, alert, NOW, page=4)  # pages of 4: many pages, one push
        uow.commit()
        assert count_recipients(uow) == queued  # what staff are told before they send
    with app.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = session.execute(select(OutboxRow.chat_id, OutboxRow.payload_enc, OutboxRow.status,
                                      OutboxRow.key)).all()
    new = {chat: json.loads(app.crypto.decrypt(blob) or "{}") for chat, blob, _, _ in rows}
    assert queued == len(rows) == 29 and 5004 not in new  # the one who switched 预警 off
    assert new == old
    assert {chat for chat, _, status, _ in rows if status == "blocked"} == {5007}
    assert len({key for *_, key in rows}) == len(rows)
    index = NearestIndex(shelters)
    for chat, point in points.items():
        if point is not None and chat in new:
            nearest = index.nearest(*point, k=1)[0][0]
            assert new[chat]["location"][2] == nearest.name
