"""What a warning's messages need of each recipient's community: estates, office phone, staff chat.

A city-wide warning touches thousands of communities. Validating each one's whole configuration
took about 8 ms (40 s for 5,000), so only the three sections used here are read from the file
and validated, once per community per process (kept while the file is unchanged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.config import Estate, Office
from bot.events import Reply

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
Estates = dict[str, tuple[float, float, str]]  # code → lat, lon, name


@dataclass(frozen=True)
class Settings:
    """The few settings of one community a warning uses."""

    estates: Estates
    call: str  # 打社区电话 0577-…（hours）
    staff_chat_id: int | None


@dataclass
class Local:
    """One community's settings with this warning's texts built from them."""

    estates: Estates
    none_open: Reply
    staff_chat_id: int | None


def _estates(items: Any) -> Estates:
    estates = [Estate.model_validate(e) for e in items or []]
    return {e.code: (e.lat, e.lon, e.name) for e in estates if e.lat is not None and e.lon is not None}


def _call(office: Office | None) -> str:
    return texts.OFFICE_CALL.format(phone=office.phone, hours=office.hours) if office else texts.OFFICE_UNKNOWN


def settings_of_config(app: App) -> Settings:
    """From an App's validated configuration (a community not in the directory)."""
    c = app.config
    return Settings({e.code: (e.lat, e.lon, e.name) for e in c.estates if e.lat is not None and e.lon is not None},
                    _call(c.community.office), c.community.staff_chat_id)


def settings(app: App, code: str, read: Callable[[str], dict[str, Any]] | None = None) -> Settings:
    """One community's Settings, read once per process while its file is unchanged (`read`:
    the directory's reader of a warning's fields, when a warning reads thousands)."""
    root = getattr(app, "root", None) or app  # (tests prepare with a bare namespace as the app)
    directory = getattr(root, "directory", None)
    if directory is None or not code or directory.get(code) is None:
        return settings_of_config(app)  # one community, or a code no longer listed: the sender's
    kept: dict[str, tuple[tuple[int, int], Settings]] = root.__dict__.setdefault("_alert_settings", {})
    stamp = directory.stamp(code)
    hit = kept.get(code)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    raw = read(code) if read is not None else directory.raw(code)
    community = raw.get("community") or {}
    try:
        office = Office.model_validate(community["office"]) if community.get("office") else None
        found = Settings(_estates(raw.get("estates")), _call(office), int(community["staff_chat_id"]))
    except (ValueError, KeyError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        # One broken community file never stops a city-wide warning: its residents still get the
        # official text and their nearest shelters, without the office line; the file is named.
        log.warning("community %s: warning settings unreadable (%s); sent without its office or staff chat",
                    code, type(exc).__name__)
        found = Settings({}, texts.OFFICE_UNKNOWN, None)
    kept[code] = (stamp, found)
    return found


class Communities:
    """Each recipient's community's Local for one warning (never read once per resident)."""

    def __init__(self, app: App, head: str) -> None:
        self.app, self.head = app, head
        self.cache: dict[str, Local] = {}
        # Each estate's message, built once for the whole warning (keys: (community, estate)).
        self.replies: dict[Any, Reply] = {}
        self.nowhere = Reply(text=head + texts.ALERT_ASK_PLACE)
        self._read: Callable[[str], dict[str, Any]] | None = None

    def _read_one(self, code: str) -> dict[str, Any]:
        # The index file is read on the first community not already known, once per warning.
        if self._read is None:
            root = getattr(self.app, "root", None) or self.app
            assert root.directory is not None, "only a city's communities are read from files"
            self._read = root.directory.alerting()
        return self._read(code)

    def of(self, code: str) -> Local:
        """The community's Local; an unknown code (or none) is the sender's own community's."""
        hit = self.cache.get(code)
        if hit is None:
            s = settings(self.app, code, self._read_one)
            none = Reply(text=self.head + texts.ALERT_NO_SHELTER_OPEN.format(call=s.call))
            hit = self.cache[code] = Local(s.estates, none, s.staff_chat_id)
        return hit
