"""A warning to a whole city: residents are read, prepared for and queued one page at a time.

A city has a million residents: holding them all, then all their messages, then all their
outbox rows took gigabytes. Here one page (PAGE residents) is held at a time, each page's
messages go into the outbox in one write (COPY on PostgreSQL), and all of it stays in the
caller's transaction: the warning is queued for everyone or for no one.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from bot import pushes
from bot.alerts import ALERT_TOPIC, Estates, Phases, lap, open_shelters, paused_gc, prepare
from domain.alerts import Alert
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.app import App

PAGE = 20_000  # residents per page: big enough for one vectorised query, small enough to hold


def queue_alert(app: App, uow: UnitOfWork, alert: Alert, now: datetime, *,
                estates: Estates | None = None, phases: Phases | None = None, page: int = PAGE) -> int:
    """Queue the alert for every resident who did not switch it off; how many chats get it.

    `phases` adds up the seconds of each step: audience (reading residents, decrypting their
    shared locations), nearest (shelters), render (texts), outbox (rows encrypted and written).
    A chat shared by two residents gets the first one's message, once.
    """
    clock = time.perf_counter()
    shelters = open_shelters(app, uow, now)
    off = uow.subscriptions.opted_out(ALERT_TOPIC)
    push_id = pushes.begin_push(uow, kind="alert", topic=ALERT_TOPIC, title=alert.title,
                                started_by=alert.created_by, now=now)
    seen: set[int] = set()
    total = after = 0
    with paused_gc():
        while True:
            batch = uow.alerts.recipients_page(after, page)
            if not batch:
                break
            after = batch[-1].resident_id
            people = [r for r in batch if r.resident_id not in off]
            lap(phases, "audience", clock)
            messages = prepare(app, alert, shelters, people, now, estates=estates, phases=phases)
            clock = time.perf_counter()
            total += pushes.add_push_messages(uow, push_id, messages, now, seen)
            clock = lap(phases, "outbox", clock)
    lap(phases, "audience", clock)
    pushes.finish_push(uow, push_id, "alert", total)
    return total
