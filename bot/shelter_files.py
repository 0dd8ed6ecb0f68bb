"""Shelter files (CSV or YAML) that declare their coordinate system; GCJ-02 becomes WGS-84 here."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import yaml

from bot import texts
from domain.alerts import Shelter, check_shelter
from domain.errors import DomainError

CRS_NAMES = {"WGS-84": "WGS-84", "WGS84": "WGS-84", "EPSG:4326": "WGS-84", "GCJ-02": "GCJ-02", "GCJ02": "GCJ-02"}
CRS_LINE = re.compile(r"^\s*#?\s*crs\s*[:=]\s*(\S+)\s*$", re.IGNORECASE)
COLUMNS = ("code", "name", "address", "lat", "lon", "capacity", "open", "area")
FALSE_WORDS = frozenset({"false", "0", "no", "否", "关闭", "关"})


class ShelterFileError(Exception):
    """The file cannot be imported; nothing was written."""


def to_wgs84(lat: float, lon: float, crs: str) -> tuple[float, float]:
    """A point in WGS-84: GCJ-02 (the offset Chinese map apps use) is rectified with prcoords."""
    if crs == "WGS-84":
        return lat, lon
    import prcoords

    # The iterative inverse: about a millimetre from the true point, not the ~1 m one-step guess.
    p = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
    return float(p.lat), float(p.lon)


def _crs(value: Any) -> str:
    if value is None or not str(value).strip():
        raise ShelterFileError(texts.SHELTER_FILE_NO_CRS)
    crs = CRS_NAMES.get(str(value).strip().upper())
    if crs is None:
        raise ShelterFileError(texts.SHELTER_FILE_BAD_CRS.format(crs=value))
    return crs


def _rows(path: Path) -> tuple[str, list[dict[str, Any]], int]:
    """The declared crs, the rows as mappings, and the line number of the first row."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise ShelterFileError(texts.SHELTER_FILE_NO_CRS)
        return _crs(data.get("crs")), [dict(r) for r in data.get("shelters") or []], 1
    lines = text.splitlines()
    crs, skipped = None, 0
    # CSV: `crs: GCJ-02` (or `# crs: GCJ-02`) and other # comment lines come before the header.
    while skipped < len(lines) and (CRS_LINE.match(lines[skipped]) or lines[skipped].lstrip().startswith("#")):
        if m := CRS_LINE.match(lines[skipped]):
            crs = m.group(1)
        skipped += 1
    return _crs(crs), list(csv.DictReader(io.StringIO("\n".join(lines[skipped:])))), skipped + 2


def _shelter(raw: dict[str, Any], crs: str) -> Shelter:
    def cell(name: str) -> str:
        v = raw.get(name)
        return "" if v is None else str(v).strip()

    try:
        lat, lon = to_wgs84(float(cell("lat")), float(cell("lon")), crs)
        capacity = int(float(cell("capacity") or 0))
    except ValueError:
        raise ShelterFileError("lat/lon/capacity") from None
    return check_shelter(Shelter(
        code=cell("code"), name=cell("name"), address=cell("address"), lat=lat, lon=lon,
        capacity=capacity, open=cell("open").lower() not in FALSE_WORDS, area=cell("area")))


def read_shelters(path: Path) -> tuple[str, list[Shelter]]:
    """The file's declared coordinate system and its shelters, all in WGS-84; any bad row refuses all."""
    from bot.texts import error_text

    crs, rows, first = _rows(path)
    out: list[Shelter] = []
    for n, raw in enumerate(rows, start=first):
        try:
            out.append(_shelter(raw, crs))
        except DomainError as exc:
            raise ShelterFileError(texts.SHELTER_FILE_ROW.format(row=n, reason=error_text(exc))) from None
        except ShelterFileError as exc:
            raise ShelterFileError(texts.SHELTER_FILE_ROW.format(row=n, reason=exc)) from None
    return crs, out
