"""Capacity holds under concurrent bookings, on SQLite and PostgreSQL; one confirmation, one booking."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from bot.app import App
from domain.bookings import Service, SlotProblem, SlotUnavailable, Status
from domain.usecases import bookings as uc
from tests.fixtures import _migrated, app, app_config, clean_env, config_file, database_url  # noqa: F401

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SLOT = datetime(2026, 12, 1, 14, 0, tzinfo=ZONE).astimezone(UTC)  # Tuesday 14:00
BATH = Service(code="bathing", name="助浴", category="care", group="助浴", capacity=2,
               start=time(9), end=time(16))


@pytest.fixture
def db(app: App) -> Iterator[App]:  # noqa: F811
    yield app


def request(user: int, key: str = "") -> uc.Request:
    return uc.Request(service=BATH, start=SLOT, booker_user_id=user, booker_chat_id=user,
                      key=key or f"k{user}", beneficiary="王秀英", relation="母亲")


def book(db: App, req: uc.Request) -> str:
    with db.uow() as uow:
        b = uc.book(uow, req, NOW, ZONE)
        uow.commit()
        return b.number


def test_fifty_concurrent_bookings_for_the_last_place_make_exactly_one(db: App) -> None:
    book(db, request(1))  # one of the two places is gone: one is left
    start = threading.Barrier(50)
    won: list[str] = []
    full: list[SlotProblem] = []
    errors: list[BaseException] = []

    def attempt(user: int) -> None:
        start.wait()
        try:
            won.append(book(db, request(user)))
        except SlotUnavailable as exc:
            full.append(exc.problem)
        except BaseException as exc:
            errors.append(exc)

    # Bring the takers together right before the statement that takes the place, so that a
    # read-then-write would read the same count in all of them (PostgreSQL). SQLite lets one
    # writer in at a time: there the rendezvous gives up after a moment and writers queue.
    at_update = threading.Barrier(50)

    def rendezvous(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE BOOKING_SLOTS"):
            with contextlib.suppress(threading.BrokenBarrierError):
                at_update.wait(timeout=2)

    event.listen(db.engine, "before_cursor_execute", rendezvous)
    threads = [threading.Thread(target=attempt, args=(100 + i,)) for i in range(50)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        event.remove(db.engine, "before_cursor_execute", rendezvous)
    assert errors == []
    assert len(won) == 1 and full == [SlotProblem.FULL] * 49
    with db.uow() as uow:
        booked = uow.bookings.list(service="bathing", statuses=[Status.BOOKED])
        assert len(booked) == 2
        assert uow.bookings.taken("bathing", [SLOT]) == {SLOT: 2}


def test_the_same_confirmation_twice_is_one_booking(db: App) -> None:
    first = book(db, request(7, key="same"))
    assert book(db, request(7, key="same")) == first
    with db.uow() as uow:
        assert len(uow.bookings.list(user_id=7)) == 1
        assert uow.bookings.taken("bathing", [SLOT]) == {SLOT: 1}


def test_a_cancellation_gives_the_place_back(db: App) -> None:
    number = book(db, request(8))
    book(db, request(9))
    with pytest.raises(SlotUnavailable):
        book(db, request(10))
    with db.uow() as uow:
        b = uow.bookings.get(number)
        assert b is not None
        uc.cancel(uow, b, "老人住院了", "user:8", NOW)
        uow.commit()
    assert book(db, request(10)).startswith("YY-20261130-")
