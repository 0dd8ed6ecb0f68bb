"""The service catalogue from config: settings resolved item → group → defaults, checked."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, parse_config
from tests.fixtures import SHIPPED_CONFIG


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    return data


def test_each_service_takes_its_group_then_the_defaults() -> None:
    services = {s.code: s for s in parse_config(shipped(), environ=False).catalogue()}
    bath = services["bathing"]
    assert (bath.price, bath.subsidy, bath.duration) == (60, "居家养老服务补贴", 60)
    assert (bath.start, bath.end, bath.capacity) == (time(9), time(16), 1)
    assert bath.provider_chat == -1002000000031 and bath.prepare == ("换洗衣物", "毛巾")
    assert services["hukou_replace"].prepare == ("身份证",) and services["hukou_replace"].price == 0
    assert services["care_bed"].place != "上门" and 6 in services["care_bed"].weekdays


def test_a_duplicate_service_code_is_refused() -> None:
    data = shipped()
    data["services"]["care"][0]["items"][0]["code"] = "bathing"
    with pytest.raises(ConfigError, match="services: duplicate code 'bathing'"):
        parse_config(data, environ=False)


def test_hours_too_short_for_one_visit_are_refused() -> None:
    data = shipped()
    data["services"]["care"][0].update(start="09:00", end="10:00", duration_minutes=120)
    with pytest.raises(ConfigError, match="its hours hold no slot"):
        parse_config(data, environ=False)
