"""Pushes: topics residents subscribe to, targets, push records and their progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.residents import Resident

POLICY, NOTICE, ALERT = "政策", "通知", "预警"
TOPICS = (POLICY, NOTICE, ALERT)
# Button-safe codes for the topics (callback data is ASCII).
TOPIC_CODES = {"policy": POLICY, "notice": NOTICE, "alert": ALERT}
CODE_OF_TOPIC = {v: k for k, v in TOPIC_CODES.items()}
KINDS = ("policy", "notice", "alert")
# Everyone gets every topic until they opt out; 预警 can be switched off only after a warning.
DEFAULT_ON = dict.fromkeys(TOPICS, True)


@dataclass(frozen=True)
class Targets:
    """Who a push is for; an empty field means everyone."""

    tags: tuple[str, ...] = ()
    estates: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored with the push)."""
        return {"tags": list(self.tags), "estates": list(self.estates),
                "min_age": self.min_age, "max_age": self.max_age}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Targets:
        """Back from stored or configured data."""
        data = data or {}
        return cls(tuple(data.get("tags") or ()), tuple(data.get("estates") or ()),
                   data.get("min_age"), data.get("max_age"))

    @property
    def everyone(self) -> bool:
        """No condition at all."""
        return not (self.tags or self.estates) and self.min_age is None and self.max_age is None


def birth_date(id_number: str | None) -> date | None:
    """The birth date in an 18-digit ID number (digits 7-14), or None."""
    if not id_number or len(id_number) != 18 or not id_number[6:14].isdigit():
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def age_on(id_number: str | None, today: date) -> int | None:
    """Full years of age on `today`, from the ID number; None when it is unknown."""
    born = birth_date(id_number)
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def matches(resident: Resident, targets: Targets, today: date) -> bool:
    """Whether a resident is among the targets (any listed tag, any listed estate, the ages)."""
    if targets.tags and not set(targets.tags) & set(resident.tags):
        return False
    if targets.estates and resident.address.estate not in targets.estates:
        return False
    if targets.min_age is None and targets.max_age is None:
        return True
    age = age_on(resident.id_number, today)
    if age is None:
        return False  # an age condition needs a known age
    return (targets.min_age is None or age >= targets.min_age) and (
        targets.max_age is None or age <= targets.max_age)


# Where a push goes: one 村社, every 村社 of a 街道/镇 or of a 区, or the whole city.
COMMUNITY, STREET, DISTRICT, CITY = "community", "street", "district", "city"
PLACE_LEVELS = (COMMUNITY, STREET, DISTRICT, CITY)


@dataclass(frozen=True)
class Reach:
    """The place a push or warning is for, and the community codes it resolved to."""

    level: str
    name: str = ""  # a community code, a 街道/镇 or a 区 (nothing for the city)
    district: str = ""  # the 区 of a 街道 whose name another 区 also uses
    codes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """What a push record and a scheduled job keep (the codes are resolved again when sent)."""
        return {"level": self.level, "name": self.name, "district": self.district,
                "communities": len(self.codes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reach:
        """Back from stored data, codes not yet resolved."""
        level = str(data.get("level") or COMMUNITY)
        if level not in PLACE_LEVELS:
            raise ValueError(f"unknown place level {level!r}")
        return cls(level, str(data.get("name") or ""), str(data.get("district") or ""))


@dataclass
class Push:
    """One push to many residents; each recipient's message is an outbox row of its own."""

    kind: str
    topic: str
    title: str
    targets: dict[str, Any] = field(default_factory=dict)
    started_by: str | None = None  # staff code; None for a scheduled push
    created_at: datetime | None = None
    total: int = 0
    id: int | None = None
    # The staff message edited with the progress (a push started from chat).
    progress_chat_id: int | None = None
    progress_message_id: int | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Progress:
    """Where a push stands, counted from its outbox rows."""

    total: int
    sent: int = 0
    failed: int = 0
    blocked: int = 0

    @property
    def pending(self) -> int:
        """Recipients still waiting for their message."""
        return max(0, self.total - self.sent - self.failed - self.blocked)

    @property
    def done(self) -> bool:
        """Every recipient has a final outcome."""
        return self.pending == 0
