"""The unit of work: all or nothing, nested steps join, events handled before commit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from domain.events import Event, ResidentVerified
from domain.ports import OutboxMessage, UnitOfWork
from domain.residents import Address, Resident
from domain.staff import Staff
from domain.usecases.residents import verify_resident

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def person(phone: str = "13900000001", name: str = "王秀英") -> Resident:
    """A roster resident."""
    return Resident(name=name, phone=phone, address=Address("E1", "3", "2", "302"))


def count(app: App) -> int:
    """How many residents are stored (in a fresh transaction)."""
    with app.uow() as uow:
        return uow.residents.count()


def test_commit_writes_and_leaving_without_commit_discards(app: App) -> None:
    with app.uow() as uow:
        uow.residents.add(person())
        uow.commit()
    with app.uow() as uow:
        uow.residents.add(person("13900000002"))
        # no commit: leaving the block rolls back
    assert count(app) == 1


def test_exception_rolls_everything_back(app: App) -> None:
    with pytest.raises(RuntimeError), app.uow() as uow:
        uow.residents.add(person())
        uow.conversations.store(42, {"form": "report"}, NOW)
        raise RuntimeError("crash between two writes")
    assert count(app) == 0
    with app.uow() as uow:
        assert uow.conversations.load(42) is None


def test_nested_unit_of_work_joins_the_outer_transaction(app: App) -> None:
    """A use case inside a dialogue step commits only when the step does."""
    with app.uow() as uow:
        uow.staff.save(Staff("S99", "测试员", "社工"))
        r = uow.residents.add(person())
        uow.commit()
    assert r.id is not None

    step = app.uow()
    with pytest.raises(RuntimeError), step:
        step.conversations.store(7, {"asked": "confirm"}, NOW)
        verify_resident(step, r.id, "S99")  # commits "inside": only a flush
        assert step.residents.get(r.id).verified  # type: ignore[union-attr]
        raise RuntimeError("the step fails after the use case")
    with app.uow() as uow:
        assert uow.residents.get(r.id).verified is False  # type: ignore[union-attr]
        assert uow.conversations.load(7) is None

    step = app.uow()
    with step:
        step.conversations.store(7, {"asked": "done"}, NOW)
        verify_resident(step, r.id, "S99")
        step.commit()
    with app.uow() as uow:
        assert uow.residents.get(r.id).verified is True  # type: ignore[union-attr]
        loaded = uow.conversations.load(7)
        assert loaded is not None and loaded[0] == {"asked": "done"}


def test_events_reach_on_event_inside_the_transaction(app: App) -> None:
    seen: list[tuple[Event, bool]] = []

    def handler(event: Event, uow: UnitOfWork) -> None:
        assert isinstance(event, ResidentVerified)
        # the change that caused the event is visible; the outbox row joins it
        seen.append((event, uow.residents.get(event.resident_id).verified))  # type: ignore[union-attr]
        uow.outbox.add(OutboxMessage(chat_id=1000, payload={"text": "您已通过核验"},
                                     key=f"verified-{event.resident_id}", created_at=NOW))

    app.on_event = handler
    with app.uow() as uow:
        uow.staff.save(Staff("S99", "测试员", "社工"))
        r = uow.residents.add(person())
        uow.commit()
    assert r.id is not None
    verify_resident(app.uow(), r.id, "S99")
    assert seen == [(ResidentVerified(r.id), True)]
    with app.uow() as uow:
        due = uow.outbox.due(NOW)
    assert [(m.chat_id, m.payload, m.key) for m in due] == [
        (1000, {"text": "您已通过核验"}, f"verified-{r.id}")]


def test_failing_event_handler_leaves_nothing_written(app: App) -> None:
    def handler(event: Event, uow: UnitOfWork) -> None:
        uow.outbox.add(OutboxMessage(chat_id=1, payload={}, key="k", created_at=NOW))
        raise RuntimeError("cannot build the message")

    with app.uow() as uow:
        uow.staff.save(Staff("S99", "测试员", "社工"))
        r = uow.residents.add(person())
        uow.commit()
    app.on_event = handler
    with pytest.raises(RuntimeError):
        verify_resident(app.uow(), r.id, "S99")  # type: ignore[arg-type]
    with app.uow() as uow:
        assert uow.residents.get(r.id).verified is False  # type: ignore[arg-type,union-attr]
        assert uow.outbox.due(NOW) == []


def test_rolled_back_events_are_forgotten(app: App) -> None:
    handled: list[Event] = []
    app.on_event = lambda e, u: handled.append(e)
    with app.uow() as uow:
        uow.publish(ResidentVerified(1))
        uow.rollback()
        uow.commit()
    assert handled == []
