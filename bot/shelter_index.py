"""Nearest open shelters for many points at once: a cKDTree on unit vectors, built once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.events import Location
from bot.geo import EARTH_RADIUS_M
from domain.alerts import Shelter

NEAREST = 3


def _unit(lat: Any, lon: Any) -> Any:
    import numpy as np

    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


class ShelterIndex:
    """The open shelters on the unit sphere, built once per warning and queried per batch."""

    def __init__(self, shelters: Sequence[Shelter], kdtree_from: int = 16) -> None:
        import numpy as np

        self.shelters = list(shelters)
        self.k = min(NEAREST, len(self.shelters))
        self.places = _unit(np.array([s.lat for s in shelters]), np.array([s.lon for s in shelters]))
        self.tree: Any = None
        if len(self.shelters) >= kdtree_from:
            from scipy.spatial import cKDTree  # imported on first use: scipy is slow to import

            self.tree = cKDTree(self.places)
        self.pins = [Location(s.lat, s.lon, s.name) for s in self.shelters]

    def nearest(self, lats: Sequence[float], lons: Sequence[float], k: int = NEAREST) -> tuple[Any, Any]:
        """Distances (metres) and shelter indexes, nearest first, for every point: shape (n, k)."""
        import numpy as np

        k = min(k, len(self.shelters))
        points = _unit(np.asarray(lats, dtype=float), np.asarray(lons, dtype=float))
        if self.tree is not None:
            chord, idx = self.tree.query(points, k=k)
            chord, idx = chord.reshape(len(points), k), idx.reshape(len(points), k)
        else:  # a few shelters: a plain scan over all of them is as quick and needs no tree
            d = np.linalg.norm(points[:, None, :] - self.places[None, :, :], axis=2)
            idx = np.argsort(d, axis=1, kind="stable")[:, :k]
            chord = np.take_along_axis(d, idx, axis=1)
        metres = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, chord / 2))
        return metres, idx


def nearest_many(shelters: Sequence[Shelter], lats: Sequence[float], lons: Sequence[float],
                 k: int = NEAREST, kdtree_from: int = 16) -> tuple[Any, Any]:
    """Distances (metres) and shelter indexes, nearest first, for every point: shape (n, k)."""
    return ShelterIndex(shelters, kdtree_from).nearest(lats, lons, k)
