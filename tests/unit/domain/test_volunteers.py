"""Volunteer rules without a database: free times, matching, places, who may post."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.errors import NotVerifiedResident, StaffOnly
from domain.residents import Address, Resident
from domain.staff import Staff
from domain.usecases import volunteers as uc
from domain.volunteers import Task, TaskClosed, TaskFull, Volunteer, month_bounds, slot_of
from tests.support.fakes import FakeUnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(("at", "slot"), [
    (local(2026, 12, 2, 9), "wdd"), (local(2026, 12, 2, 19), "wde"), (local(2026, 12, 5, 9), "wem"),
    (local(2026, 12, 6, 15), "wea"), (local(2026, 12, 6, 20), None), (local(2026, 12, 2, 23), None),
])
def test_free_time_slots_are_read_in_shanghai_time(at: datetime, slot: str | None) -> None:
    assert slot_of(at, ZONE) == slot


def test_a_task_is_offered_on_skill_and_free_time() -> None:
    v = Volunteer(resident_id=1, user_id=1, chat_id=1, skills=["陪伴老人"], times=["wem"])
    saturday = Task(title="t", start=local(2026, 12, 5, 9), hours=2, capacity=1, posted_by="S")
    assert saturday.fits(v, ZONE)
    assert not Task(title="t", start=local(2026, 12, 2, 9), hours=2, capacity=1, posted_by="S").fits(v, ZONE)
    assert not Task(title="t", start=local(2026, 12, 5, 9), hours=2, capacity=1, posted_by="S",
                    skill="维修").fits(v, ZONE)
    # A weekend evening is in no listed time: offered on skill alone.
    assert Task(title="t", start=local(2026, 12, 5, 20), hours=2, capacity=1, posted_by="S").fits(v, ZONE)
    v.active = False
    assert not saturday.fits(v, ZONE)


def test_month_bounds_are_local_months() -> None:
    assert month_bounds("2026-12", ZONE) == (datetime(2026, 12, 1, tzinfo=ZONE), datetime(2027, 1, 1, tzinfo=ZONE))
    with pytest.raises(ValueError):
        month_bounds("2026-13", ZONE)


def setup() -> tuple[FakeUnitOfWork, list[int]]:
    uow = FakeUnitOfWork()
    uow.staff.save(Staff(code="S02", name="林", role="网格员", user_id=2, grids=["G1"]))
    uow.staff.save(Staff(code="S03", name="王", role="网格员", user_id=3, grids=["G2"]))
    ids = []
    for i in range(3):
        r = uow.residents.add(Resident(name=f"v{i}", phone=None, address=Address("E1"), verified=True,
                                       user_id=100 + i, chat_id=100 + i))
        uc.sign_up(uow, r, ["巡逻"], ["wem"], NOW)
        ids.append(r.id or 0)
    return uow, ids


def test_places_withdrawal_and_the_start() -> None:
    uow, (a, b, _) = setup()
    task = Task(title="巡逻", start=local(2026, 12, 5, 9), hours=2, capacity=1, posted_by="", grid="G1")
    assert len(uc.post_task(uow, task, 2, NOW, ZONE)) == 3
    assert uc.take(uow, 1, a, NOW)[1] is True
    assert uc.take(uow, 1, a, NOW)[1] is False  # again: still one place
    with pytest.raises(TaskFull):
        uc.take(uow, 1, b, NOW)
    uc.withdraw(uow, 1, a, NOW)
    assert uc.take(uow, 1, b, NOW)[1] is True
    with pytest.raises(TaskClosed):
        uc.withdraw(uow, 1, b, task.start)


def test_only_verified_residents_sign_up_and_only_the_grids_staff_post() -> None:
    uow, _ = setup()
    stranger = uow.residents.add(Resident(name="x", phone=None, verified=False, user_id=9, chat_id=9))
    with pytest.raises(NotVerifiedResident):
        uc.sign_up(uow, stranger, ["巡逻"], ["wem"], NOW)
    task = Task(title="巡逻", start=local(2026, 12, 5, 9), hours=2, capacity=1, posted_by="", grid="G1")
    with pytest.raises(StaffOnly):
        uc.post_task(uow, task, 3, NOW, ZONE)  # 王 serves G2
    with pytest.raises(StaffOnly):
        uc.post_task(uow, Task(title="t", start=task.start, hours=1, capacity=1, posted_by=""), 2, NOW, ZONE)
