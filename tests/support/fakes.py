"""In-memory repositories and unit of work: the domain's protocols without a database."""

from __future__ import annotations

import copy
import hashlib
import hmac
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Self

from domain.alerts import Alert, Recipient, Shelter
from domain.board import LedgerLine, Notice, Project, ProjectUpdate
from domain.bookings import BeneficiaryLink, Booking
from domain.bookings import Status as BookingStatus
from domain.errors import Conflict
from domain.events import Event
from domain.policies import Policy
from domain.polls import Poll, PollStatus
from domain.ports import OutboxMessage, UnitOfWork
from domain.pushes import DEFAULT_ON, Progress, Push
from domain.ratings import MonthSummary, Rating
from domain.reports import OPEN_STATUSES, Report, Status, report_number
from domain.residents import Resident
from domain.seals import Certificate, SealDecision, SealRequest, SealStatus
from domain.staff import Staff
from domain.volunteers import HelpRequest, Signup, Task, Volunteer
from domain.worklist import LATEST, Backlog, WorkScope, report_due


class FakeResidents:
    def __init__(self) -> None:
        self.rows: dict[int, Resident] = {}

    def add(self, resident: Resident) -> Resident:
        resident.id = max(self.rows, default=0) + 1
        self.rows[resident.id] = copy.deepcopy(resident)
        return resident

    def add_many(self, residents: list[Resident]) -> None:
        for r in residents:
            self.add(r)

    def find_many(self, *, phones: list[str], id_numbers: list[str]) -> list[Resident]:
        p, i = set(phones), set(id_numbers)
        return [copy.deepcopy(r) for r in self.rows.values() if r.phone in p or r.id_number in i]

    def save(self, resident: Resident) -> None:
        assert resident.id in self.rows
        self.rows[resident.id] = copy.deepcopy(resident)

    def get(self, resident_id: int) -> Resident | None:
        r = self.rows.get(resident_id)
        return copy.deepcopy(r) if r else None

    def _find(self, pred: Callable[[Resident], bool]) -> Resident | None:
        return next((copy.deepcopy(r) for r in self.rows.values() if pred(r)), None)

    def by_phone(self, phone: str) -> Resident | None:
        return self._find(lambda r: r.phone == phone)

    def by_id_number(self, id_number: str) -> Resident | None:
        return self._find(lambda r: r.id_number == id_number)

    def by_name_id4(self, name: str, last4: str, *, city: bool = False) -> Resident | None:
        found = [r for r in self.rows.values()
                 if r.name == name and (r.id_number or "")[-4:].upper() == last4.upper()]
        return found[0] if len(found) == 1 else None

    def backfill_name_id4(self) -> int:
        return 0  # nothing is hashed in memory

    def by_user(self, user_id: int) -> Resident | None:
        return self._find(lambda r: r.user_id == user_id)

    def list(self, *, verified: bool | None = None, source: str | None = None,
             limit: int = 100) -> list[Resident]:
        rows = [r for r in self.rows.values() if (verified is None or r.verified == verified)
                and (source is None or r.source == source)]
        return [copy.deepcopy(r) for r in rows][:limit]

    def delete(self, resident_id: int) -> None:
        self.rows.pop(resident_id, None)

    def count(self) -> int:
        return len(self.rows)


class FakeStaff:
    def __init__(self) -> None:
        self.rows: dict[str, Staff] = {}

    def get(self, code: str) -> Staff | None:
        return copy.deepcopy(self.rows.get(code))

    def by_user(self, user_id: int) -> Staff | None:
        return next((copy.deepcopy(s) for s in self.rows.values() if s.user_id == user_id and s.active), None)

    def list(self) -> list[Staff]:
        return [copy.deepcopy(s) for s in sorted(self.rows.values(), key=lambda s: s.code)]

    def save(self, staff: Staff) -> None:
        self.rows[staff.code] = copy.deepcopy(staff)


def _backlog(items: Iterable[tuple[Any, datetime]]) -> dict[Any, Backlog]:
    """Count per key with the earliest time, as the SQL GROUP BY does."""
    out: dict[Any, Backlog] = {}
    for key, due in items:
        out[key] = out[key] + Backlog(1, due) if key in out else Backlog(1, due)
    return out


class FakeReports:
    def __init__(self) -> None:
        self.rows: dict[str, Report] = {}
        self.counters: dict[str, int] = {}

    def next_number(self, prefix: str, day: datetime) -> str:
        key = f"{prefix}-{day:%Y%m%d}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return report_number(prefix, day, self.counters[key])

    def add(self, report: Report) -> None:
        report.id = len(self.rows) + 1
        self.rows[report.number] = copy.deepcopy(report)

    def save(self, report: Report) -> None:
        stored = self.rows.get(report.number)
        if stored is not None and stored.version != report.version:
            raise Conflict(report.number)
        report.version += 1
        self.rows[report.number] = copy.deepcopy(report)

    def get(self, number: str) -> Report | None:
        return copy.deepcopy(self.rows.get(number))

    def list(self, *, statuses: Iterable[Status] | None = None, estate: str | None = None,
             resident_id: int | None = None, chat_id: int | None = None,
             since: datetime | None = None, limit: int = 50) -> list[Report]:
        wanted = set(statuses) if statuses is not None else None
        out = [r for r in self.rows.values()
               if (wanted is None or r.status in wanted)
               and (estate is None or r.address.estate == estate)
               and (resident_id is None or r.resident_id == resident_id)
               and (chat_id is None or r.chat_id == chat_id)
               and (since is None or (r.created_at and r.created_at >= since))]
        out.sort(key=lambda r: r.created_at or datetime.min, reverse=True)
        return [copy.deepcopy(r) for r in out[:limit]]

    def list_mine(self, user_id: int, chat_id: int, limit: int = 10) -> list[Report]:
        return self.list(chat_id=chat_id, limit=limit)

    def community_of_own(self, number: str, user_id: int, chat_id: int) -> str | None:
        r = self.rows.get(number)
        return r.community if r is not None and (r.chat_id == chat_id or chat_id in r.followers) else None

    def list_followed(self, chat_id: int, limit: int = 10) -> list[Report]:
        return [r for r in self.list(limit=10_000) if chat_id in r.followers][:limit]

    def _open(self, scope: WorkScope) -> list[Report]:
        return [r for r in self.list(statuses=OPEN_STATUSES, limit=10**9)
                if scope.takes_report(r.community, r.grid, r.assignee)]

    def open_backlog(self, scope: WorkScope) -> dict[str, Backlog]:
        return _backlog((r.community, report_due(r)) for r in self._open(scope))

    def most_urgent(self, scope: WorkScope, limit: int) -> list[tuple[datetime, str]]:
        return [(report_due(r), r.number) for r in sorted(self._open(scope), key=report_due)[:limit]]

    def many(self, numbers: list[str]) -> list[Report]:
        return [copy.deepcopy(self.rows[n]) for n in numbers if n in self.rows]

    def detach_resident(self, resident_id: int) -> int:
        n = 0
        for r in self.rows.values():
            if r.resident_id == resident_id:
                r.resident_id, r.chat_id = None, None
                n += 1
        return n


class FakeConversations:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[dict[str, Any], datetime]] = {}

    def load(self, chat_id: int) -> tuple[dict[str, Any], datetime] | None:
        return copy.deepcopy(self.rows.get(chat_id))

    def store(self, chat_id: int, state: dict[str, Any], at: datetime) -> None:
        self.rows[chat_id] = (copy.deepcopy(state), at)

    def idle_since(self, before: datetime, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        return [(c, copy.deepcopy(s)) for c, (s, at) in self.rows.items()
                if s.get("form") and at < before][:limit]

    def clear(self, chat_id: int) -> None:
        self.rows.pop(chat_id, None)


class FakeOutbox:
    """The outbox in memory, with the same states as storage's: pending/sent/failed/blocked."""

    def __init__(self) -> None:
        self.messages: list[OutboxMessage] = []
        self.blocked_chats: set[int] = set()

    def add(self, message: OutboxMessage) -> None:
        if message.key and any(m.key == message.key for m in self.messages):
            return
        message.id = max((m.id or 0 for m in self.messages), default=0) + 1
        message.status = "blocked" if message.chat_id in self.blocked_chats else "pending"
        self.messages.append(message)

    def add_many(self, messages: list[OutboxMessage], *, fresh: bool = False) -> int:
        if fresh:  # the caller's promise, checked here: a repeated key would be a lost dedupe
            keys = [m.key for m in messages if m.key]
            assert len(set(keys)) == len(keys) and not {m.key for m in self.messages} & set(keys)
        before = len(self.messages)
        for m in messages:
            self.add(m)
        return len(self.messages) - before

    def _get(self, message_id: int) -> OutboxMessage:
        return next(m for m in self.messages if m.id == message_id)

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        pending = [m for m in self.messages if m.status == "pending"]
        return sorted(pending, key=lambda m: (m.priority, m.id or 0))[:limit]

    def claim(self, worker: str, now: datetime, until: datetime, limit: int = 50) -> list[OutboxMessage]:
        return self.due(now, limit)  # one process in memory

    def renew(self, worker: str, now: datetime, until: datetime) -> int:
        return 0

    def release(self, worker: str) -> int:
        return 0

    def sent_many(self, ids: list[int], at: datetime) -> None:
        for message_id in ids:
            self.sent(message_id, at)

    def sent(self, message_id: int, at: datetime) -> None:
        m = self._get(message_id)
        m.meta["sent"], m.status = at, "sent"

    def failed(self, message_id: int, error: str, retry_at: datetime | None) -> None:
        m = self._get(message_id)
        m.attempts += 1
        m.last_error = error
        if retry_at is None:
            m.status = "failed"

    def block_chat(self, chat_id: int, error: str, at: datetime) -> None:
        self.blocked_chats.add(chat_id)
        for m in self.messages:
            if m.chat_id == chat_id and m.status == "pending":
                m.status, m.last_error = "blocked", error

    def unblock_chat(self, chat_id: int) -> bool:
        if chat_id not in self.blocked_chats:
            return False
        self.blocked_chats.discard(chat_id)
        return True

    def is_blocked(self, chat_id: int) -> bool:
        return chat_id in self.blocked_chats

    def undelivered(self, limit: int = 100) -> list[OutboxMessage]:
        return [m for m in self.messages if m.status in ("failed", "blocked")][:limit]

    def count_undelivered(self) -> int:
        return len(self.undelivered(limit=len(self.messages)))

    def retry(self, ids: list[int] | None, now: datetime) -> int:
        again = [m for m in self.undelivered(limit=len(self.messages)) if ids is None or m.id in ids]
        for m in again:
            m.status, m.attempts = "pending", 0
            self.blocked_chats.discard(m.chat_id)
        return len(again)

    def erase_chat(self, chat_id: int) -> int:
        before = len(self.messages)
        self.messages = [m for m in self.messages if m.chat_id != chat_id]
        self.blocked_chats.discard(chat_id)
        return before - len(self.messages)


class FakeAudit:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, datetime]] = []

    def record(self, actor: str, action: str, subject: str, at: datetime) -> None:
        self.rows.append((actor, action, subject, at))

    def entries(self, subject: str) -> list[tuple[str, str, datetime]]:
        return [(a, act, at) for a, act, s, at in self.rows if s == subject]


# --- certificates (云盖章) ------------------------------------------------------------------
class FakeSeals:
    def __init__(self) -> None:
        self.requests: dict[str, SealRequest] = {}
        self.certs: dict[str, tuple[Certificate, bytes]] = {}
        self.log: list[SealDecision] = []

    def add(self, request: SealRequest) -> None:
        request.id = len(self.requests) + 1
        self.requests[request.number] = copy.deepcopy(request)

    def save(self, request: SealRequest) -> None:
        self.requests[request.number] = copy.deepcopy(request)

    def get(self, number: str) -> SealRequest | None:
        return copy.deepcopy(self.requests.get(number))

    def list(self, *, status: SealStatus | None = None, resident_id: int | None = None,
             limit: int = 50) -> list[SealRequest]:
        rows = [r for r in self.requests.values() if (status is None or r.status == status)
                and (resident_id is None or r.resident_id == resident_id)]
        return copy.deepcopy(rows[::-1][:limit])

    def add_certificate(self, cert: Certificate, pdf: bytes) -> None:
        self.certs[cert.number] = (copy.deepcopy(cert), pdf)

    def save_certificate(self, cert: Certificate) -> None:
        self.certs[cert.number] = (copy.deepcopy(cert), self.certs[cert.number][1])

    def certificate(self, *, number: str | None = None, code: str | None = None,
                    sha256: str | None = None) -> Certificate | None:
        for c, _ in self.certs.values():
            if (number and c.number == number) or (code and c.code == code) or (sha256 and c.sha256 == sha256):
                return copy.deepcopy(c)
        return None

    def pdf(self, number: str) -> bytes | None:
        return self.certs[number][1] if number in self.certs else None

    def record(self, decision: SealDecision) -> None:
        self.log.append(decision)

    def decisions(self, number: str) -> list[SealDecision]:
        return [d for d in self.log if d.number == number]

    def pending_backlog(self, community: str | None = None) -> dict[tuple[str, str], Backlog]:
        return _backlog(((r.community, r.template), r.due_at) for r in self.list(status=SealStatus.PENDING, limit=10**9)
                        if community in (None, r.community))

    def most_urgent_pending(self, templates: dict[str, frozenset[str]], limit: int) -> list[tuple[datetime, str]]:
        rows = [r for r in self.list(status=SealStatus.PENDING, limit=10**9)
                if r.template in templates.get(r.community, ())]
        return [(r.due_at, r.number) for r in sorted(rows, key=lambda r: r.due_at)[:limit]]

    def many(self, numbers: list[str]) -> list[SealRequest]:
        return [copy.deepcopy(self.requests[n]) for n in numbers if n in self.requests]


# --- bookings (workstream "book") ----------------------------------------------------------
class FakeBookings:
    def __init__(self) -> None:
        self.rows: dict[str, Booking] = {}
        self.places: dict[tuple[str, datetime], int] = {}
        self.numbers = FakeReports()  # the same day counter as report numbers
        self.links: dict[int, BeneficiaryLink] = {}

    def next_number(self, prefix: str, day: datetime) -> str:
        return self.numbers.next_number(prefix, day)

    def take_place(self, service: str, start: datetime, capacity: int) -> bool:
        if self.places.get((service, start), 0) >= capacity:
            return False
        self.places[(service, start)] = self.places.get((service, start), 0) + 1
        return True

    def release_place(self, service: str, start: datetime) -> None:
        self.places[(service, start)] = max(0, self.places.get((service, start), 0) - 1)

    def taken(self, service: str, starts: Iterable[datetime]) -> dict[datetime, int]:
        return {s: self.places[(service, s)] for s in starts if (service, s) in self.places}

    def add(self, booking: Booking) -> None:
        booking.id = len(self.rows) + 1
        self.rows[booking.number] = copy.deepcopy(booking)

    def save(self, booking: Booking) -> None:
        self.rows[booking.number] = copy.deepcopy(booking)

    def community_of_own(self, number: str, user_id: int) -> str | None:
        b = self.rows.get(number)
        return "" if b is not None and b.booker_user_id == user_id else None

    def get(self, number: str) -> Booking | None:
        return copy.deepcopy(self.rows.get(number))

    def by_key(self, key: str) -> Booking | None:
        return next((copy.deepcopy(b) for b in self.rows.values() if b.key == key), None)

    def list(self, *, user_id: int | None = None, service: str | None = None,
             statuses: Iterable[BookingStatus] | None = None, since: datetime | None = None,
             until: datetime | None = None, limit: int = 100) -> list[Booking]:
        wanted = set(statuses) if statuses is not None else None
        rows = [b for b in self.rows.values()
                if (user_id is None or b.booker_user_id == user_id)
                and (service is None or b.service == service)
                and (wanted is None or b.status in wanted)
                and (since is None or b.start >= since) and (until is None or b.start < until)]
        return [copy.deepcopy(b) for b in sorted(rows, key=lambda b: (b.start, b.id or 0))][:limit]

    def add_link(self, link: BeneficiaryLink) -> None:
        link.id = len(self.links) + 1
        self.links[link.id] = copy.deepcopy(link)

    def save_link(self, link: BeneficiaryLink) -> None:
        assert link.id in self.links
        self.links[link.id] = copy.deepcopy(link)

    def get_link(self, link_id: int) -> BeneficiaryLink | None:
        return copy.deepcopy(self.links.get(link_id))

    def where_is(self, number: str) -> tuple[str, str] | None:
        b = self.rows.get(number)
        return (b.community, b.service) if b is not None else None

    def visits(self, since: datetime, until: datetime, statuses: Iterable[BookingStatus], *,
               where: Any = None, city: bool = False, limit: int = 100) -> tuple[list[Booking], dict[str, int]]:
        found = [b for b in self.list(statuses=statuses, since=since, until=until, limit=10**9)
                 if where is None or (b.community in where and (where[b.community] is None
                                                               or b.service in where[b.community]))]
        counts: dict[str, int] = {}
        for b in found:
            counts[b.community] = counts.get(b.community, 0) + 1
        return found[:limit], counts

    def community_of_link(self, link_id: int, resident_id: int) -> str | None:
        link = self.links.get(link_id)
        return link.community if link is not None and link.resident_id == resident_id else None

    def links_of(self, user_id: int) -> list[BeneficiaryLink]:
        return [copy.deepcopy(x) for x in self.links.values() if x.booker_user_id == user_id]

    def _pending_links(self, community: str | None) -> list[BeneficiaryLink]:
        return sorted((x for x in self.links.values() if x.status == "pending"
                       and community in (None, x.community)), key=lambda x: (x.created_at or LATEST, x.id or 0))

    def pending_links_backlog(self, community: str | None = None) -> dict[str, Backlog]:
        return _backlog((x.community, x.created_at or LATEST) for x in self._pending_links(community))

    def oldest_pending_links(self, community: str | None, limit: int) -> list[tuple[datetime, int]]:
        return [(x.created_at or LATEST, x.id or 0) for x in self._pending_links(community)][:limit]

    def links_many(self, ids: list[int]) -> list[BeneficiaryLink]:
        return [copy.deepcopy(self.links[i]) for i in ids if i in self.links]


class FakeVolunteers:
    """Volunteers, tasks, places and 求助 in memory (places counted as the SQL UPDATE does)."""

    def __init__(self) -> None:
        self.people: dict[int, Volunteer] = {}
        self.task_rows: dict[int, Task] = {}
        self.places: dict[tuple[int, int], Signup] = {}
        self.helps: dict[int, HelpRequest] = {}

    def get(self, resident_id: int) -> Volunteer | None:
        return copy.deepcopy(self.people.get(resident_id))

    def save(self, volunteer: Volunteer) -> None:
        self.people[volunteer.resident_id] = copy.deepcopy(volunteer)

    def active(self) -> list[Volunteer]:
        return [copy.deepcopy(v) for _, v in sorted(self.people.items()) if v.active]

    def add_task(self, task: Task) -> None:
        task.id = max(self.task_rows, default=0) + 1
        self.task_rows[task.id] = copy.deepcopy(task)

    def get_task(self, task_id: int) -> Task | None:
        return copy.deepcopy(self.task_rows.get(task_id))

    def tasks(self, *, since: datetime | None = None, until: datetime | None = None,
              limit: int = 100) -> list[Task]:
        rows = sorted(self.task_rows.values(), key=lambda k: (k.start, k.id or 0))
        return [copy.deepcopy(k) for k in rows if (since is None or k.start >= since)
                and (until is None or k.start < until)][:limit]

    def take(self, task_id: int, now: datetime) -> bool:
        k = self.task_rows.get(task_id)
        if k is None or k.status != "open" or k.start <= now or k.taken >= k.capacity:
            return False
        k.taken += 1
        return True

    def release(self, task_id: int) -> None:
        k = self.task_rows.get(task_id)
        if k is not None and k.taken > 0:
            k.taken -= 1

    def signup(self, task_id: int, resident_id: int) -> Signup | None:
        return copy.deepcopy(self.places.get((task_id, resident_id)))

    def save_signup(self, signup: Signup) -> None:
        signup.id = signup.id or len(self.places) + 1
        self.places[(signup.task_id, signup.resident_id)] = copy.deepcopy(signup)

    def signups(self, task_id: int) -> list[Signup]:
        return [copy.deepcopy(s) for (k, _), s in self.places.items()
                if k == task_id and s.status == "taken"]

    def attended(self, since: datetime, until: datetime) -> list[tuple[Signup, Task]]:
        return [(copy.deepcopy(s), copy.deepcopy(self.task_rows[k])) for (k, _), s in self.places.items()
                if s.status == "taken" and s.attended and since <= self.task_rows[k].start < until]

    def add_help(self, request: HelpRequest) -> None:
        request.id = max(self.helps, default=0) + 1
        self.helps[request.id] = copy.deepcopy(request)

    def get_help(self, help_id: int) -> HelpRequest | None:
        return copy.deepcopy(self.helps.get(help_id))

    def open_help(self, limit: int = 1000) -> list[HelpRequest]:
        return [copy.deepcopy(h) for _, h in sorted(self.helps.items()) if h.status == "open"][:limit]

    def open_help_backlog(self, scope: WorkScope) -> dict[str, Backlog]:
        return _backlog((h.community, h.created_at or LATEST) for h in self.open_help(10**9)
                        if scope.takes_help(h.community, h.grid))

    def oldest_open_help(self, scope: WorkScope, limit: int) -> list[tuple[datetime, int]]:
        rows = [h for h in self.open_help(10**9) if scope.takes_help(h.community, h.grid)]
        return [(h.created_at or LATEST, h.id or 0) for h in sorted(rows, key=lambda h: h.created_at or LATEST)][:limit]

    def help_many(self, ids: list[int]) -> list[HelpRequest]:
        return [copy.deepcopy(self.helps[i]) for i in ids if i in self.helps]

    def save_help(self, request: HelpRequest) -> None:
        assert request.id in self.helps
        self.helps[request.id] = copy.deepcopy(request)
# --- alerts (workstream "alerts") -----------------------------------------------------------
class FakeAlerts:
    def __init__(self) -> None:
        self.shelter_rows: dict[str, Shelter] = {}
        self.alert_rows: dict[int, Alert] = {}
        self.locations: dict[int, tuple[float, float, datetime]] = {}
        self.people: list[Recipient] = []  # set by tests: who the verified residents are

    def shelters(self, *, open_only: bool = False, everywhere: bool = False) -> list[Shelter]:
        return [s for _, s in sorted(self.shelter_rows.items()) if s.open or not open_only]

    def shelter(self, code: str) -> Shelter | None:
        return self.shelter_rows.get(code)

    def save_shelter(self, shelter: Shelter, at: datetime) -> None:
        self.shelter_rows[shelter.code] = shelter

    def seed_shelters(self, shelters: list[Shelter], at: datetime) -> int:
        new = [s for s in shelters if s.code not in self.shelter_rows]
        self.shelter_rows.update({s.code: s for s in new})
        return len(new)

    def add_alert(self, alert: Alert) -> Alert:
        alert.id = max(self.alert_rows, default=0) + 1
        self.alert_rows[alert.id] = copy.deepcopy(alert)
        return alert

    def set_recipients(self, alert_id: int, n: int) -> None:
        self.alert_rows[alert_id].recipients = n

    def alert(self, alert_id: int) -> Alert | None:
        return copy.deepcopy(self.alert_rows.get(alert_id))

    def alert_by_cap(self, identifier: str) -> Alert | None:
        return next((copy.deepcopy(a) for a in self.alert_rows.values() if a.cap_identifier == identifier), None)

    def alerts(self, limit: int = 50) -> list[Alert]:
        return [copy.deepcopy(a) for _, a in sorted(self.alert_rows.items(), reverse=True)][:limit]

    def remember_location(self, resident_id: int, lat: float, lon: float, at: datetime) -> None:
        self.locations[resident_id] = (lat, lon, at)

    def recipients(self, after: int = 0, limit: int | None = None) -> list[Recipient]:
        out = []
        for r in sorted(self.people, key=lambda p: p.resident_id):
            if r.resident_id <= after:
                continue
            lat, lon, at = self.locations.get(r.resident_id, (None, None, None))
            out.append(Recipient(r.resident_id, r.chat_id, r.estate, lat, lon, at, r.community))
        return out[:limit] if limit is not None else out

    def shared_chats(self) -> set[int]:
        seen: Counter[int] = Counter(r.chat_id for r in self.people)
        return {c for c, n in seen.items() if n > 1}
# --- policies (workstream "policy") ---------------------------------------------------------
class FakePolicies:
    def __init__(self) -> None:
        self.rows: dict[str, Policy] = {}

    def add(self, policy: Policy) -> None:
        if policy.code in self.rows:
            raise ValueError(f"duplicate policy code {policy.code!r}")
        self.rows[policy.code] = policy

    def get(self, code: str) -> Policy | None:
        return self.rows.get(code)

    def list(self) -> list[Policy]:
        return list(self.rows.values())

    def remove(self, code: str) -> bool:
        return self.rows.pop(code, None) is not None

    def stamp(self) -> str:
        return "|".join(f"{p.code}@{p.added_at}" for p in self.rows.values())
# --- push ---
class FakePushes:
    """Push records in memory; progress is counted from the unit of work's outbox."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.rows: dict[int, Push] = {}
        self._uow = weakref.ref(uow)  # deep-copied as is: snapshots keep the same outbox

    def add(self, push: Push) -> int:
        push.id = len(self.rows) + 1
        self.rows[push.id] = copy.deepcopy(push)
        return push.id

    def get(self, push_id: int) -> Push | None:
        return copy.deepcopy(self.rows.get(push_id))

    def list(self, limit: int = 50) -> list[Push]:
        return [copy.deepcopy(p) for p in sorted(self.rows.values(), key=lambda p: -(p.id or 0))][:limit]

    def set_total(self, push_id: int, total: int) -> None:
        self.rows[push_id].total = total

    def progress(self, push_id: int) -> Progress:
        uow = self._uow()
        assert uow is not None
        mine = [m.status for m in uow.outbox.messages if m.push_id == push_id]
        return Progress(total=self.rows[push_id].total, sent=mine.count("sent"),
                        failed=mine.count("failed"), blocked=mine.count("blocked"))

    def by_progress_message(self, chat_id: int, message_id: int) -> Push | None:
        return next((copy.deepcopy(p) for p in self.rows.values()
                     if (p.progress_chat_id, p.progress_message_id) == (chat_id, message_id)), None)

    def watched(self) -> list[Push]:
        return [copy.deepcopy(p) for p in self.rows.values()
                if p.progress_message_id is not None and p.finished_at is None]

    def finish(self, push_id: int, at: datetime) -> None:
        self.rows[push_id].finished_at = at

    def of_alerts(self, alert_ids: Sequence[int]) -> dict[int, Push]:
        return {int(p.targets["alert"]): copy.deepcopy(p) for p in self.rows.values()
                if p.kind == "alert" and p.targets.get("alert") in alert_ids}


class FakeSubscriptions:
    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], bool] = {}

    def of(self, resident_id: int) -> dict[str, bool]:
        return {t: self.rows.get((resident_id, t), on) for t, on in DEFAULT_ON.items()}

    def switch(self, resident_id: int, topic: str, on: bool, at: datetime) -> None:
        self.rows[(resident_id, topic)] = on

    def opted_out(self, topic: str) -> set[int]:
        return {rid for (rid, t), on in self.rows.items() if t == topic and not on}
class FakeBoard:
    """公开之栏 in memory (the same filters as storage.board)."""

    def __init__(self) -> None:
        self.notice_rows: list[Notice] = []
        self.line_rows: list[LedgerLine] = []
        self.project_rows: dict[int, Project] = {}
        self.update_rows: list[ProjectUpdate] = []

    def add_notice(self, notice: Notice) -> None:
        notice.id = len(self.notice_rows) + 1
        self.notice_rows.append(copy.deepcopy(notice))

    def notices(self, *, since: datetime | None = None, until: datetime | None = None,
                estates: list[str] | None = None, limit: int = 50) -> list[Notice]:
        rows = [n for n in self.notice_rows if (since is None or n.published_at >= since)
                and (until is None or n.published_at < until) and (estates is None or n.estate in estates)]
        rows.sort(key=lambda n: (n.published_at, n.id or 0), reverse=True)
        return copy.deepcopy(rows[:limit])

    def add_line(self, line: LedgerLine) -> None:
        line.id = len(self.line_rows) + 1
        self.line_rows.append(copy.deepcopy(line))

    def lines(self, start: date, end: date, estates: list[str] | None = None) -> list[LedgerLine]:
        rows = [x for x in self.line_rows
                if start <= x.day < end and (estates is None or x.estate in estates)]
        return copy.deepcopy(sorted(rows, key=lambda x: (x.day, x.id or 0)))

    def add_project(self, project: Project) -> None:
        project.id = len(self.project_rows) + 1
        updates, project.updates = project.updates, []
        self.project_rows[project.id] = copy.deepcopy(project)
        for u in updates:
            u.project_id = project.id
            self.add_update(u)
        project.updates = updates

    def save_project(self, project: Project) -> None:
        assert project.id in self.project_rows
        self.project_rows[project.id].status = project.status
        self.project_rows[project.id].budget_fen = project.budget_fen

    def add_update(self, update: ProjectUpdate) -> None:
        update.id = len(self.update_rows) + 1
        self.update_rows.append(copy.deepcopy(update))

    def project(self, project_id: int) -> Project | None:
        p = copy.deepcopy(self.project_rows.get(project_id))
        if p is not None:
            p.updates = copy.deepcopy(sorted((u for u in self.update_rows if u.project_id == p.id),
                                             key=lambda u: (u.day, u.id or 0)))
        return p

    def projects(self, estates: list[str] | None = None) -> list[Project]:
        return [p for i in sorted(self.project_rows)
                if (p := self.project(i)) is not None and (estates is None or p.estate in estates)]

    def is_empty(self) -> bool:
        return not (self.notice_rows or self.line_rows or self.project_rows)


class FakeUnitOfWork:
    """Keeps everything in memory and behaves like storage's SqlUnitOfWork.

    Copy-on-begin: the outermost `with` snapshots every repository (any public attribute not in
    `_BOOKKEEPING`, so repositories added later are covered without change here); `rollback`, or
    leaving without `commit`, restores the snapshot. Published events wait for `commit`, which
    hands them to `on_event`. A nested `with` joins the outer one: only the outermost commits
    (`committed` counts those) or rolls back.
    """

    _BOOKKEEPING = frozenset({"on_event", "events", "committed", "community", "visible"})

    def __init__(self, on_event: Callable[[Event, UnitOfWork], None] | None = None) -> None:
        self.residents = FakeResidents()
        self.staff = FakeStaff()
        self.reports = FakeReports()
        self.conversations = FakeConversations()
        self.outbox = FakeOutbox()
        self.audit = FakeAudit()
        self.seals = FakeSeals()
        self.bookings = FakeBookings()
        self.polls = FakePolls()
        self.ratings = FakeRatings()
        self.volunteers = FakeVolunteers()
        self.alerts = FakeAlerts()
        self.policies = FakePolicies()
        self.pushes = FakePushes(self)
        self.subscriptions = FakeSubscriptions()
        self.board = FakeBoard()
        self.on_event = on_event
        self.community: str | None = None  # one community in memory: nothing to scope
        self.visible: frozenset[str] | None = None
        self.events: list[Event] = []  # every event handed over at a commit, in order
        self.committed = 0
        self._pending: list[Event] = []
        self._depth = 0
        self._snapshot: dict[str, dict[str, Any]] = {}

    def _repositories(self) -> dict[str, Any]:
        return {name: repo for name, repo in vars(self).items()
                if not name.startswith("_") and name not in self._BOOKKEEPING}

    def _take_snapshot(self) -> None:
        self._snapshot = {name: copy.deepcopy(vars(repo)) for name, repo in self._repositories().items()}

    def __enter__(self) -> Self:
        self._depth += 1
        if self._depth == 1:
            self._take_snapshot()
            self._pending = []
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()  # after a commit this restores the state just committed

    def publish(self, event: Event) -> None:
        self._pending.append(event)

    def commit(self) -> None:
        while self._pending:  # handlers may publish more
            event = self._pending.pop(0)
            self.events.append(event)
            if self.on_event:
                self.on_event(event, self)
        if self._depth > 1:
            return  # the outermost unit of work commits
        self.committed += 1
        self._take_snapshot()

    def lock_chat(self, chat_id: int) -> None:
        """One process, one thread per chat: nothing to wait for."""

    def scope_to(self, community: str | None, visible: frozenset[str] | None,
                 on_event: Any = None) -> None:
        """Remember the community; the in-memory world holds one, so nothing is filtered."""
        self.community, self.visible = community, visible
        if on_event is not None:
            self.on_event = on_event

    def rollback(self) -> None:
        if self._depth > 1:
            return  # the outermost unit of work decides
        self._pending = []
        if not self._snapshot:
            return  # never entered: nothing began, nothing to discard
        for name, repo in self._repositories().items():
            saved = self._snapshot.get(name)
            if saved is not None:  # kept object: tests may hold a reference to a repository
                vars(repo).clear()
                vars(repo).update(copy.deepcopy(saved))


# --- polls (workstream "polls") -------------------------------------------------------------
class FakePolls:
    """Polls in memory; voters and ballots keyed like storage's (a keyed hash per household)."""

    def __init__(self) -> None:
        self.polls: dict[int, Poll] = {}
        self.voted: dict[tuple[int, str], int | None] = {}  # (poll, voter hash) → chat
        self.ballot_rows: dict[tuple[int, str], int] = {}  # (poll, ballot hash) → option

    @staticmethod
    def _hash(kind: str, poll_id: int, household: str) -> str:
        return hmac.new(b"fake-key", f"{kind}|{poll_id}|{household}".encode(), hashlib.sha256).hexdigest()

    def add(self, poll: Poll) -> Poll:
        poll.id = len(self.polls) + 1
        self.polls[poll.id] = copy.deepcopy(poll)
        return poll

    def save(self, poll: Poll) -> None:
        assert poll.id in self.polls
        self.polls[poll.id] = copy.deepcopy(poll)

    def get(self, poll_id: int) -> Poll | None:
        return copy.deepcopy(self.polls.get(poll_id))

    def list(self, *, status: PollStatus | None = None, limit: int = 50) -> list[Poll]:
        found = [p for p in self.polls.values() if status is None or p.status == status]
        return [copy.deepcopy(p) for p in sorted(found, key=lambda p: -(p.id or 0))][:limit]

    def due(self, now: datetime) -> list[Poll]:
        return [copy.deepcopy(p) for p in self.polls.values() if p.status == PollStatus.OPEN and p.ends_at <= now]

    def has_voted(self, poll_id: int, household: str) -> bool:
        return (poll_id, self._hash("voter", poll_id, household)) in self.voted

    def cast(self, poll_id: int, household: str, option: int, chat_id: int | None, at: datetime) -> bool:
        key = (poll_id, self._hash("voter", poll_id, household))
        if key in self.voted:
            return False
        self.voted[key] = chat_id
        self.ballot_rows[(poll_id, self._hash("ballot", poll_id, household))] = option
        return True

    def ballots(self, poll_id: int) -> list[tuple[str, int]]:
        return sorted((h, o) for (p, h), o in self.ballot_rows.items() if p == poll_id)

    def voters(self, poll_id: int) -> int:
        return sum(1 for p, _ in self.voted if p == poll_id)

    def voter_chats(self, poll_id: int) -> list[int]:
        return sorted({c for (p, _), c in self.voted.items() if p == poll_id and c is not None})


class FakeRatings:
    """Ratings in memory, one per (resident, target, month)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int | None, str, str], Rating] = {}

    def put(self, rating: Rating) -> bool:
        key = (rating.resident_id, rating.target, rating.month)
        replaced = key in self.rows
        self.rows[key] = copy.deepcopy(rating)
        return replaced

    def summary(self, months: list[str], estate: str | None = None) -> list[MonthSummary]:
        groups: dict[tuple[str, str, str], list[int]] = {}
        for r in self.rows.values():
            if r.month in months and (estate is None or r.estate == estate):
                groups.setdefault((r.estate, r.target, r.month), []).append(r.stars)
        return [MonthSummary(e, t, m, len(s), round(sum(s) / len(s), 2)) for (e, t, m), s in sorted(groups.items())]
def fake_world(now: datetime) -> tuple[Any, FakeUnitOfWork, Any]:
    """The shipped config's App over an in-memory unit of work, its staff in place, and an engine."""
    from bot.app import App
    from bot.config import load_config
    from bot.dialogue.engine import DialogueEngine
    from tests.fixtures import SHIPPED_CONFIG, one_community
    from tests.support.chat import shared_parser

    app = App(one_community(load_config(SHIPPED_CONFIG, environ=False)))
    uow = FakeUnitOfWork()
    uow.on_event = app.notifier.handle
    app.uow_factory = lambda: uow
    app.__dict__["parser"] = shared_parser()
    for s in app.declared_staff():
        uow.staff.save(s)
    return app, uow, DialogueEngine(app, clock=lambda: now)
