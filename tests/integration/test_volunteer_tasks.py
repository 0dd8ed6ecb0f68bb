"""Volunteer task places under concurrency (SQLite and PostgreSQL), withdrawal, the hours tally."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from bot import texts
from bot.app import App
from domain.residents import Address, Resident
from domain.usecases import volunteers as uc
from domain.usecases.staff import sync_staff
from domain.volunteers import Signup, Task, TaskFull
from tests.fixtures import app, app_config, clean_env, config_file, database_url, run_cli  # noqa: F401

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SATURDAY_9 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # Saturday 09:00 in Shanghai
TAKERS = 20


@pytest.fixture
def db(app: App) -> Iterator[App]:  # noqa: F811
    sync_staff(app.uow(), app.declared_staff())
    with app.uow() as uow:
        for i in range(TAKERS):
            r = uow.residents.add(Resident(name=f"志愿者{i}", phone=f"1380000{i:04d}", verified=True,
                                           address=Address("E1", "1", "1", f"{101 + i}"),
                                           user_id=5000 + i, chat_id=5000 + i))
            uc.sign_up(uow, r, ["陪伴老人"], ["wem"], NOW)
        uow.commit()
    yield app


def resident_ids(db: App) -> list[int]:
    with db.uow() as uow:
        return [v.resident_id for v in uow.volunteers.active()]


def post(db: App, capacity: int, start: datetime = SATURDAY_9) -> int:
    with db.uow() as uow:
        task = Task(title="陪独居老人聊天", start=start, hours=2, capacity=capacity, posted_by="",
                    skill="陪伴老人", estate="E1", grid="G1")
        offered = uc.post_task(uow, task, "S02", NOW, db.zone)
        uow.commit()
    assert len(offered) == TAKERS  # skill and Saturday morning fit every volunteer here
    assert task.id is not None
    return task.id


def take(db: App, task_id: int, resident_id: int) -> bool:
    with db.uow() as uow:
        _, new = uc.take(uow, task_id, resident_id, NOW)
        uow.commit()
        return new


def race(db: App, task_id: int, people: list[int]) -> tuple[list[int], int, list[BaseException]]:
    """Everyone presses 我来 at once; the takers meet right before the UPDATE that takes a place."""
    start, at_update = threading.Barrier(len(people)), threading.Barrier(len(people))
    won: list[int] = []
    full: list[int] = []
    errors: list[BaseException] = []

    def attempt(rid: int) -> None:
        start.wait()
        try:
            if take(db, task_id, rid):
                won.append(rid)
        except TaskFull:
            full.append(rid)
        except BaseException as exc:
            errors.append(exc)

    def rendezvous(conn: object, cursor: object, statement: str, *rest: object) -> None:
        # A read-then-write would read the same count in every taker here (PostgreSQL); SQLite
        # lets one writer in at a time, so there the rendezvous gives up after a moment.
        if statement.lstrip().upper().startswith("UPDATE VOLUNTEER_TASKS"):
            with contextlib.suppress(threading.BrokenBarrierError):
                at_update.wait(timeout=2)

    event.listen(db.engine, "before_cursor_execute", rendezvous)
    threads = [threading.Thread(target=attempt, args=(rid,)) for rid in people]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        event.remove(db.engine, "before_cursor_execute", rendezvous)
    return won, len(full), errors


def test_two_volunteers_pressing_for_the_last_place_one_gets_it(db: App) -> None:
    ids = resident_ids(db)
    task_id = post(db, capacity=2)
    assert take(db, task_id, ids[0])
    won, full, errors = race(db, task_id, ids[1:3])
    assert errors == [] and len(won) == 1 and full == 1
    with db.uow() as uow:
        task = uow.volunteers.get_task(task_id)
        assert task is not None and task.taken == 2
        assert len(uow.volunteers.signups(task_id)) == 2


def test_many_volunteers_at_once_never_exceed_the_places(db: App) -> None:
    ids = resident_ids(db)
    task_id = post(db, capacity=3)
    won, full, errors = race(db, task_id, ids)
    assert errors == [] and len(won) == 3 and full == TAKERS - 3
    with db.uow() as uow:
        assert sorted(s.resident_id for s in uow.volunteers.signups(task_id)) == sorted(won)


def test_the_same_volunteer_pressing_twice_at_once_takes_one_place(db: App) -> None:
    ids = resident_ids(db)
    task_id = post(db, capacity=3)
    won, full, errors = race(db, task_id, [ids[0]] * 4)
    assert errors == [] and won == [ids[0]] and full == 0
    with db.uow() as uow:
        task = uow.volunteers.get_task(task_id)
        assert task is not None and task.taken == 1


def test_withdrawing_reopens_the_place(db: App) -> None:
    a, b, c = resident_ids(db)[:3]
    task_id = post(db, capacity=2)
    assert take(db, task_id, a) and take(db, task_id, b)
    with pytest.raises(TaskFull):
        take(db, task_id, c)
    with db.uow() as uow:
        uc.withdraw(uow, task_id, a, NOW)
        uow.commit()
    assert take(db, task_id, c)
    with db.uow() as uow:
        assert sorted(s.resident_id for s in uow.volunteers.signups(task_id)) == sorted([b, c])
    with pytest.raises(TaskFull):  # full again: the place went to the next volunteer
        take(db, task_id, a)


def test_hours_cli_tallies_attended_tasks_of_the_month(db: App, config_file: Path) -> None:  # noqa: F811
    a, b, c = resident_ids(db)[:3]
    first, second = datetime(2026, 11, 3, 1, 0, tzinfo=UTC), datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    with db.uow() as uow:
        tasks = []
        for start, hours in ((first, 2.0), (second, 1.5), (datetime(2026, 12, 1, 1, 0, tzinfo=UTC), 3.0)):
            task = Task(title="巡逻", start=start, hours=hours, capacity=5, posted_by="S02", grid="G1",
                        taken=3, created_at=start - timedelta(days=1))
            uow.volunteers.add_task(task)
            tasks.append(task)
        marks = {(0, a): True, (0, b): True, (0, c): False, (1, a): True, (2, a): True}
        for (i, rid), present in marks.items():
            uow.volunteers.save_signup(Signup(task_id=tasks[i].id or 0, resident_id=rid, at=first,
                                              attended=present))
        uow.commit()
    out = run_cli("--config", config_file, "volunteers", "hours", "--month", "2026-11")
    assert out.code == 0, out.err
    lines = out.out.splitlines()
    assert lines[1].split() == [str(a), "志愿者0", "2", "3.5"]
    assert lines[2].split() == [str(b), "志愿者1", "1", "2"]
    assert lines[-1] == "合计：2位志愿者，5.5小时"
    as_json = run_cli("--config", config_file, "volunteers", "hours", "--month", "2026-12", "--json")
    assert '"total_hours": 3.0' in as_json.out


def test_cli_posts_a_task_to_the_volunteers_it_fits_and_attendance_waits_for_the_start(
        db: App, config_file: Path) -> None:  # noqa: F811
    from tests.support.chat import queued

    args = ["--config", config_file, "volunteers", "task", "add", "--title", "陪老人下棋",
            "--when", "2027-01-09 09:00", "--hours", "2", "--capacity", "3", "--estate", "翠微苑"]
    added = run_cli(*args, "--skill", "陪伴老人", "--staff", "S02")
    assert added.code == 0 and f"已发给{TAKERS}位志愿者" in added.out, added.err
    offer = queued(db, 5000)
    assert len(offer) == 1 and "陪老人下棋" in offer[0].text and "1月9日（周六）上午9:00" in offer[0].text
    assert run_cli(*args, "--skill", "巡逻").out.strip().endswith("已发给0位志愿者")
    other_grid = run_cli(*args, "--staff", "S03")  # 王建华 serves G2, 翠微苑 is in G1
    assert other_grid.code == 1 and "只有负责这个网格" in other_grid.err
    rid = resident_ids(db)[0]
    assert take(db, 1, rid)
    early = run_cli("--config", config_file, "volunteers", "attend", "1", "--resident", str(rid))
    assert early.code == 1 and texts.VOL_TOO_EARLY in early.err
    shown = run_cli("--config", config_file, "volunteers", "task", "show", "1")
    assert "志愿者0" in shown.out and "未登记" in shown.out
