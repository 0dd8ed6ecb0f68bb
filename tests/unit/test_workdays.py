"""The working-day calendar the app injects into SLA arithmetic: package data, config on top."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.config import ConfigError, load_config
from bot.workdays import package_calendar
from tests.fixtures import make_config_file

SH = ZoneInfo("Asia/Shanghai")
FILED = datetime(2026, 9, 30, 16, 0, tzinfo=SH)


def _app(tmp_path: Path, **office_hours: object) -> App:
    changes = {f"community.office_hours.{k}": v for k, v in office_hours.items()}
    path = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", changes=changes)
    return App(load_config(path))


def test_the_package_knows_2026() -> None:
    holidays, workdays, years = package_calendar()
    assert 2026 in years
    assert date(2026, 10, 1) in holidays and date(2026, 10, 10) in workdays


def test_the_shipped_calendar_puts_the_deadline_after_guoqing(tmp_path: Path, clean_env: object) -> None:
    hours = _app(tmp_path).office_hours
    assert hours.add_working_hours(FILED, 4).astimezone(SH) == datetime(2026, 10, 8, 11, 0, tzinfo=SH)
    assert hours.is_working_day(date(2026, 10, 10))  # the 调休 Saturday


def test_config_dates_override_the_package(tmp_path: Path, clean_env: object) -> None:
    # The office also closes on 10月8日, and works on Sunday 10月4日 (a duty day).
    hours = _app(tmp_path, holidays=["2026-10-08"], workdays=["2026-10-04"]).office_hours
    assert hours.add_working_hours(FILED, 4).astimezone(SH) == datetime(2026, 10, 4, 11, 0, tzinfo=SH)
    assert not hours.is_working_day(date(2026, 10, 8))


def test_without_the_package_config_alone_decides(tmp_path: Path, clean_env: object) -> None:
    hours = _app(tmp_path, chinese_calendar=False, holidays=["2026-10-01", "2026-10-02"]).office_hours
    assert hours.add_working_hours(FILED, 4).astimezone(SH) == datetime(2026, 10, 5, 11, 0, tzinfo=SH)


def test_a_day_cannot_be_both(tmp_path: Path, clean_env: object) -> None:
    with pytest.raises(ConfigError, match="office_hours"):
        _app(tmp_path, holidays=["2026-10-08"], workdays=["2026-10-08"])
