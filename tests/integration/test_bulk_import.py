"""A roster written in bulk (COPY on PostgreSQL) stores exactly what the row-by-row path stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from domain.residents import Resident
from domain.usecases.residents import import_roster
from storage.models import ResidentRow
from storage.people import SqlResidentRepository
from tests.fixtures import ROSTER_HEADER, roster_rows


def _rows(n: int, start: int = 0) -> list[dict[str, object]]:
    return [dict(zip(ROSTER_HEADER, r, strict=True)) for r in roster_rows(n, start=start)]


def _stored(app: App) -> list[tuple[object, ...]]:
    """Everything a resident's record says, decrypted, in roster order (ids left out)."""
    with app.uow() as uow:
        people = sorted(uow.residents.list(limit=1000), key=lambda r: r.phone or "")
    return [(r.name, r.phone, r.id_number, r.address, r.tags, r.verified, r.source, r.user_id, r.chat_id)
            for r in people]


def _row_by_row(self: SqlResidentRepository, residents: list[Resident]) -> None:
    """How add_many wrote before: one ORM row per resident."""
    for r in residents:
        self.add(r)


def _wipe(app: App) -> None:
    with app.uow() as uow:
        for r in uow.residents.list(limit=1000):
            assert r.id is not None
            uow.residents.delete(r.id)
        uow.commit()


def test_bulk_import_stores_what_the_row_by_row_path_stored(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(60)
    tags = set(app.config.resident_tags)
    estates = app.estate_lookup()
    bulk = import_roster(app.uow(), rows, estates, tags)
    stored_bulk = _stored(app)
    with app.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        stamps = list(session.execute(select(ResidentRow.created_at, ResidentRow.updated_at)))
    _wipe(app)
    monkeypatch.setattr(SqlResidentRepository, "add_many", _row_by_row)
    old = import_roster(app.uow(), rows, estates, tags)
    assert (bulk.created, bulk.updated) == (old.created, old.updated) == (60, 0)
    assert stored_bulk == _stored(app)
    assert any(p[4] for p in stored_bulk)  # tags kept
    assert all(c.tzinfo is not None and u.tzinfo is not None for c, u in stamps)
    assert all(c <= datetime.now(UTC) for c, _ in stamps)


def test_a_bulk_imported_resident_is_found_by_phone_id_number_and_name_and_updated_on_reimport(app: App) -> None:
    rows = _rows(40, start=500)
    tags = set(app.config.resident_tags)
    import_roster(app.uow(), rows, app.estate_lookup(), tags)
    first = rows[7]
    with app.uow() as uow:
        by_phone = uow.residents.by_phone(str(first["手机号"]))
        by_id = uow.residents.by_id_number(str(first["身份证号"]))
        by_name = uow.residents.by_name_id4(str(first["姓名"]), str(first["身份证号"])[-4:])
    assert by_phone is not None and by_id is not None and by_phone.id == by_id.id
    assert by_phone.name == first["姓名"]
    assert by_name is None or by_name.id == by_phone.id  # None only when two share name and ending
    again = import_roster(app.uow(), rows, app.estate_lookup(), tags)
    assert (again.created, again.updated) == (0, 40)
    with app.uow() as uow:
        assert uow.residents.count() == 40
