"""Disaster warnings (预警) and shelters (避灾点): records, levels, and what storage must offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from domain.errors import InvalidValue

# 蓝 < 黄 < 橙 < 红, as China's warning signals rank them.
LEVELS = ("蓝", "黄", "橙", "红")
# ASCII codes for button data and the CLI's --level (蓝/黄/橙/红 are accepted there too).
LEVEL_CODES = {"blue": "蓝", "yellow": "黄", "orange": "橙", "red": "红"}
# CAP 1.2 <severity> → our level, when the file names no colour itself.
CAP_SEVERITY = {"Extreme": "红", "Severe": "橙", "Moderate": "黄", "Minor": "蓝", "Unknown": "蓝"}
COLOUR_WORDS = {"红色": "红", "橙色": "橙", "黄色": "黄", "蓝色": "蓝",
                "red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
MAX_TITLE = 100
MAX_TEXT = 3000  # a Telegram message holds 4096 characters; shelters are added below the text


@dataclass(frozen=True)
class Shelter:
    """A 避灾点 with WGS-84 coordinates; closed ones are never offered."""

    code: str
    name: str
    address: str
    lat: float
    lon: float
    capacity: int
    open: bool = True
    area: str = ""  # the estate or area it serves (free text or an estate code)


@dataclass
class Alert:
    """A warning as issued: the official text is relayed unchanged."""

    level: str
    title: str
    text: str
    source: str
    created_by: str
    created_at: datetime
    cap_identifier: str | None = None
    recipients: int = 0
    id: int | None = None


class Recipient(NamedTuple):
    """A verified resident with a chat: their estate, and their last shared location if any.

    A named tuple, not a dataclass: a warning reads one per resident of the whole community.
    """

    resident_id: int
    chat_id: int
    estate: str
    lat: float | None = None
    lon: float | None = None
    located_at: datetime | None = None
    community: str = ""  # their 村社's code: its estates, its office phone


def level_of(value: str) -> str:
    """蓝/黄/橙/红 from 红, 红色, red …; anything else is refused."""
    v = value.strip().lower()
    if v in LEVEL_CODES:
        return LEVEL_CODES[v]
    v = COLOUR_WORDS.get(v, v.removesuffix("色"))
    if v not in LEVELS:
        raise InvalidValue("level", "unknown", levels="/".join(LEVELS))
    return v


def check_alert(alert: Alert) -> Alert:
    """The level known, a title and a text present and not too long."""
    alert.level = level_of(alert.level)
    alert.title, alert.text = alert.title.strip(), alert.text.strip()
    if not alert.title or len(alert.title) > MAX_TITLE:
        raise InvalidValue("title", "length", max=MAX_TITLE)
    if not alert.text or len(alert.text) > MAX_TEXT:
        raise InvalidValue("text", "length", max=MAX_TEXT)
    return alert


def check_shelter(shelter: Shelter) -> Shelter:
    """Coordinates on the globe and a capacity that is not negative."""
    if not -90 <= shelter.lat <= 90 or not -180 <= shelter.lon <= 180:
        raise InvalidValue("shelter", "coordinates", shelter=shelter.code)
    if shelter.capacity < 0:
        raise InvalidValue("capacity", "negative")
    if not shelter.code or not shelter.name:
        raise InvalidValue("shelter", "missing", shelter=shelter.code)
    return shelter


class AlertStore(Protocol):
    """Shelters, alerts and residents' last locations (storage implements it)."""

    def shelters(self, *, open_only: bool = False, everywhere: bool = False) -> list[Shelter]:
        """The scope's shelters; `everywhere`: every community's (a border resident's nearest)."""
    def shelter(self, code: str) -> Shelter | None: ...
    def save_shelter(self, shelter: Shelter, at: datetime) -> None: ...
    def seed_shelters(self, shelters: list[Shelter], at: datetime) -> int: ...
    def add_alert(self, alert: Alert) -> Alert: ...
    def set_recipients(self, alert_id: int, n: int) -> None: ...
    def alert(self, alert_id: int) -> Alert | None: ...
    def alert_by_cap(self, identifier: str) -> Alert | None: ...
    def alerts(self, limit: int = 50) -> list[Alert]: ...
    def remember_location(self, resident_id: int, lat: float, lon: float, at: datetime) -> None: ...
    def recipients(self, after: int = 0, limit: int | None = None) -> list[Recipient]:
        """Verified residents with a chat in the unit of work's scope, by id after `after`."""
    def shared_chats(self) -> set[int]:
        """Chats of more than one of those residents (a family's one phone): given a warning once."""
