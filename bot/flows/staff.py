"""Staff actions on report cards: accept, start, resolve, reject (with a note), reassign, contact."""

from __future__ import annotations

from bot import texts
from bot.cards import category_label, staff_card
from bot.dialogue.turn import Turn, grid_rows, reply
from domain.errors import InvalidTransition, NotAllowed, NotFound
from domain.reports import STATUS_LABELS, Status
from domain.usecases import handling as uc
from domain.usecases.residents import verify_resident

NOTE_ACTIONS = frozenset({"rej", "dup"})
MOVE_ACTIONS = frozenset({"acc", "prog", "done"})


def _card(t: Turn, number: str, notice: str) -> None:
    report = t.uow.reports.get(number)
    if report is None:
        t.replies.append(reply("", notice=notice))
        return
    resident = t.uow.residents.get(report.resident_id) if report.resident_id else None
    t.replies.append(staff_card(t.app, report, resident, t.now, edit=True, notice=notice))


def on_button(t: Turn) -> None:
    """s:ACTION:NUMBER[:ARG] — who pressed and whether it is still valid are checked here."""
    parts = t.event.data.split(":")
    if len(parts) < 3:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
        return
    action, number = parts[1], parts[2]
    if t.staff is None:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
        return
    try:
        _act(t, action, number, parts[3] if len(parts) > 3 else "")
    except NotAllowed:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
    except InvalidTransition:
        report = t.uow.reports.get(number)
        status = STATUS_LABELS[report.status] if report else texts.REPORT_GONE
        _card(t, number, texts.STAFF_STALE.format(status=status))


def _act(t: Turn, action: str, number: str, arg: str) -> None:
    user = t.event.user_id
    if action in MOVE_ACTIONS:
        uc.act_on_report(t.uow, number, user, action, t.now)
        _card(t, number, texts.STAFF_DONE.format(action=texts.ACTION_LABELS[action]))
    elif action in NOTE_ACTIONS:
        report = t.uow.reports.get(number)
        if report is None or not report.is_open:
            raise InvalidTransition(number)
        uc.check_staff(t.uow, user, report)
        t.state.staff_pending[str(user)] = {"action": action, "number": number}
        label = texts.ACTION_LABELS[action]
        t.say(texts.STAFF_ASK_NOTE.format(action=label), notice=texts.STAFF_ASK_NOTE.format(action=label))
    elif action == "asg":
        report = t.uow.reports.get(number)
        if report is None or not report.is_open:
            raise InvalidTransition(number)
        uc.check_staff(t.uow, user, report)
        me = t.staff.code if t.staff else ""
        people = [(f"{s.name}（{s.role}）", f"s:to:{number}:{s.code}")
                  for s in t.uow.staff.list() if s.active and s.code != me and s.role != "admin"]
        t.say(texts.STAFF_PICK_ASSIGNEE, grid_rows(people, 2))
    elif action == "to" and arg:
        _, target = uc.assign_report(t.uow, number, user, arg)
        text = texts.STAFF_ASSIGNED.format(number=number, name=target.name)
        t.say(text, edit=True, notice=text)
    elif action == "ver" and number.isdigit():
        r = verify_resident(t.uow, int(number), t.staff.code if t.staff else "")
        text = texts.STAFF_VERIFIED.format(staff=t.staff.name if t.staff else "", name=r.name)
        t.say(text, edit=True, notice=text)
    elif action == "card":
        show_card(t, number)
    elif action == "pic":
        report = t.uow.reports.get(number)
        if report is None:
            raise InvalidTransition(number)
        uc.check_staff(t.uow, user, report)
        t.replies.append(reply(texts.STAFF_PHOTOS.format(number=number, n=len(report.photos)),
                               photos=tuple(report.photos)))
    elif action == "ph":
        name, phone = uc.view_contact(t.uow, number, user, t.now)
        notice = texts.STAFF_CONTACT.format(name=name, phone=phone) if phone else texts.STAFF_NO_CONTACT
        t.replies.append(reply("", notice=notice))
    else:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))


def show_card(t: Turn, number: str) -> None:
    """The card of a report this staff member may act on (raises NotFound/StaffOnly)."""
    report = t.uow.reports.get(number)
    if report is None:
        raise NotFound(number)
    uc.check_staff(t.uow, t.event.user_id, report)
    resident = t.uow.residents.get(report.resident_id) if report.resident_id else None
    t.replies.append(staff_card(t.app, report, resident, t.now))


def tasks(t: Turn) -> None:
    """A staff member's open reports, most urgent first, each a button to its card."""
    items = uc.list_open_for_staff(t.uow, t.event.user_id)
    if not items:
        t.say(texts.STAFF_TASKS_EMPTY)
        return
    lines = [texts.STAFF_TASKS.format(n=len(items))]
    for r in items:
        due = r.accept_due if r.status == Status.PENDING else r.resolve_due
        stage = texts.STAGE_ACCEPT if r.status == Status.PENDING else texts.STAGE_RESOLVE
        lines.append(texts.STAFF_TASKS_LINE.format(
            number=r.number, category=category_label(t.app, r.category),
            status=STATUS_LABELS[r.status],
            due=texts.CARD_DUE.format(when=texts.format_when(due, t.app.zone, t.now), stage=stage)
            if due else ""))
    t.say("\n".join(lines), [[(r.number, f"s:card:{r.number}")] for r in items])


def waiting_for_note(t: Turn) -> bool:
    """Whether this staff member was asked for a note in this chat."""
    return str(t.event.user_id) in t.state.staff_pending


def on_note(t: Turn) -> None:
    """The reason for 不予受理/重复, typed after pressing the button."""
    ask = t.state.staff_pending.pop(str(t.event.user_id))
    try:
        report = uc.act_on_report(t.uow, ask["number"], t.event.user_id, ask["action"], t.now,
                                  note=t.event.text)
    except InvalidTransition:
        t.say(texts.STAFF_STALE.format(status=texts.REPORT_CHANGED))
        return
    resident = t.uow.residents.get(report.resident_id) if report.resident_id else None
    label = texts.ACTION_LABELS[ask["action"]]
    t.replies.append(staff_card(t.app, report, resident, t.now, notice=texts.STAFF_DONE.format(action=label)))
