"""待办: every kind of pending work a staff member may act on, most urgent first, bounded.

Reports, certificate requests waiting for a decision, 求助 not yet made a task and family links
(家属代办) waiting for staff to say whether they are true. Staff above
several communities (街道/区/市) see each line's community, the top SHOWN of all of them, and
narrow to one community by typing its name or pressing its button.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import LINK, SEAL, STAFF, VOLUNTEER
from bot.cards import category_label
from bot.dialogue.turn import Turn
from domain.bookings import BeneficiaryLink
from domain.identity import mask_name
from domain.reports import STATUS_LABELS, Report, Status
from domain.seals import SealRequest
from domain.staff import Staff
from domain.usecases.worklist import worklist
from domain.volunteers import HelpRequest
from domain.worklist import Pending, Record

if TYPE_CHECKING:
    from bot.app import App

SHOWN = 10  # lines in one 待办 message; a 区 can have hundreds of communities
NARROW_BUTTONS = 4  # the busiest communities among the rest, one tap each
# Words around a community's name when staff ask for its list: "看看南垟社区的待办".
ASKING = re.compile(r"[\s。.!！?？,，]|待办|待处理|工单|的|只看|看看|看一下|查看|查一下|我要看")


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
    # Counted by the database; only the lines shown are read and decrypted.
    work = worklist(t.uow, staff, _decides(t, staff), only=only, limit=SHOWN)
    if not work.shown:
        t.say(texts.WORKLIST_IN_EMPTY.format(community=_name(t.app, only)) if only
              else texts.STAFF_TASKS_EMPTY)
        return
    head = (texts.WORKLIST_IN.format(community=_name(t.app, only), n=work.total) if only
            else texts.STAFF_TASKS.format(n=work.total))
    lines = [head, *(_line(t, p, labelled=above and not only) for p in work.shown)]
    rows = [[_button(p.record)] for p in work.shown]
    if work.total > len(work.shown):
        lines.append(texts.WORKLIST_REST.format(n=work.total - len(work.shown)))
    busiest = work.busiest_rest(NARROW_BUTTONS)
    if above and not only and work.places > 1 and busiest:
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


def _decides(t: Turn, staff: Staff) -> Callable[[str], frozenset[str]]:
    """Per community: the certificate templates `staff` decides (a read-only account: looks at all)."""
    def templates(app: App) -> frozenset[str]:
        return frozenset(x.code for x in app.config.seal_templates if staff.read_only or staff.role in x.approvers)

    if not staff.level:
        own = templates(t.app)
        return lambda _code: own
    root = t.app.root or t.app
    directory = root.directory
    shared = templates(root)  # config.yaml's, kept by every community file that sets none

    def decides(code: str) -> frozenset[str]:
        entry = directory.get(code) if directory is not None else None
        if entry is None and code != root.community_code:
            return frozenset()  # a community taken out of the deployment: not theirs to decide here
        # Only a file with its own templates is read and validated (a city has thousands).
        return templates(t.app.tenant(code)) if entry is not None and entry.own_seals else shared

    return decides


def _button(record: Record) -> tuple[str, str]:
    if isinstance(record, Report):
        return STAFF.button(record.number, "card", record.number)
    if isinstance(record, SealRequest):
        return SEAL.button(record.number, "card", record.number)
    if isinstance(record, BeneficiaryLink):
        return LINK.button(texts.WORKLIST_LINK_BUTTON.format(id=record.id), "card", record.id or 0)
    return VOLUNTEER.button(texts.WORKLIST_HELP_BUTTON.format(id=record.id), "hv", record.id or 0)


def _line(t: Turn, item: Pending, *, labelled: bool) -> str:
    """One line in its own community's words (categories, templates, time zone)."""
    app = t.app.tenant(item.community) if labelled else t.app
    r = item.record
    if isinstance(r, Report):
        line = _report_line(t, r, app)
    elif isinstance(r, SealRequest):
        line = _seal_line(t, r, app)
    elif isinstance(r, BeneficiaryLink):
        line = texts.WORKLIST_LINK_LINE.format(id=r.id, who=r.relation + mask_name(r.name),
                                               when=texts.format_when(r.created_at or t.now, app.zone, t.now))
    else:
        line = _help_line(t, r, app)
    return texts.STAFF_LEVEL_TASK.format(community=app.config.community.name, line=line) if labelled else line


def _report_line(t: Turn, r: Report, app: App) -> str:
    due, stage = ((r.accept_due, texts.STAGE_ACCEPT) if r.status == Status.PENDING
                  else (r.resolve_due, texts.STAGE_RESOLVE))
    return texts.STAFF_TASKS_LINE.format(
        number=r.number, category=category_label(app, r.category), status=STATUS_LABELS[r.status],
        due=texts.CARD_DUE.format(when=texts.format_when(due, app.zone, t.now), stage=stage) if due else "")


def _seal_line(t: Turn, s: SealRequest, app: App) -> str:
    template = app.certifier.template(s.template)
    return texts.WORKLIST_SEAL_LINE.format(
        number=s.number, template=template.name if template else s.template,
        due=texts.WORKLIST_SEAL_DUE.format(when=texts.format_when(s.due_at, app.zone, t.now)))


def _help_line(t: Turn, h: HelpRequest, app: App) -> str:
    said = " ".join(h.text.split())  # lines typed one by one: one line in the list
    words = said if len(said) <= texts.WORKLIST_HELP_CHARS else said[:texts.WORKLIST_HELP_CHARS] + "…"
    return texts.WORKLIST_HELP_LINE.format(id=h.id, text=words,
                                       when=texts.format_when(h.created_at or t.now, app.zone, t.now))
