"""Bookings (预约) of 政务超市 and 幸福颐养超市 services: the catalogue, slots, states, numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.errors import DomainError

NUMBER_PREFIX = "YY"  # 预约; reports keep BS-


class Status(StrEnum):
    BOOKED = "booked"  # 已预约
    DONE = "done"  # 已上门
    NO_SHOW = "noshow"  # 未上门
    CANCELLED = "cancelled"  # 已取消


STATUS_LABELS = {Status.BOOKED: "已预约", Status.DONE: "已上门", Status.NO_SHOW: "未上门",
                 Status.CANCELLED: "已取消"}


class SlotProblem(StrEnum):
    OUTSIDE_HOURS = "outside_hours"  # not a working day, or not within the service's hours
    TOO_SOON = "too_soon"  # less than the minimum notice
    TOO_FAR = "too_far"  # beyond how far ahead it can be booked
    FULL = "full"  # every place of the slot is taken


class SlotUnavailable(DomainError):
    """The time asked for cannot be booked; `problem` says why."""

    def __init__(self, problem: SlotProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Service:
    """One bookable service, resolved from the catalogue in config."""

    code: str
    name: str
    category: str  # affairs (政务超市) | care (幸福颐养超市)
    group: str
    provider_chat: int | None = None
    place: str = "上门"
    duration: int = 60  # minutes; also the length of a slot
    price: int = 0  # 元; 0 when free
    subsidy: str = ""
    capacity: int = 1  # visits per slot
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    start: time = time(8, 30)
    end: time = time(17, 0)
    notice_hours: int = 12
    horizon_days: int = 14
    prepare: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def slots_on(self, day: date, zone: ZoneInfo) -> list[datetime]:
        """The slot starts of a local day (UTC), empty on a day off."""
        if day.isoweekday() not in self.weekdays:
            return []
        out = []
        at = datetime.combine(day, self.start, zone)
        last = datetime.combine(day, self.end, zone) - timedelta(minutes=self.duration)
        while at <= last:
            out.append(at.astimezone(ZoneInfo("UTC")))
            at += timedelta(minutes=self.duration)
        return out

    def problem(self, start: datetime, now: datetime, zone: ZoneInfo) -> SlotProblem | None:
        """Why `start` cannot be booked by the calendar (capacity is checked by storage)."""
        if start not in self.slots_on(start.astimezone(zone).date(), zone):
            return SlotProblem.OUTSIDE_HOURS
        if start < now + timedelta(hours=self.notice_hours):
            return SlotProblem.TOO_SOON
        if start.astimezone(zone).date() > (now.astimezone(zone) + timedelta(
                days=self.horizon_days)).date():
            return SlotProblem.TOO_FAR
        return None

    def snap(self, wanted: datetime, zone: ZoneInfo) -> datetime:
        """The slot that holds a wanted time (两点 → the 14:00 slot; 两点半 → the one it is in)."""
        for start in reversed(self.slots_on(wanted.astimezone(zone).date(), zone)):
            if start <= wanted:
                return start if wanted < start + timedelta(minutes=self.duration) else wanted
        return wanted

    def open_slots(self, now: datetime, zone: ZoneInfo) -> Iterator[datetime]:
        """Every slot that the calendar allows from now to the horizon, in time order."""
        today = now.astimezone(zone).date()
        for d in range(self.horizon_days + 1):
            for start in self.slots_on(today + timedelta(days=d), zone):
                if self.problem(start, now, zone) is None:
                    yield start


def nearest_free(service: Service, wanted: datetime, now: datetime, zone: ZoneInfo,
                 taken: Callable[[datetime], int], n: int = 3,
                 until: datetime | None = None) -> list[datetime]:
    """The n bookable slots nearest to the wanted time (earlier or later), in time order.

    With `until` the wish was a span ("明天下午"): its own free slots come first, earliest first,
    and only then the nearest outside it.
    """
    free = [s for s in service.open_slots(now, zone) if taken(s) < service.capacity]

    def order(s: datetime) -> tuple[int, float, datetime]:
        if until is not None and wanted <= s < until:
            return (0, (s - wanted).total_seconds(), s)
        return (1, abs((s - wanted).total_seconds()), s)

    free.sort(key=order)
    return sorted(free[:n])


@dataclass
class Booking:
    """A booked visit (or a visit to a service point) for one person at one slot."""

    service: str  # Service.code
    start: datetime  # UTC
    booker_user_id: int
    booker_chat_id: int
    beneficiary: str = ""  # the person served, as the booker named them (encrypted at rest)
    contact: str = ""  # their phone, as the booker gave it (encrypted at rest)
    relation: str = ""  # 母亲, 父亲 … ("" when booking for oneself)
    beneficiary_id: int | None = None  # the roster resident served, when known
    unverified: bool = False  # 待核实: booked for a relative whose link staff have not confirmed
    note: str = ""  # mobility, hearing … for the provider
    number: str = ""
    id: int | None = None
    status: Status = Status.BOOKED
    key: str = ""  # idempotency: one confirmation makes one booking
    created_at: datetime | None = None
    reason: str = ""  # why it was cancelled or moved
    staff_note: str = ""
    rating: int | None = None
    comment: str = ""
    patience: str = ""  # the person served, asked afterwards: yes | fair | no (§6.1)
    community: str = ""  # the 村社 it was filed in (its code; set by storage)

    @property
    def active(self) -> bool:
        """Still to happen."""
        return self.status == Status.BOOKED



@dataclass
class BeneficiaryLink:
    """家属代办: a chat user says a person is their relative; staff or that person confirm it."""

    booker_user_id: int
    booker_chat_id: int
    name: str  # as the booker gave it (encrypted at rest)
    contact: str  # the phone the booker gave (encrypted at rest)
    relation: str
    resident_id: int | None = None  # the roster entry name and phone matched, if any
    status: str = "pending"  # pending | confirmed | denied
    id: int | None = None
    created_at: datetime | None = None
    decided_by: str = ""
    community: str = ""  # the 村社 it was filed in, where its bookings are (set by storage)

    @property
    def confirmed(self) -> bool:
        """Staff, or the person served, said the link is true."""
        return self.status == "confirmed"
