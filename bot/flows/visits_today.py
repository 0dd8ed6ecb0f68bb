"""/今日上门: today's visits in time order, for a provider's chat, a 村社's staff, or staff above.

A provider's chat may serve the same service in several communities (a 颐养服务中心 for a whole
街道); staff above several communities (街道/区/市) see all of theirs. Each line then names its
community, the list is bounded like 待办, and one community's list is a tap or its name away.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

from bot import texts
from bot.callbacks import BOOKING
from bot.dialogue.turn import Turn
from bot.flows.community_find import finder, label
from domain.bookings import STATUS_LABELS, Booking, Status

SHOWN = 20  # lines in one message; a 区's day can hold hundreds of visits
NARROW_BUTTONS = 4  # the busiest communities among the rest, one tap each
STATUSES = (Status.BOOKED, Status.DONE)
ASKED = re.compile(r"^/?(今日上门|今天上门|today)(?:\s*(.*))?$", re.IGNORECASE | re.DOTALL)
Where = dict[str, frozenset[str] | None]  # community -> the services listed (None: all)


def today_asked(t: Turn) -> bool:
    """/今日上门 (or "今日上门 南垟社区" from staff above several); True when answered here."""
    said = t.event.text.strip()
    m = ASKED.match(said) if t.event.kind in ("text", "command") else None
    if m is None or (m.group(1).lower() == "today" and t.event.kind != "command" and said != "/today"):
        return False
    staff, rest = t.staff, (m.group(2) or "").strip()
    if staff is not None and staff.level and rest:
        code = _named(t, rest)
        if code is None:
            return False
        show(t, code)
        return True
    if rest:
        return False
    if staff is None and not _provider_where(t, peek=True):
        return False  # neither a provider's chat nor staff: a resident's words, answered elsewhere
    show(t)
    return True


def show(t: Turn, only: str | None = None) -> None:
    """Today's visits this chat may see (of one community of a staff member's when `only`)."""
    staff = t.staff
    since = datetime.combine(t.now.astimezone(t.app.zone).date(), datetime.min.time(), t.app.zone)
    until = since + timedelta(days=1)
    above = staff is not None and bool(staff.level) and only is None
    if only is not None and (staff is None or only not in t.app.reach(staff)):
        t.say(texts.WORKLIST_NOT_IN_REACH.format(community=_label(t, only)))
        return
    if staff is None:
        where: Where | None = _provider_where(t, since=since, until=until)
        items, counts = t.uow.bookings.visits(since, until, STATUSES, where=where, city=True, limit=SHOWN)
    else:
        where = {only: None} if only else None if staff.level else _own_where(t)
        items, counts = t.uow.bookings.visits(since, until, STATUSES, where=where, limit=SHOWN)
    total = sum(counts.values())
    if not total:
        t.say(texts.BOOK_TODAY_NONE)
        return
    labelled = above or len(counts) > 1
    lines = [texts.BOOK_TODAY.format(n=total, lines="\n".join(_line(t, b, labelled) for b in items))]
    rest = Counter(counts)
    rest.subtract(Counter(b.community for b in items))
    rest = +rest  # only the communities with visits not shown
    rows: list[list[tuple[str, str]]] = []
    if rest:
        lines.append(texts.BOOK_TODAY_REST.format(n=sum(rest.values())))
    if above and rest and len(counts) > 1:
        busiest = rest.most_common(NARROW_BUTTONS)
        lines.append(texts.BOOK_TODAY_NARROW.format(example=_label(t, busiest[0][0])))
        rows = [[BOOKING.button(texts.BOOK_TODAY_COMMUNITY_BUTTON.format(community=_label(t, code), n=counts[code]),
                                "today", code)] for code, _ in busiest]
    t.say("\n".join(lines), rows)


def _line(t: Turn, b: Booking, labelled: bool) -> str:
    """One visit in its own community's words (its catalogue's service name, its time zone)."""
    app = t.app.tenant(b.community) if labelled and b.community else t.app
    service = app.services.get(b.service)
    line = texts.BOOK_TODAY_LINE.format(
        time=f"{b.start.astimezone(app.zone):%H:%M}", service=service.name if service else b.service,
        who=b.beneficiary or texts.BOOK_WHO_SELF_LABEL, number=b.number,
        flag=texts.BOOK_FLAG_UNVERIFIED if b.unverified else "", status=STATUS_LABELS[b.status])
    return texts.STAFF_LEVEL_TASK.format(line=line, community=_label(t, b.community)) if labelled else line


def _own_where(t: Turn) -> Where:
    """A 村社's staff: their community; in one of its provider chats, that chat's services only."""
    chats = frozenset(s.code for s in t.app.services.values() if s.provider_chat == t.event.chat_id)
    return {t.uow.community or t.app.community_code: chats or None}


def asked_by_provider(t: Turn) -> bool:
    """今日上门 from a chat that provides some community's services (it needs no community of its own)."""
    return t.event.kind in ("text", "command") and ASKED.match(t.event.text.strip()) is not None \
        and bool(_provider_where(t, peek=True))


def _provider_where(t: Turn, *, since: datetime | None = None, until: datetime | None = None,
                    peek: bool = False) -> Where:
    """The services this chat is the provider of, per community with visits today.

    Only the communities with visits that day are read (a city has thousands); `peek` answers
    whether the chat is a provider's at all, looking at the turn's own catalogue first.
    """
    chat = t.event.chat_id
    mine = frozenset(s.code for s in t.app.services.values() if s.provider_chat == chat)
    if peek and mine:
        return {t.uow.community or t.app.community_code: mine}
    if since is None or until is None:
        since = datetime.combine(t.now.astimezone(t.app.zone).date(), datetime.min.time(), t.app.zone)
        until = since + timedelta(days=1)
    _, counts = t.uow.bookings.visits(since, until, STATUSES, city=True, limit=0)
    where: Where = {}
    known = set(t.app.codes())
    for code in sorted(counts):
        if code in known:
            served = frozenset(s.code for s in t.app.tenant(code).services.values() if s.provider_chat == chat)
            if served:
                where[code] = served
    return where


def _named(t: Turn, said: str) -> str | None:
    """The one community whose name (or alias) this is, for "今日上门 南垟社区"."""
    from bot.community_finder import short_name

    found = finder(t.app) if t.app.several else None
    named = [e for e in found.by_name(said) if said in {e.name, short_name(e.name), *e.aliases}] if found else []
    return named[0].code if len(named) == 1 else None


def _label(t: Turn, code: str) -> str:
    """The community's name; a forged code names none (never looked up as a tenant)."""
    if code not in t.app.codes():
        return texts.WORKLIST_THAT_ONE
    return label(t.app, code)
