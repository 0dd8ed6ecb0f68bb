"""Staff actions on report cards (buttons and notes) and staff talking to the bot as staff."""

from __future__ import annotations

import re
from dataclasses import replace

from bot import texts
from bot.callbacks import STAFF, Callback
from bot.cards import staff_card
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, grid_rows, reply
from bot.events import Reply
from bot.flows import staff_notes as notes
from bot.flows import todo
from domain.errors import InvalidTransition, NotAllowed, NotFound, StaffOnly, ViewOnly
from domain.reports import STATUS_LABELS, Report
from domain.usecases import handling as uc
from domain.usecases.residents import verify_resident

BUTTONS = (STAFF,)  # this flow's button namespace
NOTE_ACTIONS = frozenset({"rej", "dup", "done"})  # asked for a note before acting
MOVE_ACTIONS = frozenset({"acc", "prog"})
NOTE_ANSWERS = frozenset({"npub", "nint", "nskip", "nx"})
# Only these make a staff member's private text a resident's report.
SAYS_REPORT = re.compile(r"(我要|我想|帮居民|替居民|帮忙)(报修|报事|反映|提建议|提个建议)|我有个建议")


def on_button(t: Turn, cb: Callback) -> None:
    """Every staff button: who pressed, their role and grid, and the report's state are checked."""
    if t.staff is None:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
        return
    try:
        _act(t, cb)
    except ViewOnly:
        t.replies.append(reply("", notice=texts.STAFF_VIEW_ONLY))
    except NotAllowed:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
    except InvalidTransition:  # also Conflict: someone else acted first
        if cb.action == "ver":
            t.replies.append(reply("", notice=texts.STAFF_VERIFIED_ALREADY))
        else:
            refresh(t, cb.arg())


def enter(t: Turn, community: str) -> None:
    """Act in the record's own community: its config (grids, chats, estates), filed under it.

    A 街道/区/市 staff member's turn sees several communities and is home to none; before they
    act on a record the turn moves into that record's community (a 村社's staff are there already).
    """
    if not community or community == t.uow.community:
        return
    if t.staff is None or community not in t.app.reach(t.staff):
        raise StaffOnly(community)  # never another community's record by a forged press
    t.enter(community)


def _found(t: Turn, number: str) -> Report:
    """The report behind a button, in its community's turn (NotFound when not theirs to see)."""
    report = t.uow.reports.get(number)
    if report is None:
        raise NotFound(number)
    enter(t, report.community)
    return report


def labelled(t: Turn, card: Reply) -> Reply:
    """A card shown to 街道/区/市 staff says whose it is: they see several communities."""
    if t.staff is None or not t.staff.level:
        return card
    return replace(card, text=texts.STAFF_LEVEL_CARD.format(community=t.app.config.community.name)
                   + card.text)


def refresh(t: Turn, number: str) -> None:
    """The card as it is now, and who changed it, for a staff member whose press came too late."""
    report = t.uow.reports.get(number)
    if report is None:
        t.replies.append(reply("", notice=texts.STAFF_STALE.format(status=texts.REPORT_GONE)))
        return
    status = STATUS_LABELS[report.status]
    name = uc.who_acted(t.uow, report)
    notice = (texts.STAFF_ACTED_BY.format(name=name, status=status) if name
              else texts.STAFF_STALE.format(status=status))
    updated_card(t, number, notice)


def updated_card(t: Turn, number: str, notice: str) -> None:
    """The report's card again, edited in place, with a toast (and remembered for a note)."""
    report = t.uow.reports.get(number)
    if report is None:
        t.replies.append(reply("", notice=notice))
        return
    notes.remember(t, number)
    resident = t.uow.residents.get(report.resident_id) if report.resident_id else None
    t.replies.append(labelled(t, staff_card(t.app, report, resident, t.now, edit=True, notice=notice)))


def _open_report(t: Turn, number: str) -> Report:
    """The report, checked: it exists, this staff member may act on it, and it is open."""
    report = _found(t, number)
    uc.check_staff(t.uow, t.event.user_id, report, acting=True)
    if not report.is_open:
        raise InvalidTransition(number)
    return report


def _act(t: Turn, cb: Callback) -> None:
    user, action = t.event.user_id, cb.action
    if action == "ver":
        person = t.uow.residents.get(int(cb.arg()))
        if person is not None:
            enter(t, person.community)
        r = verify_resident(t.uow, int(cb.arg()), user,
                            grid_of_estate=t.app.report_rules.grid_of_estate)
        text = texts.STAFF_VERIFIED.format(staff=t.staff.name if t.staff else "", name=r.name)
        t.say(text, edit=True, notice=text)
        return
    if action == "td":
        todo.show(t, cb.arg())
        return
    number = cb.arg()
    found = t.uow.reports.get(number)
    if found is not None:
        enter(t, found.community)  # this action happens in the report's community
    if action in MOVE_ACTIONS:
        uc.act_on_report(t.uow, number, user, action, t.now)
        updated_card(t, number, texts.STAFF_DONE.format(action=texts.ACTION_LABELS[action]))
    elif action in NOTE_ACTIONS:
        notes.ask_note(t, _open_report(t, number), action)
    elif action in NOTE_ANSWERS:
        notes.answer_note(t, number, action)
    elif action == "asg":
        _open_report(t, number)
        me = t.staff.code if t.staff else ""
        people = [STAFF.button(f"{s.name}（{s.role}）", "to", number, s.code)
                  for s in t.uow.staff.list() if s.active and s.code != me and s.role != "admin"]
        t.say(texts.STAFF_PICK_ASSIGNEE, grid_rows(people, 2))
    elif action == "to":
        _, target = uc.assign_report(t.uow, number, user, cb.arg(1))
        text = texts.STAFF_ASSIGNED.format(number=number, name=target.name)
        t.say(text, edit=True, notice=text)
    elif action == "card":
        show_card(t, number)
    elif action == "pic":
        report = _found(t, number)
        uc.check_staff(t.uow, user, report)
        t.replies.append(reply(texts.STAFF_PHOTOS.format(number=number, n=len(report.photos)),
                               photos=tuple(report.photos)))
    elif action == "ph":
        name, phone = uc.view_contact(t.uow, number, user, t.now)
        notice = texts.STAFF_CONTACT.format(name=name, phone=phone) if phone else texts.STAFF_NO_CONTACT
        t.replies.append(reply("", notice=notice))


# -- staff typing -------------------------------------------------------------------------
def on_staff_text(t: Turn) -> bool:
    """Text from staff (or a note they were asked for); True when it was handled here."""
    from bot.dialogue.engine import NUMBER, TASK_WORDS

    text = t.event.text.strip()
    ask = notes.pending(t)
    if ask is not None and not notes.is_command(text):
        (notes.more_note if ask["action"] == "note" else notes.on_note_text)(t, ask)
        return True
    # Cheap tests first: most text comes from residents, who need no staff lookup or parse here.
    if (m := NUMBER.search(re.sub(r"\s+", "", text.upper()))) is not None:
        if t.staff is None:
            return False
        try:
            show_card(t, m.group(0))
            return True
        except (NotFound, NotAllowed):
            return False  # not theirs to handle: maybe their own report as a resident
    if text.lower().strip("。.!！ ") in TASK_WORDS:
        if t.staff is None:
            return False
        tasks(t)
        return True
    if _above_files_nothing(t, text) or notes.offer_note(t, text):
        return True
    if t.is_group or t.state.form or SAYS_REPORT.search(text) or t.staff is None:
        return False
    if t.intent in ("report_issue", "suggest"):
        t.say(texts.STAFF_NOT_A_REPORT, texts.MENU_BUTTONS)
        return True
    return False


def _above_files_nothing(t: Turn, text: str) -> bool:
    """A 街道/区/市 member's private chat is for reports below them: no resident's forms here."""
    from bot.dialogue.engine import HELP_WORDS, MENU_WORDS, STOP_WORDS

    if t.staff is None or not t.staff.level or t.is_group or t.state.form:
        return False
    if text.lower().strip("。.!！ ") in MENU_WORDS | STOP_WORDS | HELP_WORDS:
        return False
    if todo.narrowed(t, text) or notes.offer_note(t, text):  # "南垟社区": that community's 待办
        return True
    t.say(texts.STAFF_LEVEL_FILES_NOTHING)
    return True


def show_card(t: Turn, number: str) -> None:
    """The card of a report this staff member may act on (raises NotFound/StaffOnly)."""
    report = _found(t, number)
    uc.check_staff(t.uow, t.event.user_id, report)
    resident = t.uow.residents.get(report.resident_id) if report.resident_id else None
    t.replies.append(labelled(t, staff_card(t.app, report, resident, t.now)))
    notes.remember(t, number)


def tasks(t: Turn) -> None:
    """待办: everything this staff member may act on, most urgent first (bot/flows/todo.py)."""
    todo.show(t)


FLOW = Flow(name="staff", buttons=BUTTONS, on_button=on_button)
