"""Outbox claims on PostgreSQL: workers never share a row or a chat; a dead worker's rows go on."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.events import Reply
from bot.outbox import BULK, NOTICE, enqueue, worker_name
from storage.locks import WORKERS, Leadership

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
LEASE = timedelta(seconds=15)


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """PostgreSQL only: on SQLite there is one process and a claim is simply the due rows."""
    from tests.fixtures import database

    yield from database(request.param, tmp_path)  # type: ignore[arg-type]


class Worker:
    """A worker as the dispatcher is one: a name and the session lock that says it lives."""

    def __init__(self, app: App) -> None:
        key = secrets.randbits(31)
        self.app, self.name = app, worker_name(key)
        self.life = Leadership(app.engine, namespace=WORKERS, key=key)
        assert self.life.try_lead()

    def claim(self, now: datetime = NOW, limit: int = 50) -> list[tuple[int, str]]:
        with self.app.uow() as uow:
            got = uow.outbox.claim(self.name, now, now + LEASE, limit=limit)
            uow.commit()
        return [(m.chat_id, m.payload["text"]) for m in got]


def _queue(app: App, rows: list[tuple[int, str]]) -> None:
    with app.uow() as uow:
        for chat, text in rows:
            enqueue(uow, chat, Reply(text), f"c:{chat}:{text}", NOW, priority=BULK)
        uow.commit()


def test_a_chat_held_by_one_worker_is_left_out_whole_by_another(app: App) -> None:
    _queue(app, [(1, "一号第一条"), (2, "二号第一条"), (1, "一号第二条")])
    a, b = Worker(app), Worker(app)
    assert a.claim(limit=1) == [(1, "一号第一条")]
    # Not 一号第二条: it would overtake the first, which `a` is still sending.
    assert b.claim() == [(2, "二号第一条")]
    assert a.claim() == [(1, "一号第一条"), (1, "一号第二条")]  # its own, and the rest of its chat
    assert b.claim() == [(2, "二号第一条")]  # still its own; nothing of chat 1


def test_a_killed_workers_rows_are_taken_at_once_and_a_live_one_keeps_them_for_its_lease(app: App) -> None:
    _queue(app, [(3, "三号"), (4, "四号")])
    a, b = Worker(app), Worker(app)
    assert a.claim() == [(3, "三号"), (4, "四号")]
    assert b.claim() == []  # alive and within its lease
    assert sorted(b.claim(now=NOW + LEASE + timedelta(seconds=1))) == [(3, "三号"), (4, "四号")]

    with app.uow() as uow:
        enqueue(uow, 5, Reply("五号"), "c:5", NOW, priority=NOTICE)
        uow.commit()
    c = Worker(app)
    assert c.claim() == [(5, "五号")]
    c.life.release()  # kill -9: its connection, and with it its lock, is gone
    assert a.claim() == [(5, "五号")]


def test_rows_left_unsent_are_given_back_and_renewed_while_sending(app: App) -> None:
    _queue(app, [(6, "六号")])
    a, b = Worker(app), Worker(app)
    assert a.claim() == [(6, "六号")]
    later = NOW + LEASE - timedelta(seconds=1)
    with app.uow() as uow:
        assert uow.outbox.renew(a.name, later, later + LEASE) == 1
        uow.commit()
    assert b.claim(now=NOW + LEASE + timedelta(seconds=1)) == []  # renewed: still a's
    with app.uow() as uow:
        assert uow.outbox.release(a.name) == 1
        uow.commit()
    assert b.claim() == [(6, "六号")]
