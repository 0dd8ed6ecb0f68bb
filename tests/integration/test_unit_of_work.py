"""The unit of work's contract, run on the in-memory fake and on SqlUnitOfWork (SQLite, PostgreSQL).

All or nothing; a nested step joins the outer one; events are handled at commit, inside it.
The fake that unit tests use must pass exactly what the real one passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from domain.events import Event, ResidentVerified
from domain.ports import OutboxMessage, UnitOfWork
from domain.residents import Address, Resident
from domain.staff import Staff
from domain.usecases.residents import verify_resident
from tests.fixtures import database
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
Handler = Callable[[Event, UnitOfWork], None]


@dataclass
class Store:
    """A unit-of-work factory and a way to set its event handler."""

    uow: Callable[[], UnitOfWork]
    handle: Callable[[Handler], None]


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The shared fixture's databases, plus "fake" for the in-memory unit of work."""
    if request.param == "fake":
        yield "fake"
    else:
        yield from database(request.param, tmp_path)


@pytest.fixture
def store(request: pytest.FixtureRequest, database_url: str) -> Store:
    """The fake, or the App's SqlUnitOfWork on a migrated database."""
    if database_url == "fake":
        fake = FakeUnitOfWork()
        return Store(lambda: fake, lambda h: setattr(fake, "on_event", h))
    app: App = request.getfixturevalue("app")
    return Store(app.uow, lambda h: setattr(app, "on_event", h))


def person(phone: str = "13900000001") -> Resident:
    """A roster resident."""
    return Resident(name="王秀英", phone=phone, address=Address("E1", "3", "2", "302"))


def residents(store: Store) -> list[str]:
    """The phones stored, read in a fresh unit of work."""
    with store.uow() as uow:
        return sorted(r.phone for r in uow.residents.list())


def seeded(store: Store) -> int:
    """One staff member and one unverified resident, committed; the resident's id."""
    with store.uow() as uow:
        uow.staff.save(Staff("S99", "测试员", "社工"))
        r = uow.residents.add(person())
        uow.commit()
    assert r.id is not None
    return r.id


def test_commit_keeps_and_leaving_without_commit_discards(store: Store) -> None:
    with store.uow() as uow:
        uow.residents.add(person())
        uow.commit()
    with store.uow() as uow:
        uow.residents.add(person("13900000002"))
    assert residents(store) == ["13900000001"]


def test_rollback_discards_every_change_since_the_last_commit(store: Store) -> None:
    rid = seeded(store)
    with store.uow() as uow:
        uow.residents.add(person("13900000002"))
        uow.conversations.store(42, {"form": "report"}, NOW)
        uow.outbox.add(OutboxMessage(chat_id=42, payload={"text": "您好"}, key="k1", created_at=NOW))
        changed = uow.residents.get(rid)
        assert changed is not None
        changed.verified = True
        uow.residents.save(changed)
        uow.rollback()
        uow.commit()  # nothing left to commit
    with store.uow() as uow:
        assert uow.conversations.load(42) is None
        assert uow.outbox.due(NOW) == []
        assert uow.residents.get(rid).verified is False  # type: ignore[union-attr]
    assert residents(store) == ["13900000001"]


def test_an_exception_rolls_everything_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.uow() as uow:
        uow.residents.add(person())
        uow.conversations.store(42, {"form": "report"}, NOW)
        raise RuntimeError("crash between two writes")
    assert residents(store) == []
    with store.uow() as uow:
        assert uow.conversations.load(42) is None


def test_a_nested_unit_of_work_joins_the_outer_one(store: Store) -> None:
    rid = seeded(store)
    step = store.uow()
    with pytest.raises(RuntimeError), step:
        step.conversations.store(7, {"asked": "confirm"}, NOW)
        verify_resident(step, rid, "S99")  # commits "inside": the outer one decides
        assert step.residents.get(rid).verified  # type: ignore[union-attr]
        raise RuntimeError("the step fails after the use case")
    with store.uow() as uow:
        assert uow.residents.get(rid).verified is False  # type: ignore[union-attr]
        assert uow.conversations.load(7) is None

    step = store.uow()
    with step:
        step.conversations.store(7, {"asked": "done"}, NOW)
        verify_resident(step, rid, "S99")
        step.commit()
    with store.uow() as uow:
        assert uow.residents.get(rid).verified is True  # type: ignore[union-attr]
        assert uow.conversations.load(7) == ({"asked": "done"}, NOW)


def test_events_reach_the_handler_at_commit_only(store: Store) -> None:
    handled: list[Event] = []

    def handler(event: Event, uow: UnitOfWork) -> None:
        handled.append(event)
        uow.outbox.add(OutboxMessage(chat_id=1000, payload={"text": "您已通过核验"}, key="v", created_at=NOW))

    store.handle(handler)
    with store.uow() as uow:
        uow.publish(ResidentVerified(1))
        assert handled == []  # published, not yet handled
        uow.commit()
        assert handled == [ResidentVerified(1)]
    with store.uow() as uow:  # the handler's write was committed with the event
        assert [m.key for m in uow.outbox.due(NOW)] == ["v"]


def test_rolled_back_events_are_never_handled(store: Store) -> None:
    handled: list[Event] = []
    store.handle(lambda e, _u: handled.append(e))
    with store.uow() as uow:
        uow.publish(ResidentVerified(1))
        uow.rollback()
        uow.commit()
    with store.uow() as uow:
        uow.publish(ResidentVerified(2))  # left without commit
    assert handled == []


def test_a_failing_handler_leaves_nothing_written(store: Store) -> None:
    rid = seeded(store)

    def handler(event: Event, uow: UnitOfWork) -> None:
        uow.outbox.add(OutboxMessage(chat_id=1, payload={}, key="k", created_at=NOW))
        raise RuntimeError("cannot build the message")

    store.handle(handler)
    with pytest.raises(RuntimeError):
        verify_resident(store.uow(), rid, "S99")
    with store.uow() as uow:
        assert uow.residents.get(rid).verified is False  # type: ignore[union-attr]
        assert uow.outbox.due(NOW) == []
