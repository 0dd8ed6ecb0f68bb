"""待办: every kind of pending work a staff member may act on, most urgent first, bounded.

Reports, certificate requests waiting for a decision and 求助 not yet made a task. Staff above
several communities (街道/区/市) see each line's community, the top SHOWN of all of them, and
narrow to one community by typing its name or pressing its button.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import SEAL, STAFF, VOLUNTEER
from bot.cards import category_label
from bot.dialogue.turn import Turn
from domain.reports import STATUS_LABELS, Status
from domain.seals import SealStatus
from domain.staff import Staff
from domain.usecases import handling as uc

if TYPE_CHECKING:
    from bot.app import App

SHOWN = 10  # lines in one 待办 message; a 区 can have hundreds of communities
NARROW_BUTTONS = 4  # the busiest communities among the rest, one tap each
LATEST = datetime.max.replace(tzinfo=UTC)
# Words around a community's name when staff ask for its list: "看看南垟社区的待办".
ASKING = re.compile(r"[\s。.!！?？,，]|待办|待处理|工单|的|只看|看看|看一下|查看|查一下|我要看")


@dataclass(frozen=True)
class Item:
    """One pending piece of work: when it falls due, whose it is, its line and its button."""

    due: datetime
    community: str
    line: str
    button: tuple[str, str]


def show(t: Turn, only: str | None = None) -> None:
    """The staff member's 待办 (of one community of theirs when `only` is given)."""
    staff = t.staff
    assert staff is not None
    above = bool(staff.level)
    if only is not None and only not in t.app.reach(staff):
        # A forged or stale code may name no community at all: never looked up as a tenant.
        entry = t.app.directory.get(only) if t.app.directory is not None else None
        t.say(texts.TODO_NOT_IN_REACH.format(community=entry.name if entry else texts.TODO_THAT_ONE))
        return
    items = sorted((i for i in _items(t, staff, above) if only is None or i.community == only),
                   key=lambda i: i.due)
    if not items:
        t.say(texts.TODO_IN_EMPTY.format(community=_name(t.app, only)) if only
              else texts.STAFF_TASKS_EMPTY)
        return
    shown, rest = items[:SHOWN], items[SHOWN:]
    head = (texts.TODO_IN.format(community=_name(t.app, only), n=len(items)) if only
            else texts.STAFF_TASKS.format(n=len(items)))
    lines = [head, *(texts.STAFF_LEVEL_TASK.format(community=_name(t.app, i.community), line=i.line)
                     if above and not only else i.line for i in shown)]
    rows = [[i.button] for i in shown]
    if rest:
        lines.append(texts.TODO_REST.format(n=len(rest)))
    places = Counter(i.community for i in rest)
    if above and not only and len({i.community for i in items}) > 1 and places:
        busiest = places.most_common(NARROW_BUTTONS)
        lines.append(texts.TODO_NARROW.format(example=_name(t.app, busiest[0][0])))
        rows += [[STAFF.button(texts.TODO_COMMUNITY_BUTTON.format(community=_name(t.app, code), n=n),
                               "td", code)] for code, n in busiest]
    t.say("\n".join(lines), rows)


def narrowed(t: Turn, text: str) -> bool:
    """A community's name typed by staff above several ("南垟社区的待办"): its 待办; True if so.

    Only the name itself, with words of asking around it: "南垟花园" is an estate, not a list.
    """
    from bot.community_finder import short_name
    from bot.flows.community_find import finder

    staff = t.staff
    found = finder(t.app) if staff is not None and staff.level and t.app.several else None
    if found is None:
        return False
    said = ASKING.sub("", text)
    named = [e for e in found.by_name(said) if said in {e.name, short_name(e.name), *e.aliases}]
    if len(named) != 1:
        return False
    show(t, named[0].code)
    return True


def _name(app: App, code: str | None) -> str:
    return app.tenant(code).config.community.name if code else ""


def _items(t: Turn, staff: Staff, above: bool) -> Iterator[Item]:
    # Each line in its own community's words (categories, templates, time zone).
    def app_of(code: str) -> App:
        return t.app.tenant(code) if above and code else t.app

    for r in uc.list_open_for_staff(t.uow, t.event.user_id, limit=100_000):
        app = app_of(r.community)
        due = r.accept_due if r.status == Status.PENDING else r.resolve_due
        stage = texts.STAGE_ACCEPT if r.status == Status.PENDING else texts.STAGE_RESOLVE
        line = texts.STAFF_TASKS_LINE.format(
            number=r.number, category=category_label(app, r.category), status=STATUS_LABELS[r.status],
            due=texts.CARD_DUE.format(when=texts.format_when(due, app.zone, t.now), stage=stage)
            if due else "")
        yield Item(due or r.created_at or LATEST, r.community, line, STAFF.button(r.number, "card", r.number))
    for s in t.uow.seals.list(status=SealStatus.PENDING, limit=100_000):
        app = app_of(s.community)
        template = app.certifier.template(s.template)
        if template is None or not (staff.read_only or staff.role in template.approvers):
            continue  # not theirs to decide (a 网格员 does not approve certificates)
        line = texts.TODO_SEAL_LINE.format(
            number=s.number, template=template.name,
            due=texts.TODO_SEAL_DUE.format(when=texts.format_when(s.due_at, app.zone, t.now)))
        yield Item(s.due_at, s.community, line, SEAL.button(s.number, "card", s.number))
    for h in t.uow.volunteers.open_help():
        if not (staff.read_only or (staff.serves(h.grid) if h.grid else staff.role != "网格员")):
            continue
        app = app_of(h.community)
        since = h.created_at or t.now
        words = h.text if len(h.text) <= texts.TODO_HELP_CHARS else h.text[:texts.TODO_HELP_CHARS] + "…"
        line = texts.TODO_HELP_LINE.format(id=h.id, text=words,
                                           when=texts.format_when(since, app.zone, t.now))
        yield Item(since, h.community, line,
                   VOLUNTEER.button(texts.TODO_HELP_BUTTON.format(id=h.id), "hv", h.id or 0))
