"""Shelter files declare their coordinate system; GCJ-02 points are stored as WGS-84."""

from __future__ import annotations

from pathlib import Path

import prcoords
import pytest

from bot.geo import EARTH_RADIUS_M
from bot.shelter_files import ShelterFileError, read_shelters

# 松台小学体育馆 in WGS-84 (config.yaml), and the same place as a Chinese map app gives it (GCJ-02).
WGS = (28.0139, 120.6441)
GCJ = prcoords.wgs_gcj(prcoords.Coords(*WGS))


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    import math

    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def test_a_gcj02_csv_is_converted_to_wgs84(tmp_path: Path) -> None:
    assert metres(WGS, (GCJ.lat, GCJ.lon)) > 300  # the offset is real: unconverted would be far off
    f = tmp_path / "shelters.csv"
    f.write_text("crs: GCJ-02\ncode,name,address,lat,lon,capacity,open,area\n"
                 f"H1,松台小学体育馆,鹿城区松台路18号,{GCJ.lat},{GCJ.lon},400,true,松台家园\n", encoding="utf-8")
    crs, [s] = read_shelters(f)
    assert crs == "GCJ-02" and metres(WGS, (s.lat, s.lon)) < 3
    assert (s.code, s.capacity, s.open, s.area) == ("H1", 400, True, "松台家园")


def test_a_wgs84_yaml_is_kept_as_it_is(tmp_path: Path) -> None:
    f = tmp_path / "shelters.yaml"
    f.write_text("crs: WGS-84\nshelters:\n  - {code: H9, name: 体育馆, address: 某路1号, lat: 28.01, "
                 "lon: 120.64, capacity: 50, open: false}\n", encoding="utf-8")
    crs, [s] = read_shelters(f)
    assert crs == "WGS-84" and (s.lat, s.lon, s.open) == (28.01, 120.64, False)


def test_a_file_without_its_coordinate_system_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "shelters.csv"
    f.write_text("code,name,address,lat,lon,capacity\nH1,体育馆,某路1号,28.01,120.64,10\n", encoding="utf-8")
    with pytest.raises(ShelterFileError, match="坐标系"):
        read_shelters(f)
    f.write_text("crs: BD-09\ncode,name,address,lat,lon,capacity\n", encoding="utf-8")
    with pytest.raises(ShelterFileError, match="BD-09"):
        read_shelters(f)


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    f = tmp_path / "shelters.csv"
    f.write_text("crs: WGS-84\ncode,name,address,lat,lon,capacity\nH1,甲,某路,28.01,120.64,10\n"
                 "H2,乙,某路,95,120.64,10\n", encoding="utf-8")
    with pytest.raises(ShelterFileError, match="第4行"):
        read_shelters(f)
