"""`cunshe bookings`: staff add a booking at the office, list it, mark it, and see the month."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import App
from domain.usecases.staff import sync_staff
from tests.fixtures import clean_env, run_cli, sqlite_app, sqlite_config_file  # noqa: F401

ZONE = ZoneInfo("Asia/Shanghai")


def next_weekday_at_two() -> datetime:
    """A bookable 14:00 (a working day, beyond the minimum notice), in local time."""
    day = datetime.now(ZONE).date() + timedelta(days=2)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 14, 0)


def test_office_booking_listed_marked_done_and_counted(sqlite_app: App, sqlite_config_file: Path) -> None:  # noqa: F811
    sync_staff(sqlite_app.uow(), sqlite_app.declared_staff())
    cli = ("--config", sqlite_config_file, "bookings")
    at = next_weekday_at_two()
    added = run_cli(*cli, "add", "--service", "bathing", "--at", at.isoformat(), "--name", "王秀英",
                    "--phone", "13812345678", "--staff", "S08")
    assert added.code == 0, added.err
    number = added.out.split()[0]
    assert number.startswith("YY-")
    full = run_cli(*cli, "add", "--service", "bathing", "--at", at.isoformat(), "--name", "李大爷",
                   "--phone", "13900001111", "--staff", "S08")
    assert full.code != 0 and "full" in full.err  # one place per slot
    listed = json.loads(run_cli(*cli, "list", "--date", at.date().isoformat(), "--json").out)
    assert [b["number"] for b in listed] == [number] and listed[0]["phone"] == "138****5678"
    assert run_cli(*cli, "done", number, "--staff", "NOPE").code != 0
    done = run_cli(*cli, "done", number, "--staff", "S08", "--note", "老人很配合")
    assert done.code == 0 and "已上门" in done.out
    shown = json.loads(run_cli(*cli, "show", number, "--json").out)
    assert shown["status"] == "done" and shown["staff_note"] == "老人很配合"
    month = run_cli(*cli, "quality", "--month", f"{at:%Y-%m}", "--json")
    [row] = json.loads(month.out)
    assert (row["service"], row["visits"], row["no_shows"], row["complaints"]) == ("bathing", 1, 0, 0)
