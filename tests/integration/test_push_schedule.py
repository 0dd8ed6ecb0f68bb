"""Scheduled pushes live in the persistent job store: a restart keeps them, a missed run fires once
within its grace time and not after it (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.background import BackgroundScheduler

from bot import jobs
from bot.app import App
from bot.config import Pushes, PushSchedule
from tests.integration.test_pushes import add_residents

SPEC: dict[str, Any] = {"policy": "relief", "targets": {"tags": ["老年人"]}}


def stopped_scheduler(app: App) -> Any:
    """The job store as the bot left it (or as `cunshe pushes send --at` writes it)."""
    return jobs.job_store(app)


def restart(app: App, prepare: Any = None) -> list[JobEvent]:
    """A new scheduler on the same database; returns the first outcome of a push job."""
    s = jobs.configure_scheduler(app, BackgroundScheduler())
    outcomes: list[JobEvent] = []
    done = threading.Event()

    def seen(event: JobEvent) -> None:
        if event.job_id.startswith("push"):
            s.pause()  # no later, legitimate run is counted
            outcomes.append(event)
            done.set()

    s.add_listener(seen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    s.start(paused=True)
    if prepare is not None:
        prepare(s)
    s.resume()
    try:
        assert done.wait(60), "the scheduler did not handle the push job"
        with s._jobstores_lock:  # its processing round (removing a one-off job) is over
            pass
    finally:
        s.shutdown()
    return outcomes


def pushes_made(app: App) -> list[Any]:
    with app.uow() as uow:
        return uow.pushes.list()


def test_a_scheduled_push_survives_a_restart(app: App) -> None:
    at = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    first = stopped_scheduler(app)
    job_id = jobs.schedule_push(app, first, SPEC, at)
    first.shutdown()
    again = stopped_scheduler(app)  # the bot started anew on the same database
    try:
        job = again.get_job(job_id)
        assert job is not None and job.next_run_time == at and job.kwargs == {"spec": SPEC}
    finally:
        again.shutdown()


def test_a_run_missed_while_down_fires_once_within_its_grace(app: App) -> None:
    add_residents(app)
    first = stopped_scheduler(app)
    job_id = jobs.schedule_push(app, first, SPEC, datetime.now(UTC) - timedelta(minutes=10))
    first.shutdown()  # down when it was due
    (outcome,) = restart(app)
    assert outcome.code == EVENT_JOB_EXECUTED, outcome
    (push,) = pushes_made(app)
    assert (push.kind, push.started_by, push.total) == ("policy", None, 1)  # 王秀英, 老年人 verified
    again = stopped_scheduler(app)
    try:
        assert again.get_job(job_id) is None  # a one-off push runs once
    finally:
        again.shutdown()


def test_a_run_missed_beyond_its_grace_does_not_fire(app: App) -> None:
    add_residents(app)
    app.config = app.config.model_copy(update={"pushes": Pushes(misfire_grace_seconds=60)})
    first = stopped_scheduler(app)
    jobs.schedule_push(app, first, SPEC, datetime.now(UTC) - timedelta(minutes=10))
    first.shutdown()
    (outcome,) = restart(app)
    assert outcome.code == EVENT_JOB_MISSED
    assert pushes_made(app) == []


def test_config_cron_pushes_missed_several_times_fire_once_after_a_restart(app: App) -> None:
    add_residents(app)
    every_minute = PushSchedule(cron="* * * * *", policy="relief", topic="政策")
    app.config = app.config.model_copy(update={"pushes": Pushes(schedules=[every_minute])})
    first = stopped_scheduler(app)
    assert jobs.add_cron_pushes(app, first) == 1
    # The bot went down five runs ago.
    first.modify_job("push-cron:0", next_run_time=datetime.now(UTC) - timedelta(minutes=5))
    first.shutdown()
    (outcome,) = restart(app, prepare=lambda s: jobs.add_cron_pushes(app, s))
    assert outcome.code == EVENT_JOB_EXECUTED, outcome
    (push,) = pushes_made(app)  # coalesced: one push, not five
    assert push.total == 2 and push.started_by is None


def test_a_changed_cron_replaces_the_old_job_and_a_removed_one_goes(app: App) -> None:
    daily = PushSchedule(cron="0 9 * * 1", policy="relief")
    app.config = app.config.model_copy(update={"pushes": Pushes(schedules=[daily])})
    s = stopped_scheduler(app)
    try:
        jobs.add_cron_pushes(app, s)
        assert "day_of_week='mon'" in str(s.get_job("push-cron:0").trigger)
        app.config = app.config.model_copy(update={"pushes": Pushes(schedules=[])})
        assert jobs.add_cron_pushes(app, s) == 0
        assert s.get_job("push-cron:0") is None
    finally:
        s.shutdown()


def test_config_refuses_a_bad_cron_and_an_unknown_policy() -> None:
    with pytest.raises(ValueError, match="cron"):
        PushSchedule(cron="every monday", policy="relief")
    with pytest.raises(ValueError, match="policy code"):
        PushSchedule(cron="0 9 * * 1")


def test_the_bots_scheduler_holds_the_config_cron_pushes_and_the_progress_job(app: App) -> None:
    weekly = PushSchedule(cron="0 9 * * 1", policy="elderly_allowance")
    app.config = app.config.model_copy(update={"pushes": Pushes(schedules=[weekly])})
    s = jobs.start_scheduler(app, BackgroundScheduler())
    try:
        job = s.get_job("push-cron:0")
        assert job is not None and job.kwargs["spec"]["policy"] == "elderly_allowance"
        local = job.next_run_time.astimezone(app.zone)
        assert (local.isoweekday(), local.hour, local.minute) == (1, 9, 0)  # community time
        assert s.get_job("push_progress") is not None
    finally:
        s.shutdown(wait=False)
