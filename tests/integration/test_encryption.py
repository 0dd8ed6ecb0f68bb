"""Personal data at rest: nothing readable in the database, lookups through keyed hashes."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.app import App
from bot.config import load_config
from domain.ports import OutboxMessage
from domain.reports import Kind, Report
from domain.residents import Address
from domain.usecases.residents import bind_contact, import_roster
from storage import migrate
from tests.fixtures import id_number, make_config_file, roster_rows, run_cli

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
NAME, PHONE, ROOM = "欧阳秀英", "13957712345", "QZ97"
ID = id_number(date(1944, 8, 9), 321)
CHAT_PHONE = "15857788990"
SECRETS = [NAME, PHONE, ID, ROOM, CHAT_PHONE, "谢阿婆"]


def fill(app: App) -> None:
    """Import residents, bind chat users, file a report, queue a message, keep a dialogue."""
    rows = [dict(zip(["姓名", "手机号", "身份证号", "小区", "幢", "单元", "室", "标签"], r,
                     strict=True)) for r in roster_rows(50)]
    rows.append({"姓名": NAME, "手机号": PHONE, "身份证号": ID, "小区": "翠微苑", "幢": "3",
                 "单元": "2", "室": ROOM, "标签": "老年人,独居"})
    import_roster(app.uow(), rows, app.estate_lookup(), set(app.config.resident_tags))
    me = bind_contact(app.uow(), 501, 501, PHONE, 501, "秀英")
    bind_contact(app.uow(), 502, 502, CHAT_PHONE, 502, "谢阿婆")
    with app.uow() as uow:
        number = uow.reports.next_number("BS", NOW)
        uow.reports.add(Report(
            number=number, kind=Kind.REPAIR, category="lighting",
            description=f"{ROOM}门口灯坏了，电话{PHONE}", resident_id=me.id, chat_id=501,
            grid="G1", address=Address("E1", "3", "2", ROOM), created_at=NOW))
        uow.outbox.add(OutboxMessage(chat_id=-100, created_at=NOW, key="x",
                                     payload={"text": f"{NAME} {PHONE} 报修"}))
        uow.conversations.store(501, {"slots": {"phone": PHONE, "room": ROOM}}, NOW)
        uow.commit()


def stored_bytes(app: App) -> bytes:
    """Everything the database holds, as raw bytes (SQLite file + WAL, or a PG dump)."""
    url = make_url(app.engine.url)
    if url.get_backend_name() == "sqlite":
        with app.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        app.close()
        db = Path(url.database or "")
        files = [db, Path(f"{db}-wal"), Path(f"{db}-journal")]
        data = b"".join(p.read_bytes() for p in files if p.exists())
        assert len(data) > 10_000
        return data
    chunks = []
    with app.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t'))
            chunks += [str(v) for v in rows.scalars()]
    return "\n".join(chunks).encode("utf-8")


def test_no_personal_data_in_clear(app: App) -> None:
    fill(app)
    with app.uow() as uow:  # the data is really there, and readable with the key
        r = uow.residents.by_phone(PHONE)
        assert r is not None and (r.name, r.id_number, r.address.room) == (NAME, ID, ROOM)
    raw = stored_bytes(app)
    for secret in [*SECRETS, *(row[1] for row in roster_rows(50)),
                   *(row[0] for row in roster_rows(50))]:
        assert secret.encode("utf-8") not in raw, secret
        assert secret.encode("gb18030") not in raw, secret


def test_lookups_by_phone_and_id_go_through_the_keyed_hash(app: App) -> None:
    fill(app)
    with app.uow() as uow:
        by_phone = uow.residents.by_phone(PHONE)
        by_id = uow.residents.by_id_number(ID)
        assert by_phone is not None and by_id is not None and by_phone.id == by_id.id
        assert by_phone.user_id == 501 and by_phone.verified
        assert uow.residents.by_phone("13000000000") is None
        row = uow.session.execute(text(
            "SELECT phone_hash, id_hash FROM residents WHERE id = :id"), {"id": by_id.id}).one()
    assert row.phone_hash == app.crypto.lookup_hash(PHONE) != PHONE
    assert row.id_hash == app.crypto.lookup_hash(ID) and len(row.id_hash) == 64


def test_another_key_cannot_read_or_find(app: App) -> None:
    fill(app)
    other = App(app.config.model_copy(update={"secret_key": "a-completely-different-key-123"}))
    try:
        with other.uow() as uow:
            assert uow.residents.by_phone(PHONE) is None
            assert uow.residents.by_id_number(ID) is None
            some = uow.session.execute(text("SELECT min(id) FROM residents")).scalar_one()
            with pytest.raises(InvalidTag):
                uow.residents.get(some)
    finally:
        other.close()


def test_sqlite_without_a_key_makes_a_private_key_file(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.delenv("CUNSHE_SECRET_KEY")
    cfg = load_config(make_config_file(tmp_path, f"sqlite:///{tmp_path / 'var' / 'c.db'}"))
    first = App(cfg)
    migrate.upgrade(first.engine)
    bind_contact(first.uow(), 9, 9, PHONE, 9)
    first.close()
    key = tmp_path / "var" / "secret.key"
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    second = App(cfg)  # a restart reads the same key
    with second.uow() as uow:
        got = uow.residents.by_user(9)
        assert got is not None and got.phone == PHONE
    second.close()


def test_a_different_key_is_refused_at_start_with_one_line(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'k.db'}")
    assert run_cli("--config", config, "db", "upgrade").code == 0
    assert run_cli("--config", config, "staff", "list").code == 0  # first start stores the check
    clean_env.setenv("CUNSHE_SECRET_KEY", "another-key-0123456789abcdef")
    refused = run_cli("--config", config, "staff", "list")
    assert refused.code == 2
    assert refused.err.count("\n") == 1 and "secret_key" in refused.err and "Traceback" not in refused.err
