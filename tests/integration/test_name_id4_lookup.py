"""家属代办: a parent found on the roster by name + the last 4 of the ID number, through a keyed hash."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from bot.app import App
from bot.cli.common import backfill_lookups
from domain.usecases.residents import import_roster
from storage.models import ResidentRow
from tests.fixtures import (  # noqa: F401
    _migrated,
    app,
    app_config,
    clean_env,
    config_file,
    database_url,
    id_number,
)

MUM = id_number(date(1944, 8, 9), 321)
TWIN_A, TWIN_B = id_number(date(1950, 1, 2), 11), id_number(date(1951, 3, 4), 7)


def _roster(app: App, rows: list[tuple[str, str, str]]) -> None:  # noqa: F811
    import_roster(app.uow(), [{"姓名": n, "手机号": p, "身份证号": i, "小区": "翠微苑", "幢": "3",
                               "单元": "2", "室": "302", "标签": "老年人"} for n, p, i in rows],
                  app.estate_lookup(), set(app.config.resident_tags))


def _with_tail(year: int, tail: str) -> str:
    """Another valid ID number with the same last 4 (a different birthday in `year`)."""
    days = (date.fromordinal(date(year, 1, 1).toordinal() + n) for n in range(365))
    return next(i for d in days if (i := id_number(d, int(tail[:3])))[-4:] == tail)


def test_name_and_the_last_four_find_the_one_resident(app: App) -> None:  # noqa: F811
    _roster(app, [("王秀英", "13812345678", MUM), ("李桂英", "13812345679", TWIN_A)])
    with app.uow() as uow:
        found = uow.residents.by_name_id4("王秀英", MUM[-4:].lower())
        assert found is not None and found.phone == "13812345678"
        assert uow.residents.by_name_id4("王秀英", TWIN_A[-4:]) is None  # someone else's ending
        assert uow.residents.by_name_id4("王秀", MUM[-4:]) is None
        stored = uow.session.scalar(select(ResidentRow.name_id4_hash).limit(1))  # type: ignore[attr-defined]
        assert stored and MUM[-4:] not in stored and "王秀英" not in stored


def test_two_people_sharing_name_and_ending_match_neither(app: App) -> None:  # noqa: F811
    other = _with_tail(1952, TWIN_A[-4:])
    _roster(app, [("张建国", "13812345670", TWIN_A), ("张建国", "13812345671", other)])
    with app.uow() as uow:
        assert uow.residents.by_name_id4("张建国", TWIN_A[-4:]) is None


def test_rows_written_before_the_column_are_filled_once_the_key_is_there(app: App) -> None:  # noqa: F811
    _roster(app, [("王秀英", "13812345678", MUM), ("李桂英", "13812345679", TWIN_B)])
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE residents SET name_id4_hash = NULL"))  # as after migration 0009
    with app.uow() as uow:
        assert uow.residents.by_name_id4("王秀英", MUM[-4:]) is None
    backfill_lookups(app)
    with app.uow() as uow:
        assert uow.residents.by_name_id4("王秀英", MUM[-4:]) is not None
        assert uow.residents.by_name_id4("李桂英", TWIN_B[-4:]) is not None
        assert uow.residents.backfill_name_id4() == 0  # idempotent: nothing left to fill
