"""Scheduled jobs (APScheduler, persistent job store): SLA checks, idle forms, daily digest."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.booking_notices import ask_patience
from bot.dialogue.state import ChatState, close_idle_form, save_state
from bot.dialogue.turn import reply
from bot.outbox import enqueue
from domain.bookings import Status as BookingStatus
from domain.usecases.handling import check_overdue, daily_digest

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
# The persistent job store keeps textual references to these functions, so they find the
# running App here rather than in pickled arguments.
_APP: App | None = None


def _app() -> App:
    if _APP is None:
        raise RuntimeError("jobs run only inside `cunshe run`")
    return _APP


def _tenants(*tables: str) -> list[App]:
    """The communities with rows in these tables, each as its App (its config, its records).

    Jobs run per community: a reminder goes to that community's staff chat, in its hours. Only
    communities that have such records are visited, so a city of thousands costs what its
    active ones cost.
    """
    app = _app()
    if not app.several:
        return [app.tenant(app.community_code)]
    from storage.scope import communities_with

    known = set(app.codes())
    return [app.tenant(code) for code in sorted(communities_with(app.engine, tables)) if code in known]


def check_sla(now: datetime | None = None) -> int:
    """Remind and escalate overdue reports; returns how many were raised."""
    now = now or datetime.now(UTC)
    return sum(len(check_overdue(t.uow(), t.report_rules, now)) for t in _tenants("reports"))


def expire_forms(now: datetime | None = None) -> int:
    """Close forms idle longer than the timeout and tell the resident."""
    app = _app()
    now = now or datetime.now(UTC)
    minutes = app.config.dialogue.form_timeout_minutes
    closed = 0
    with app.uow() as uow:
        for chat_id, data in uow.conversations.idle_since(now - timedelta(minutes=minutes)):
            state = ChatState.from_dict(data)
            if not state.form:
                continue
            notice = close_idle_form(state, minutes)
            save_state(uow, chat_id, state, now)
            enqueue(uow, chat_id, reply(notice), f"expired:{chat_id}:{now.timestamp():.0f}", now)
            closed += 1
        uow.commit()
    return closed


def send_digest(now: datetime | None = None) -> None:
    """Queue each community's daily digest for its staff chat."""
    now = now or datetime.now(UTC)
    for app in _tenants("reports", "bookings", "seal_requests"):
        _digest(app, now)


def _digest(app: App, now: datetime) -> None:
    d = daily_digest(app.uow(), now)
    rating = texts.DIGEST_RATING.format(rating=d.average_rating) if d.average_rating else ""
    text = texts.DIGEST.format(date=texts.format_day(now, app.zone), new=d.new, pending=d.pending,
                               open=d.open, overdue=d.overdue, resolved=d.resolved, rating=rating)
    with app.uow() as uow:
        undelivered = uow.outbox.count_undelivered()
        if undelivered:  # kept, never dropped: staff see them here and resend them
            text += texts.DIGEST_UNDELIVERED.format(n=undelivered)
        enqueue(uow, app.config.community.staff_chat_id, reply(text),
                f"digest:{now.astimezone(app.zone):%Y%m%d}", now)
        uow.commit()


def send_reminders(now: datetime | None = None) -> int:
    """The day before a visit: remind the booker (once per booking and time, even if run twice)."""
    now = now or datetime.now(UTC)
    return sum(_remind(app, now) for app in _tenants("bookings"))


def _remind(app: App, now: datetime) -> int:
    tomorrow = now.astimezone(app.zone).date() + timedelta(days=1)
    since = datetime.combine(tomorrow, datetime.min.time(), app.zone)
    sent = 0
    with app.uow() as uow:
        for b in uow.bookings.list(statuses=[BookingStatus.BOOKED], since=since,
                                   until=since + timedelta(days=1), limit=10000):
            service = app.services.get(b.service)
            if service is None or not b.booker_chat_id:  # booked at the office: staff call
                continue
            text = texts.BOOK_REMINDER.format(
                service=service.name, when=texts.format_when(b.start, app.zone, now),
                number=b.number)
            key = f"remind:{b.number}:{b.start.timestamp():.0f}"
            enqueue(uow, b.booker_chat_id, reply(text), key, now)
            served = uow.residents.get(b.beneficiary_id) if b.beneficiary_id else None
            chat = (served.chat_id or served.user_id) if served else None
            if chat and chat != b.booker_chat_id:  # the person served uses the chat too
                enqueue(uow, chat, reply(text), f"{key}:served", now)
            sent += 1
        uow.commit()
    return sent


def ask_quality(now: datetime | None = None) -> int:
    """A few days after a done visit, ask the person served whether the worker was patient."""
    now = now or datetime.now(UTC)
    return sum(_ask_quality(app, now) for app in _tenants("bookings"))


def _ask_quality(app: App, now: datetime) -> int:
    due = now - timedelta(days=app.config.bookings.quality_check_days)
    asked = 0
    with app.uow() as uow:
        for b in uow.bookings.list(statuses=[BookingStatus.DONE], since=due - timedelta(days=7),
                                   until=due, limit=10000):
            if not b.patience:
                ask_patience(app, uow, b, now)  # once: the outbox key is the booking's
                asked += 1
        uow.commit()
    return asked


def close_polls(now: datetime | None = None) -> int:
    """Close the polls whose end time has come and send voters the result."""
    from bot.polls import close_due

    now = now or datetime.now(UTC)
    return sum(close_due(app, now) for app in _tenants("polls"))


# --- push ---
PUSH_JOB = "bot.jobs:run_push"
CRON_PREFIX = "push-cron:"


def run_push(spec: dict[str, Any]) -> int:
    """A scheduled push (one-off or cron) runs now: its audience gets it; the push id."""
    from bot import pushes

    app = _app()
    now = datetime.now(UTC)
    with app.uow() as uow:
        push_id = pushes.send(app, uow, spec, started_by=None, now=now)
        uow.commit()
    return push_id


def push_progress(now: datetime | None = None) -> int:
    """Edit the staff messages of running pushes with 已发送 n/N，失败 k."""
    from bot import pushes

    app = _app()
    with app.uow() as uow:
        n = pushes.report_progress(uow, now or datetime.now(UTC))
        uow.commit()
    return n


def schedule_push(app: App, scheduler: Any, spec: dict[str, Any], at: datetime) -> str:
    """Keep a one-off push in the persistent job store; it runs at `at` (or late, within grace)."""
    job = scheduler.add_job(PUSH_JOB, "date", run_date=at, kwargs={"spec": spec},
                            id=f"push-at:{uuid.uuid4().hex[:12]}", coalesce=True,
                            misfire_grace_time=app.config.pushes.misfire_grace_seconds)
    return str(job.id)


def add_cron_pushes(app: App, scheduler: Any) -> int:
    """The config's cron pushes as jobs (replacing what an older config left); how many."""
    from apscheduler.triggers.cron import CronTrigger

    from bot.config import cron_fields

    wanted = {}
    for i, item in enumerate(app.config.pushes.schedules):
        spec = item.model_dump(exclude={"cron"}, exclude_none=True)
        trigger = CronTrigger(**cron_fields(item.cron), timezone=app.zone)
        wanted[f"{CRON_PREFIX}{i}"] = (trigger, spec)
    for job in scheduler.get_jobs():
        if job.id.startswith(CRON_PREFIX) and job.id not in wanted:
            job.remove()
    for job_id, (trigger, spec) in wanted.items():
        old = scheduler.get_job(job_id)
        if old is not None and str(old.trigger) == str(trigger) and old.kwargs == {"spec": spec}:
            continue  # unchanged: keep its next run, so a run missed while down still fires
        scheduler.add_job(PUSH_JOB, trigger, kwargs={"spec": spec}, id=job_id, coalesce=True,
                          misfire_grace_time=app.config.pushes.misfire_grace_seconds,
                          replace_existing=True)
    return len(wanted)


def configure_scheduler(app: App, scheduler: Any) -> Any:
    """Give a scheduler our database as its job store (the bot's, the CLI's, the tests')."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    global _APP
    _APP = app
    scheduler.configure(
        jobstores={"default": SQLAlchemyJobStore(engine=app.engine)},
        job_defaults={"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1},
        timezone=app.zone,
    )
    return scheduler


def job_store(app: App) -> Any:
    """A scheduler that only reads and writes the persistent job store and never runs a job.

    For `cunshe pushes send --at` (the bot's own scheduler runs what it adds). Started paused
    and without a thread of its own, so nothing due can fire in this process, not even while
    it is shut down.
    """
    from apscheduler.schedulers.base import BaseScheduler

    class StoreOnly(BaseScheduler):
        def wakeup(self) -> None:
            pass  # no processing loop: jobs run in the bot

        def shutdown(self, wait: bool = True) -> None:
            super().shutdown(wait)

    scheduler = configure_scheduler(app, StoreOnly())
    scheduler.start(paused=True)
    return scheduler


def start_scheduler(app: App, scheduler: Any) -> Any:
    """Register the jobs on an APScheduler scheduler with a job store in our database."""
    configure_scheduler(app, scheduler)
    at = app.config.reports.digest_time
    scheduler.add_job("bot.jobs:check_sla", "interval", minutes=5, id="check_sla",
                      replace_existing=True)
    scheduler.add_job("bot.jobs:expire_forms", "interval", minutes=1, id="expire_forms",
                      replace_existing=True)
    scheduler.add_job("bot.jobs:send_digest", "cron", hour=at.hour, minute=at.minute,
                      id="daily_digest", replace_existing=True)
    remind = app.config.bookings.reminder_time  # a run missed while down fires within the grace
    scheduler.add_job("bot.jobs:ask_quality", "cron", hour=10, minute=0, id="booking_quality",
                      replace_existing=True)
    scheduler.add_job("bot.jobs:send_reminders", "cron", hour=remind.hour, minute=remind.minute,
                      id="booking_reminders", replace_existing=True)
    scheduler.add_job("bot.jobs:close_polls", "interval", minutes=1, id="close_polls",
                      replace_existing=True)
    scheduler.add_job("bot.jobs:push_progress", "interval",
                      seconds=app.config.pushes.progress_seconds, id="push_progress",
                      replace_existing=True)
    # Started paused so the cron pushes are in the store before anything runs.
    scheduler.start(paused=True)
    add_cron_pushes(app, scheduler)
    scheduler.resume()
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    return scheduler
