"""Preparing warnings: the KD-tree and the plain scan agree; each place gets its own shelters."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.alerts import deliver_push, nearest_many, prepare
from bot.config import load_config
from bot.events import Reply
from bot.geo import NearestIndex
from domain.alerts import Alert, Recipient, Shelter
from tests.fixtures import SHIPPED_CONFIG
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def shelters(n: int, seed: int = 5) -> list[Shelter]:
    rng = random.Random(seed)
    return [Shelter(code=f"S{i}", name=f"点{i}", address=f"路{i}号", lat=rng.uniform(27.9, 28.1),
                    lon=rng.uniform(120.5, 120.8), capacity=100 + i) for i in range(n)]


@pytest.mark.parametrize("n", [2, 5, 40])
def test_the_kdtree_and_the_plain_scan_give_the_same_nearest_shelters(n: int) -> None:
    places = shelters(n)
    rng = random.Random(9)
    lats = [rng.uniform(27.9, 28.1) for _ in range(300)]
    lons = [rng.uniform(120.5, 120.8) for _ in range(300)]
    tree_m, tree_i = nearest_many(places, lats, lons, kdtree_from=1)
    scan_m, scan_i = nearest_many(places, lats, lons, kdtree_from=10**6)
    assert tree_i.shape == (300, min(3, n)) and (tree_i == scan_i).all()
    assert abs(tree_m - scan_m).max() < 0.01
    index = NearestIndex(places)  # the one-point index the 避灾点 answer uses
    for j in range(0, 300, 37):
        assert [p.code for p, _ in index.nearest(lats[j], lons[j])] == [places[i].code for i in tree_i[j]]


def app() -> SimpleNamespace:
    return SimpleNamespace(config=load_config(SHIPPED_CONFIG))


def alert() -> Alert:
    return Alert(level="橙", title="暴雨橙色预警", text="官方原文：今晚有大暴雨。", source="气象台",
                 created_by="S01", created_at=NOW, id=7)


def names(reply: Reply) -> list[str]:
    return [line[2:].split("：")[0] for line in reply.text.splitlines() if line.startswith("· ")]


def test_residents_of_different_estates_get_different_lists_and_their_own_pin() -> None:
    a = app()
    places = shelters(30)
    people = [Recipient(1, 101, "E4"), Recipient(2, 102, "E9"), Recipient(3, 103, "E4")]
    (c1, r1), (c2, r2), (c3, r3) = prepare(a, alert(), places, people, NOW)  # type: ignore[arg-type]
    assert (c1, c2, c3) == (101, 102, 103)
    assert names(r1) != names(r2) and names(r1) == names(r3) and len(names(r1)) == 3
    index = NearestIndex(places)
    e4 = next(e for e in a.config.estates if e.code == "E4")
    assert r1.location is not None and r1.location.title == index.nearest(e4.lat, e4.lon, k=1)[0][0].name
    assert "官方原文：今晚有大暴雨。" in r1.text and "可容纳" in r1.text


def test_a_fresh_location_beats_home_and_an_old_one_does_not() -> None:
    a = app()
    far = (27.91, 120.51)
    fresh = Recipient(1, 101, "E4", *far, NOW - timedelta(hours=1))
    stale = Recipient(2, 102, "E4", *far, NOW - timedelta(days=3))
    homeless = Recipient(3, 103, "", *far, NOW - timedelta(days=3))
    [(_, r1), (_, r2), (_, r3)] = prepare(a, alert(), shelters(30), [fresh, stale, homeless], NOW)  # type: ignore[arg-type]
    assert "您上次发送的位置" in r1.text and "您家（南塘新村）" in r2.text
    assert "您上次发送的位置" in r3.text  # no home to go by: the old location is better than nothing


def test_no_open_shelter_gives_the_number_to_call() -> None:
    [(_, r)] = prepare(app(), alert(), [], [Recipient(1, 101, "E4")], NOW)  # type: ignore[arg-type]
    assert "没有开放的避灾点" in r.text and "官方原文" in r.text and r.location is None


def test_deliver_push_queues_one_bulk_row_per_chat_under_one_push() -> None:
    uow = FakeUnitOfWork()
    with uow:
        n = deliver_push(uow, alert(), [(101, Reply("a")), (102, Reply("b")), (101, Reply("a"))], "S01", NOW)
        uow.commit()
    assert n == 2
    [push] = uow.pushes.list()
    assert push.kind == "alert" and push.topic == "预警"
    assert sorted(m.key for m in uow.outbox.messages) == [f"push:{push.id}:101", f"push:{push.id}:102"]


def test_one_broken_community_file_does_not_stop_a_city_wide_warning() -> None:
    from bot import alert_local, texts

    entry = SimpleNamespace(code="x-broken")
    directory = SimpleNamespace(get=lambda code: entry, stamp=lambda code: (1, 1))
    app = SimpleNamespace(directory=directory, root=None)
    broken = {"community": {"office": {"phone": "0577-1"}}, "estates": []}  # no staff chat, no hours
    found = alert_local.settings(app, "x-broken", lambda code: broken)  # type: ignore[arg-type]
    assert found.staff_chat_id is None and found.call == texts.OFFICE_UNKNOWN and found.estates == {}
