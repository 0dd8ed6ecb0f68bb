"""Nearest shelters: the KD-tree on unit vectors agrees with great-circle distance; distances read aloud."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.info import format_distance
from bot.geo import NearestIndex


@dataclass(frozen=True)
class P:
    name: str
    lat: float
    lon: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


coords = st.tuples(st.floats(27.9, 28.1), st.floats(120.55, 120.75))


@settings(max_examples=60, deadline=None)
@given(st.lists(coords, min_size=1, max_size=12, unique=True), coords)
def test_nearest_three_match_a_brute_force_great_circle_search(points: list[tuple[float, float]],
                                                               at: tuple[float, float]) -> None:
    items = [P(str(i), la, lo) for i, (la, lo) in enumerate(points)]
    got = NearestIndex(items).nearest(*at, k=3)
    expected = sorted(haversine_m(*at, p.lat, p.lon) for p in items)[:3]
    assert [round(d, 3) for _, d in got] == [round(d, 3) for d in expected]
    for p, d in got:
        assert math.isclose(d, haversine_m(*at, p.lat, p.lon), abs_tol=0.01)


def test_fewer_points_than_asked_and_none_at_all() -> None:
    one = NearestIndex([P("a", 28.0, 120.6)])
    assert [p.name for p, _ in one.nearest(28.0, 120.7, k=3)] == ["a"]
    assert NearestIndex([]).nearest(28.0, 120.6) == []


def test_distances_as_people_say_them() -> None:
    assert format_distance(12) == "约50米"
    assert format_distance(610) == "约600米"
    assert format_distance(980) == "约1公里"
    assert format_distance(1234) == "约1.2公里"
    assert format_distance(15_400) == "约15公里"
