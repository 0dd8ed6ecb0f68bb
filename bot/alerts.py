"""预警 to residents: each gets the official text and their own 3 nearest open shelters.

Preparing is vectorised (one nearest-shelter query for all distinct places: residents of one
estate share its coordinates), and every message is written to the outbox in the caller's
transaction, as one push, before anything is sent: `send_alert` does it page by page of residents
(bot/alert_queue.py: a city's million), `deliver_push` for messages already prepared.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.events import Location, Reply
from bot.geo import EARTH_RADIUS_M
from domain.alerts import Alert, Recipient, Shelter, check_alert, check_shelter
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.app import App
    from bot.config import AppConfig

log = logging.getLogger(__name__)
ALERT_TOPIC = "预警"  # the subscription topic residents can switch off (with a warning)
NEAREST = 3


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


def open_shelters(app: App, uow: UnitOfWork, now: datetime) -> list[Shelter]:
    """The shelters open now, as staff last set them."""
    seed_shelters(app, uow, now)
    return uow.alerts.shelters(open_only=True)


# -- nearest shelters for many places at once ------------------------------------------------
def _unit(lat: Any, lon: Any) -> Any:
    import numpy as np

    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def nearest_many(shelters: Sequence[Shelter], lats: Sequence[float], lons: Sequence[float],
                 k: int = NEAREST, kdtree_from: int = 16) -> tuple[Any, Any]:
    """Distances (metres) and shelter indexes, nearest first, for every point: shape (n, k)."""
    import numpy as np

    k = min(k, len(shelters))
    points = _unit(np.asarray(lats, dtype=float), np.asarray(lons, dtype=float))
    places = _unit(np.array([s.lat for s in shelters]), np.array([s.lon for s in shelters]))
    if len(shelters) >= kdtree_from:
        from scipy.spatial import cKDTree  # imported on first use: scipy is slow to import

        chord, idx = cKDTree(places).query(points, k=k)
        chord, idx = chord.reshape(len(points), k), idx.reshape(len(points), k)
    else:  # a few shelters: a plain scan over all of them is as quick and needs no tree
        d = np.linalg.norm(points[:, None, :] - places[None, :, :], axis=2)
        idx = np.argsort(d, axis=1, kind="stable")[:, :k]
        chord = np.take_along_axis(d, idx, axis=1)
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, chord / 2))
    return metres, idx


Estates = dict[str, tuple[float, float, str]]  # code → lat, lon, name
Place = str | tuple[float, float]  # an estate code, or a shared point


def _places(app: App, people: Sequence[Recipient], estates: Estates, now: datetime) -> list[Place | None]:
    """Where to measure from, per resident: a fresh shared location, else the home estate, else
    an older shared location, else nowhere (None)."""
    fresh_since = now - timedelta(hours=app.config.alerts.location_fresh_hours)
    out: list[Place | None] = []
    add = out.append
    for r in people:  # a plain loop: this runs once per resident of the whole community
        lat, lon = r.lat, r.lon
        if lat is not None and lon is not None and r.located_at is not None and r.located_at >= fresh_since:
            add((lat, lon))
        elif r.estate in estates:
            add(r.estate)
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
            recipients: Iterable[Recipient], now: datetime, *, estates: Estates | None = None,
            phases: Phases | None = None) -> list[tuple[int, Reply]]:
    """One message per recipient: the alert, then THEIR nearest open shelters with a pin.

    Residents of one estate share its coordinates, so the nearest shelters are looked up once
    per distinct place (one vectorised query for all of them), and each place's text is built once.
    `estates` (code → lat, lon, name) defaults to the app's; `phases` adds up seconds per step.
    """
    from bot.flows.info import office_call_for

    head = alert_text(alert) + "\n\n"
    if estates is None:
        estates = config_estates(app)
    people = recipients if isinstance(recipients, list) else list(recipients)
    if not shelters:
        none = Reply(text=head + texts.ALERT_NO_SHELTER_OPEN.format(call=office_call_for(app)))
        return [(r.chat_id, none) for r in people]
    clock = time.perf_counter()
    wanted = _places(app, people, estates, now)
    slots: dict[Place, int] = {}
    for place in wanted:
        if place is not None and place not in slots:
            slots[place] = len(slots)
    places = list(slots)
    near = None
    if places:
        lats = [estates[p][0] if isinstance(p, str) else p[0] for p in places]
        lons = [estates[p][1] if isinstance(p, str) else p[1] for p in places]
        near = nearest_many(shelters, lats, lons, kdtree_from=app.config.alerts.kdtree_from)
    clock = lap(phases, "nearest", clock)
    replies = _render(head, shelters, places, estates, near) if near is not None else []
    nowhere = Reply(text=head + texts.ALERT_ASK_PLACE)
    out = [(r.chat_id, replies[slots[p]] if p is not None else nowhere)
           for r, p in zip(people, wanted, strict=True)]
    lap(phases, "render", clock)
    return out


Phases = dict[str, float]  # step → seconds, added up over batches


def lap(phases: Phases | None, step: str, since: float) -> float:
    """Add the seconds since `since` to `step` (when timing); the time now."""
    now = time.perf_counter()
    if phases is not None:
        phases[step] = phases.get(step, 0.0) + now - since
    return now


def config_estates(app: App) -> Estates:
    """The app's estates that have coordinates: code → (lat, lon, name)."""
    return {e.code: (e.lat, e.lon, e.name) for e in app.config.estates
            if e.lat is not None and e.lon is not None}


def _render(head: str, shelters: Sequence[Shelter], places: list[Place], estates: Estates,
            near: tuple[Any, Any]) -> list[Reply]:
    """Each place's message: its nearest shelters' lines (each line built once) and a pin."""
    from bot.flows.info import format_distance

    metres, idx = near
    k = idx.shape[1]
    words = [format_distance(m) for m in metres.reshape(-1).tolist()]
    lines: dict[tuple[int, str], str] = {}  # (shelter, distance words) → its line, built once
    pins: dict[int, Location] = {}
    replies: list[Reply] = []
    for n, (place, nearest) in enumerate(zip(places, idx.tolist(), strict=True)):
        parts = []
        for j, i in enumerate(nearest):
            key = (i, words[n * k + j])
            if key not in lines:
                s = shelters[i]
                lines[key] = texts.SHELTER_NEAR_LINE.format(
                    name=s.name, distance=key[1], address=s.address, capacity=s.capacity)
            parts.append(lines[key])
        where = (texts.SHELTER_WHERE_HOME.format(estate=estates[place][2]) if isinstance(place, str)
                 else texts.ALERT_WHERE_SHARED)
        first = nearest[0]
        pin = pins.get(first)
        if pin is None:
            pin = pins[first] = Location(shelters[first].lat, shelters[first].lon, shelters[first].name)
        replies.append(Reply(text=head + texts.ALERT_SHELTERS.format(where=where, lines="\n".join(parts)),
                             location=pin))
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
        return prepare(app, alert, open_shelters(app, uow, now), alert_recipients(uow), now)


def send_alert(app: App, uow: UnitOfWork, alert: Alert, now: datetime) -> Alert:
    """Record the alert and queue every resident's message, all in the caller's transaction."""
    check_alert(alert)
    uow.alerts.add_alert(alert)
    assert alert.id is not None
    from bot.alert_queue import queue_alert

    alert.recipients = queue_alert(app, uow, alert, now)
    log.info("alert %s queued for %d chats", alert.id, alert.recipients)
    uow.alerts.set_recipients(alert.id, alert.recipients)
    return alert


def alert_recipients(uow: UnitOfWork) -> list[Recipient]:
    """Who a warning reaches: verified residents with a chat who did not switch 预警 off."""
    off = uow.subscriptions.opted_out(ALERT_TOPIC)
    return [r for r in uow.alerts.recipients() if r.resident_id not in off]


def count_recipients(uow: UnitOfWork) -> int:
    """How many residents a warning would reach now."""
    off = uow.subscriptions.opted_out(ALERT_TOPIC)
    return len({chat for rid, chat in uow.alerts.recipient_chats() if rid not in off})
