"""In-memory repositories and unit of work: the domain's protocols without a database."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Self

from domain.bookings import BeneficiaryLink, Booking
from domain.bookings import Status as BookingStatus
from domain.errors import Conflict
from domain.events import Event
from domain.ports import OutboxMessage, UnitOfWork
from domain.reports import Report, Status, report_number
from domain.residents import Resident
from domain.seals import Certificate, SealDecision, SealRequest, SealStatus
from domain.staff import Staff


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

    def by_name_id4(self, name: str, last4: str) -> Resident | None:
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

    def list_followed(self, chat_id: int, limit: int = 10) -> list[Report]:
        return [r for r in self.list(limit=10_000) if chat_id in r.followers][:limit]

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

    def _get(self, message_id: int) -> OutboxMessage:
        return next(m for m in self.messages if m.id == message_id)

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        pending = [m for m in self.messages if m.status == "pending"]
        return sorted(pending, key=lambda m: (m.priority, m.id or 0))[:limit]

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

    def links_of(self, user_id: int) -> list[BeneficiaryLink]:
        return [copy.deepcopy(x) for x in self.links.values() if x.booker_user_id == user_id]


class FakeUnitOfWork:
    """Keeps everything in memory and behaves like storage's SqlUnitOfWork.

    Copy-on-begin: the outermost `with` snapshots every repository (any public attribute not in
    `_BOOKKEEPING`, so repositories added later are covered without change here); `rollback`, or
    leaving without `commit`, restores the snapshot. Published events wait for `commit`, which
    hands them to `on_event`. A nested `with` joins the outer one: only the outermost commits
    (`committed` counts those) or rolls back.
    """

    _BOOKKEEPING = frozenset({"on_event", "events", "committed"})

    def __init__(self, on_event: Callable[[Event, UnitOfWork], None] | None = None) -> None:
        self.residents = FakeResidents()
        self.staff = FakeStaff()
        self.reports = FakeReports()
        self.conversations = FakeConversations()
        self.outbox = FakeOutbox()
        self.audit = FakeAudit()
        self.seals = FakeSeals()


        self.bookings = FakeBookings()
        self.on_event = on_event
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
