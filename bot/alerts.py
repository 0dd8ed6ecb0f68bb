"""预警 to residents: each gets the official text and their own 3 nearest open shelters.

Preparing is vectorised (one nearest-shelter query for all distinct places: residents of one
estate share its coordinates), and every message is written to the outbox in the caller's
transaction through ONE seam, `deliver_push`, before anything is sent.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot import texts
from bot.alert_local import Communities
from bot.events import Reply
from bot.shelter_index import NEAREST, ShelterIndex, nearest_many
from domain.alerts import Alert, Recipient, Shelter, check_alert, check_shelter
from domain.ports import UnitOfWork
from domain.pushes import COMMUNITY, Reach

if TYPE_CHECKING:
    from bot.app import App
    from bot.config import AppConfig

__all__ = ["NEAREST", "ShelterIndex", "nearest_many"]  # (their home is bot.shelter_index)
log = logging.getLogger(__name__)
ALERT_TOPIC = "预警"  # the subscription topic residents can switch off (with a warning)
BATCH = 20_000  # residents read and prepared at a time: memory stays flat for a whole city


def config_shelters(app: App) -> list[Shelter]:
    """The shelters config declares (they seed the database)."""
    return shelters_of(app.config)


def shelters_of(config: AppConfig) -> list[Shelter]:
    """The shelters one community's configuration declares."""
    return [check_shelter(Shelter(code=s.code, name=s.name, address=s.address, lat=s.lat, lon=s.lon,
                                  capacity=s.capacity, open=s.open, area=s.area))
            for s in config.shelters]


def seed_shelters(app: App, uow: UnitOfWork, now: datetime) -> int:
    """Put config's shelters into the database once per process; those already there keep their state."""
    if app.__dict__.get("_shelters_seeded"):
        return 0
    n = uow.alerts.seed_shelters(config_shelters(app), now)
    # Marked done only once a look finds them all there: rows written by a transaction that
    # then rolled back are written again on the next call.
    app.__dict__["_shelters_seeded"] = n == 0
    return n


def open_shelters(app: App, uow: UnitOfWork, now: datetime, *, everywhere: bool = False) -> list[Shelter]:
    """The shelters open now, as staff last set them (`everywhere`: every community's)."""
    if uow.community in (None, app.community_code):  # config's shelters go under their own community
        seed_shelters(app, uow, now)
    return uow.alerts.shelters(open_only=True, everywhere=everywhere)


# Where to measure from: (community, estate code) of a home, or a shared (lat, lon) point.
Place = tuple[str, str] | tuple[float, float]


def _places(app: App, people: Sequence[Recipient], local: Communities, now: datetime) -> list[Place | None]:
    """Where to measure from, per resident: a fresh shared location, else the home estate, else
    an older shared location, else nowhere (None)."""
    fresh_since = now - timedelta(hours=app.config.alerts.location_fresh_hours)
    out: list[Place | None] = []
    add = out.append
    of, seen = local.of, local.cache.get
    for r in people:  # a plain loop: this runs once per resident of the whole city
        lat, lon = r.lat, r.lon
        if lat is not None and lon is not None and r.located_at is not None and r.located_at >= fresh_since:
            add((lat, lon))
        elif r.estate in (seen(r.community) or of(r.community)).estates:
            add((r.community, r.estate))
        elif lat is not None and lon is not None:
            add((lat, lon))
        else:
            add(None)
    return out


def alert_text(alert: Alert) -> str:
    """The official text, unchanged, under its level and title, with its source."""
    return texts.ALERT_MESSAGE.format(level=alert.level, title=alert.title, text=alert.text,
                                      source=alert.source)


def prepare(app: App, alert: Alert, shelters: Sequence[Shelter],
            recipients: Iterable[Recipient], now: datetime, *, index: ShelterIndex | None = None,
            local: Communities | None = None) -> list[tuple[int, Reply]]:
    """One message per recipient: the alert, then THEIR nearest open shelters with a pin.

    Residents of one estate share its coordinates, so the nearest shelters are looked up once
    per distinct place (one vectorised query for all of them), and each place's text is built
    once. A warning prepared in batches passes the same `index` and `local` to every batch.
    """
    head = alert_text(alert) + "\n\n"
    local = local or Communities(app, head)
    people = recipients if isinstance(recipients, list) else list(recipients)
    if not shelters:
        return [(r.chat_id, local.of(r.community).none_open) for r in people]
    index = index or ShelterIndex(shelters, app.config.alerts.kdtree_from)
    wanted = _places(app, people, local, now)
    found: dict[Place, Reply] = {}
    for place in wanted:
        if place is not None and place not in found:
            found[place] = local.replies.get(place) or NEW
    new = [p for p, r in found.items() if r is NEW]
    if new:
        for place, reply in zip(new, _replies(head, index, local, new), strict=True):
            found[place] = reply
            if isinstance(place[0], str):  # an estate's message serves its residents in every batch
                local.replies[place] = reply
    nowhere = local.nowhere
    return [(r.chat_id, found[p] if p is not None else nowhere) for r, p in zip(people, wanted, strict=True)]


NEW = Reply(text="")  # marks a place whose message is still to be built


def _replies(head: str, index: ShelterIndex, local: Communities, places: list[Place]) -> list[Reply]:
    """The message for each place: its nearest shelters (one vectorised query for all), each
    shelter's line built once per distance."""
    from bot.flows.info import format_distance

    spots: list[tuple[float, float, str]] = [
        local.of(p[0]).estates[p[1]] if isinstance(p[0], str) else (p[0], float(p[1]), "") for p in places]
    metres, idx = index.nearest([s[0] for s in spots], [s[1] for s in spots])
    k = idx.shape[1]
    words = [format_distance(m) for m in metres.reshape(-1).tolist()]
    lines: dict[tuple[int, str], str] = {}  # (shelter, distance words) → its line, built once
    replies: list[Reply] = []
    for n, (place, spot, near) in enumerate(zip(places, spots, idx.tolist(), strict=True)):
        parts = []
        for j, i in enumerate(near):
            key = (i, words[n * k + j])
            if key not in lines:
                s = index.shelters[i]
                lines[key] = texts.SHELTER_NEAR_LINE.format(
                    name=s.name, distance=key[1], address=s.address, capacity=s.capacity)
            parts.append(lines[key])
        where = (texts.SHELTER_WHERE_HOME.format(estate=spot[2]) if isinstance(place[0], str)
                 else texts.ALERT_WHERE_SHARED)
        replies.append(Reply(text=head + texts.ALERT_SHELTERS.format(where=where, lines="\n".join(parts)),
                             location=index.pins[near[0]]))
    return replies


def deliver_push(uow: UnitOfWork, alert: Alert, messages: Iterable[tuple[int, Reply]],
                 started_by: str, now: datetime) -> int:
    """The alert as a push: one outbox row per chat (bulk priority), in the caller's transaction."""
    from bot import pushes

    once = list({chat_id: reply for chat_id, reply in messages}.items())  # a chat gets it once
    pushes.start_push(uow, kind="alert", topic=ALERT_TOPIC, title=alert.title, messages=once,
                      started_by=started_by, now=now)
    log.info("alert %s queued for %d chats", alert.id, len(once))
    return len(once)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a few hundred thousand acyclic objects are made.

    Each of them would otherwise trigger collections that walk the whole growing heap: on
    100,000 residents that was a third of the preparing time. Reference counting still frees.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def prepare_all(app: App, uow: UnitOfWork, alert: Alert, now: datetime) -> list[tuple[int, Reply]]:
    """Every recipient's message for an alert, from the current residents and open shelters."""
    with paused_gc():
        return prepare(app, alert, open_shelters(app, uow, now, everywhere=True), alert_recipients(uow), now)


def send_alert(app: App, uow: UnitOfWork, alert: Alert, now: datetime, where: Reach | None = None) -> Alert:
    """Record the alert and queue every resident's message, all in the caller's transaction.

    `where`: the place it is for (default: the sender's community). Residents are read and
    prepared in batches of BATCH, so a city-wide warning never holds a million messages at
    once; the shelters (every community's: a border resident's nearest may be next door's)
    are indexed once, each community's settings read once.
    """
    from bot import pushes, reach

    check_alert(alert)
    where = where or reach.resolve(app, COMMUNITY)
    with reach.filed(uow, app, where):  # (staff above the communities have no home of their own)
        uow.alerts.add_alert(alert)
        assert alert.id is not None
        shelters = open_shelters(app, uow, now, everywhere=True)
        index = ShelterIndex(shelters, app.config.alerts.kdtree_from) if shelters else None
        local = Communities(app, alert_text(alert) + "\n\n")
        push_id = pushes.open_push(uow, kind="alert", topic=ALERT_TOPIC, title=alert.title,
                                   started_by=alert.created_by, now=now, reach=where, alert=alert.id)
        total, reached = 0, Counter[str]()
        off = uow.subscriptions.opted_out(ALERT_TOPIC)
        with reach.narrowed(uow, where), paused_gc():
            for batch in _batches(uow, off):
                messages = prepare(app, alert, shelters, batch, now, index=index, local=local)
                total += pushes.add_recipients(uow, push_id, messages, now, fresh=True)
                reached.update(r.community for r in batch)
        uow.pushes.set_total(push_id, total)
        alert.recipients = total
        uow.alerts.set_recipients(alert.id, total)
        if len(where.codes) > 1:
            _tell_staff(app, uow, alert, where, reached, local, now)
        log.info("alert %s queued for %d chats in %d communities", alert.id, total, len(reached))
    return alert


def _batches(uow: UnitOfWork, off: set[int]) -> Iterator[list[Recipient]]:
    """The unit of work's recipients, BATCH at a time by id, without those who switched 预警 off,
    and each chat once (a family's one phone: its first resident)."""
    # Only chats several residents share are remembered, not a million: memory stays flat.
    shared, given = uow.alerts.shared_chats(), set[int]()
    after = 0
    while True:
        batch = uow.alerts.recipients(after=after, limit=BATCH)
        if not batch:
            return
        after = batch[-1].resident_id
        out = []
        for r in batch:
            if r.resident_id in off:
                continue
            if r.chat_id in shared:
                if r.chat_id in given:
                    continue
                given.add(r.chat_id)
            out.append(r)
        yield out


def _tell_staff(app: App, uow: UnitOfWork, alert: Alert, where: Reach, reached: Counter[str],
                local: Communities, now: datetime) -> None:
    """Each community's staff chat hears that a warning for several communities reached its residents."""
    from bot import reach
    from bot.outbox import message

    said = reach.label(app, where.to_dict())
    notices = []
    for code, n in sorted(reached.items()):
        chat = local.of(code).staff_chat_id
        if chat:
            notices.append(message(chat, Reply(text=texts.ALERT_STAFF_NOTICE.format(
                where=said, level=alert.level, title=alert.title, id=alert.id, n=n)),
                f"alert-staff:{alert.id}:{code}", now))
    uow.outbox.add_many(notices)  # a city's thousands of staff chats in one write, not one each


def sent_text(alert: Alert) -> str:
    """What the sender is told once it is queued; plainly so when nobody gets it."""
    template = texts.ALERT_SENT if alert.recipients else texts.OPS_ALERT_SENT_NOBODY
    return template.format(level=alert.level, title=alert.title, id=alert.id, n=alert.recipients)


def alert_recipients(uow: UnitOfWork) -> list[Recipient]:
    """Who a warning reaches: verified residents with a chat who did not switch 预警 off."""
    off = uow.subscriptions.opted_out(ALERT_TOPIC)
    return [r for r in uow.alerts.recipients() if r.resident_id not in off]


def count_recipients(uow: UnitOfWork, where: Reach | None = None) -> int:
    """How many residents a warning would reach now (in `where`, or the unit of work's scope)."""
    from bot import reach

    with reach.narrowed(uow, where) if where is not None else contextlib.nullcontext():
        return len({r.chat_id for r in alert_recipients(uow)})
