"""check_status: a resident's own reports, their detail, rating and reopening."""

from __future__ import annotations

from bot import texts
from bot.callbacks import STATUS, Callback
from bot.cards import category_label, kind_label, place_label
from bot.dialogue.turn import Turn
from domain.errors import InvalidValue, NotFound
from domain.reports import STATUS_LABELS, Report
from domain.usecases import reports as uc

BUTTONS = (STATUS,)  # this flow's button namespace


def list_mine(t: Turn) -> None:
    """The asker's recent reports with a button each."""
    mine = uc.list_my_reports(t.uow, t.event.user_id, t.event.chat_id, limit=5)
    if not mine:
        t.say(texts.NO_REPORTS, texts.MENU_BUTTONS)
        return
    lines = [texts.MY_REPORTS.format(n=len(mine))]
    me = t.resident.id if t.resident else None
    for r in mine:
        template = texts.REPORT_LINE if uc.is_mine(r, me, t.event.chat_id) else texts.FOLLOWED_LINE
        lines.append(template.format(
            number=r.number, category=category_label(t.app, r.category),
            status=STATUS_LABELS[r.status],
            when=texts.format_day(r.created_at or t.now, t.app.zone)))
    rows = [[STATUS.button(texts.VIEW_BUTTON.format(number=r.number), "show", r.number)] for r in mine]
    t.say("\n".join(lines), rows)


def _history(t: Turn, r: Report, *, notes: bool) -> str:
    # Internal notes (仅内部记录) are never shown; followers see no notes at all.
    return "\n".join(
        f"· {texts.format_when(ch.at, t.app.zone, t.now)} {STATUS_LABELS[ch.status]}"
        + (f"：{ch.note}" if notes and ch.note and ch.public else "")
        for ch in r.history
    )


def show(t: Turn, number: str) -> None:
    """One own report in full, or a followed one without the reporter's words; else not found."""
    try:
        r = uc.show_my_report(t.uow, number, t.event.user_id, t.event.chat_id)
    except NotFound:
        f = uc.show_followed_report(t.uow, number, t.event.chat_id)
        t.say(texts.FOLLOWED_DETAIL.format(
            number=f.number, category=category_label(t.app, f.category),
            place=place_label(t.app, f.address, public=True), status=STATUS_LABELS[f.status],
            history=_history(t, f, notes=False)))
        return
    history = _history(t, r, notes=True)
    t.say(texts.REPORT_DETAIL.format(
        number=r.number, category=category_label(t.app, r.category),
        place=place_label(t.app, r.address, r.latitude, r.longitude), description=r.description,
        status=STATUS_LABELS[r.status], history=history))


def on_button(t: Turn, cb: Callback) -> None:
    """Detail, rating (reporter or follower), reopen (reporter) — checked in the use cases."""
    if cb.action == "show":
        return show(t, cb.arg())
    if cb.action == "rate":
        stars = int(cb.arg(1))
        uc.rate_report(t.uow, cb.arg(), t.event.user_id, t.event.chat_id, stars)
        t.say(texts.RATED.format(stars=stars), notice=texts.RATED.format(stars=stars))
        return None
    if cb.action == "reopen":
        r = uc.show_my_report(t.uow, cb.arg(), t.event.user_id, t.event.chat_id)
        if not r.can_reopen(t.now, t.app.report_rules.reopen_days):
            t.say(texts.REOPEN_TOO_LATE.format(days=t.app.report_rules.reopen_days))
            return None
        t.state.start("reopen", {"number": r.number, "kind": r.kind.value})
        t.state.step = "reason"
        t.say(texts.REOPEN_ASK)
        return None
    t.say(texts.MENU, texts.MENU_BUTTONS)
    return None


def on_reopen_text(t: Turn) -> None:
    """The reason a resolved report is not solved after all."""
    s = t.state.slots
    try:
        r = uc.reopen_report(t.uow, s["number"], t.event.user_id, t.event.chat_id,
                             t.event.text, t.app.report_rules, t.now)
    except InvalidValue as exc:
        t.say(texts.invalid_text(exc))
        return
    t.state.end()
    t.say(texts.REOPENED.format(kind=kind_label(r.kind), number=r.number))
