"""city_staff in config.yaml: each level's rules, clashes with community staff, never in a community file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.communities import entry_of
from bot.config import ConfigError, parse_config
from tests.fixtures import SHIPPED_CONFIG


def _config(city_staff: list[dict[str, Any]]) -> Any:
    data = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["city_staff"] = city_staff
    return parse_config(data, environ=False)


def test_each_level_is_read_with_its_reach_and_whether_it_only_looks() -> None:
    config = _config([
        {"code": "NBX01", "name": "李主任", "level": "街道", "reach": "南白象街道", "user_id": 1, "role": "书记"},
        {"code": "WZ01", "name": "赵处长", "level": "市", "user_id": 2},
        {"code": "WZ02", "name": "钱科员", "level": "市", "user_id": 3, "role": "社工"},
        {"code": "OH01", "name": "王科长", "level": "区", "reach": "瓯海区", "read_only": True},
    ])
    assert [(s.code, s.level, s.reach, s.view_only) for s in config.city_staff] == [
        ("NBX01", "街道", "南白象街道", False), ("WZ01", "市", "", True), ("WZ02", "市", "", False),
        ("OH01", "区", "瓯海区", True)]


@pytest.mark.parametrize(("entry", "says"), [
    ({"level": "街道", "role": "书记"}, "city_staff.0.reach"),
    ({"level": "市", "reach": "瓯海区"}, "city_staff.0.reach"),
    ({"level": "街道", "reach": "南白象街道"}, "city_staff.0.role"),
    ({"level": "镇", "reach": "南白象街道", "role": "书记"}, "city_staff.0.level"),
    ({"level": "市", "code": "S01"}, "city_staff.0.code"),
    ({"level": "市", "user_id": 700000001}, "city_staff.0.user_id"),
])
def test_a_wrong_entry_is_named_in_one_line(entry: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says.replace(".", r"\.")):
        _config([{"code": "X01", "name": "某人", **entry}])


def test_a_community_file_may_not_declare_city_staff() -> None:
    with pytest.raises(ConfigError, match="city_staff: a deployment-wide setting"):
        entry_of(Path("x.yaml"), {"code": "x", "name": "某社区", "city_staff": []})
