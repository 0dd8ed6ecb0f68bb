"""Config for emergencies, the office and shelters: shipped values, defaults, and refusals."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, parse_config
from tests.fixtures import SHIPPED_CONFIG


def shipped() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))


def test_shipped_config_has_coordinates_numbers_and_the_office() -> None:
    config = parse_config(shipped(), environ=False)
    assert all(e.lat is not None and e.lon is not None for e in config.estates)
    assert all(27.9 < (e.lat or 0) < 28.1 and 120.55 < (e.lon or 0) < 120.75 for e in config.estates)
    assert config.emergency.lift_trapped[0].number == "96333"
    assert config.emergency.injury[0].number == "120" and config.emergency.fire[0].number == "119"
    assert config.reports.sla.urgent_accept_minutes == 30
    assert config.community.office is not None and config.community.office.phone


def test_defaults_when_a_community_leaves_them_out() -> None:
    data = shipped()
    for key in ("emergency",):
        data.pop(key)
    data["community"].pop("office")
    data["shelters"][0].pop("open", None)
    config = parse_config(data, environ=False)
    assert config.emergency.gas[0].name == "燃气抢修" and config.community.office is None
    assert config.shelters[0].open is True


@pytest.mark.parametrize(("path", "value", "key"), [
    (("emergency", "fire"), [], "emergency.fire"),
    (("emergency", "fire"), [{"name": "火警", "number": "一一九"}], "emergency.fire.0.number"),
    (("reports", "sla", "urgent_accept_minutes"), 0, "reports.sla.urgent_accept_minutes"),
    (("estates", 0, "lat"), 91, "estates.0.lat"),
])
def test_bad_values_are_named_by_key(path: tuple[Any, ...], value: Any, key: str) -> None:
    data = copy.deepcopy(shipped())
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ConfigError, match=f"^{key.replace('.', r'[.]')}:"):
        parse_config(data, environ=False)
