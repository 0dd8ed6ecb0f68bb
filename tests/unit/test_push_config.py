"""`pushes` in config: cron schedules checked at load (policy, tags, estates, cron)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.fixtures import make_config_file


def load_with(tmp_path: Path, schedule: dict[str, object]) -> object:
    path = make_config_file(tmp_path, "sqlite://", changes={"pushes": {"schedules": [schedule]}})
    return load_config(path, environ=False)


def test_a_cron_push_is_loaded_with_its_targets(tmp_path: Path) -> None:
    config = load_with(tmp_path, {"cron": "0 9 * * 1", "policy": "old_age",
                                  "targets": {"tags": ["老年人"], "min_age": 80}})
    (job,) = config.pushes.schedules  # type: ignore[attr-defined]
    assert job.policy == "old_age" and job.targets.min_age == 80


@pytest.mark.parametrize(("schedule", "message"), [
    ({"cron": "0 9 * * 1", "policy": "nope"}, "unknown policy"),
    ({"cron": "0 9 * * 1", "policy": "dibao", "targets": {"tags": ["富豪"]}}, "unknown tag"),
    ({"cron": "0 9 * * 1", "policy": "dibao", "targets": {"estates": ["X9"]}}, "unknown estate"),
    ({"cron": "9am mondays", "policy": "dibao"}, "cron"),
    ({"cron": "0 9 * * 1", "title": "只有标题"}, "policy code, or a title and a text"),
])
def test_a_wrong_cron_push_is_refused_at_load(tmp_path: Path, schedule: dict[str, object],
                                              message: str) -> None:
    with pytest.raises((ConfigError, ValueError), match=message):
        load_with(tmp_path, schedule)


@pytest.mark.parametrize(("cron", "weekday"), [
    ("0 9 * * 1", "Mon"), ("0 9 * * 0", "Sun"), ("0 9 * * 7", "Sun"), ("0 9 * * 6", "Sat"),
    ("0 9 * * 0-2", "Sun"),
])
def test_cron_weekdays_count_from_sunday_as_in_crontab(cron: str, weekday: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger

    from bot.config import cron_fields

    zone = ZoneInfo("Asia/Shanghai")
    saturday_noon = datetime(2026, 11, 28, 12, 0, tzinfo=zone)
    first = CronTrigger(**cron_fields(cron), timezone=zone).get_next_fire_time(None, saturday_noon)
    assert first is not None and first.strftime("%a %H:%M") == f"{weekday} 09:00"
