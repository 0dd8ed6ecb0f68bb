"""待办: every kind of pending work a staff member may act on, most urgent first, bounded.

Reports, certificate requests waiting for a decision and 求助 not yet made a task. Staff above
several communities (街道/区/市) see each line's community, the top SHOWN of all of them, and
narrow to one community by typing its name or pressing its button.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import SEAL, STAFF, VOLUNTEER
from bot.cards import category_label
from bot.dialogue.turn import Turn
from domain.reports import STATUS_LABELS, Report, Status
from domain.seals import SealRequest, SealStatus
from domain.staff import Staff
from domain.usecases import handling as uc
from domain.volunteers import HelpRequest

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
    line: Callable[[App], str]  # in its community's words; drawn only for the lines shown
    button: tuple[str, str]


def show(t: Turn, only: str | None = None) -> None:
    """The staff member's 待办 (of one community of theirs when `only` is given)."""
    staff = t.staff
    assert staff is not None
    above = bool(staff.level)
    if only is not None and only not in t.app.reach(staff):
        # A forged or stale code may name no community at all: never looked up as a tenant.
        entry = t.app.directory.get(only) if t.app.directory is not None else None
        t.say(texts.WORKLIST_NOT_IN_REACH.format(community=entry.name if entry else texts.WORKLIST_THAT_ONE))
        return
    items = sorted((i for i in _items(t, staff, above) if only is None or i.community == only),
                   key=lambda i: i.due)
    if not items:
        t.say(texts.WORKLIST_IN_EMPTY.format(community=_name(t.app, only)) if only
              else texts.STAFF_TASKS_EMPTY)
        return
    shown, rest = items[:SHOWN], items[SHOWN:]
    head = (texts.WORKLIST_IN.format(community=_name(t.app, only), n=len(items)) if only
            else texts.STAFF_TASKS.format(n=len(items)))
    lines = [head, *(_line(t, i, labelled=above and not only) for i in shown)]
    rows = [[i.button] for i in shown]
    if rest:
        lines.append(texts.WORKLIST_REST.format(n=len(rest)))
    places = Counter(i.community for i in rest)
    if above and not only and len({i.community for i in items}) > 1 and places:
        busiest = places.most_common(NARROW_BUTTONS)
        lines.append(texts.WORKLIST_NARROW.format(example=_name(t.app, busiest[0][0])))
        rows += [[STAFF.button(texts.WORKLIST_COMMUNITY_BUTTON.format(community=_name(t.app, code), n=n),
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


def _line(t: Turn, item: Item, *, labelled: bool) -> str:
    """One line in its own community's words (categories, templates, time zone)."""
    if not labelled:
        return item.line(t.app)
    app = t.app.tenant(item.community)
    return texts.STAFF_LEVEL_TASK.format(community=app.config.community.name, line=item.line(app))


def _items(t: Turn, staff: Staff, above: bool) -> Iterator[Item]:
    # Lines are drawn later, for the few shown: a 区's hundreds of communities are not all loaded.
    for r in uc.list_open_for_staff(t.uow, t.event.user_id, limit=100_000):
        due = r.accept_due if r.status == Status.PENDING else r.resolve_due
        yield Item(due or r.created_at or LATEST, r.community, partial(_report_line, t, r, due),
                   STAFF.button(r.number, "card", r.number))
    seals = t.uow.seals.list(status=SealStatus.PENDING, limit=100_000)
    approvers: dict[str, dict[str, tuple[str, ...]]] = {}  # per community: template → roles
    for s in seals:
        if s.community not in approvers:
            app = t.app.tenant(s.community) if above and s.community else t.app
            approvers[s.community] = {x.code: tuple(x.approvers) for x in app.config.seal_templates}
        roles = approvers[s.community].get(s.template)
        if roles is None or not (staff.read_only or staff.role in roles):
            continue  # not theirs to decide (a 网格员 does not approve certificates)
        yield Item(s.due_at, s.community, partial(_seal_line, t, s), SEAL.button(s.number, "card", s.number))
    for h in t.uow.volunteers.open_help():
        if staff.read_only or (staff.serves(h.grid) if h.grid else staff.role != "网格员"):
            yield Item(h.created_at or t.now, h.community, partial(_help_line, t, h),
                       VOLUNTEER.button(texts.WORKLIST_HELP_BUTTON.format(id=h.id), "hv", h.id or 0))


def _report_line(t: Turn, r: Report, due: datetime | None, app: App) -> str:
    stage = texts.STAGE_ACCEPT if r.status == Status.PENDING else texts.STAGE_RESOLVE
    return texts.STAFF_TASKS_LINE.format(
        number=r.number, category=category_label(app, r.category), status=STATUS_LABELS[r.status],
        due=texts.CARD_DUE.format(when=texts.format_when(due, app.zone, t.now), stage=stage) if due else "")


def _seal_line(t: Turn, s: SealRequest, app: App) -> str:
    template = app.certifier.template(s.template)
    return texts.WORKLIST_SEAL_LINE.format(
        number=s.number, template=template.name if template else s.template,
        due=texts.WORKLIST_SEAL_DUE.format(when=texts.format_when(s.due_at, app.zone, t.now)))


def _help_line(t: Turn, h: HelpRequest, app: App) -> str:
    words = h.text if len(h.text) <= texts.WORKLIST_HELP_CHARS else h.text[:texts.WORKLIST_HELP_CHARS] + "…"
    return texts.WORKLIST_HELP_LINE.format(id=h.id, text=words,
                                       when=texts.format_when(h.created_at or t.now, app.zone, t.now))
