"""Nearest places on the globe: a KD-tree over unit vectors (scipy's cKDTree), built once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

EARTH_RADIUS_M = 6_371_008.8


class Point(Protocol):
    """Anything with WGS-84 coordinates."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


P = TypeVar("P", bound=Point)


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """A WGS-84 point on the unit sphere: straight-line order there is great-circle order."""
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))


def chord_to_metres(chord: float) -> float:
    """The great-circle distance for a straight-line distance between unit vectors."""
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, chord / 2))


class NearestIndex(Generic[P]):
    """The k nearest of a fixed set of points, with their distances in metres."""

    def __init__(self, points: Sequence[P]) -> None:
        from scipy.spatial import cKDTree  # imported on first use: scipy is slow to import

        self.points = list(points)
        self._tree: Any = cKDTree([unit_vector(p.lat, p.lon) for p in self.points]) if points else None

    def nearest(self, lat: float, lon: float, k: int = 3) -> list[tuple[P, float]]:
        """Up to k points, nearest first, each with its distance in metres."""
        if self._tree is None or k < 1:
            return []
        k = min(k, len(self.points))
        dist, idx = self._tree.query(unit_vector(lat, lon), k=k)
        if k == 1:
            dist, idx = [dist], [idx]
        return [(self.points[int(i)], chord_to_metres(float(d))) for d, i in zip(dist, idx, strict=True)]


@lru_cache(maxsize=8)
def index_of(points: tuple[P, ...]) -> NearestIndex[P]:
    """One index per set of points (config is frozen, so it is built once per process)."""
    return NearestIndex(points)
