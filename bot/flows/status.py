"""check_status: a resident's own reports, their detail, rating and reopening."""

from __future__ import annotations

import re

from bot import texts
from bot.callbacks import STATUS, Callback
from bot.cards import category_label, kind_label, place_label
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from domain.errors import InvalidValue, NotFound
from domain.reports import STATUS_LABELS, Report, Status
from domain.usecases import reports as uc

BUTTONS = (STATUS,)  # this flow's button namespace


def enter_own(t: Turn, number: str) -> None:
    """Into the community where the asker's own (or followed) report was filed, wherever that is.

    Residents report places in other communities (their mother's 小区); the report is theirs
    all the same. Nobody else's number moves the turn: then it stays NotFound as before.
    """
    code = t.uow.reports.community_of_own(number, t.event.user_id, t.event.chat_id)
    if code and code in t.app.codes():
        t.enter(code)


def list_mine(t: Turn) -> None:
    """The asker's recent reports with a button each."""
    mine = uc.list_my_reports(t.uow, t.event.user_id, t.event.chat_id, limit=5)
    if not mine:
        if "预约" not in t.event.text:  # "我的预约": the booking flow's answer (see booking_view.list_mine)
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
        for ch in r.steps()  # a staff member's internal record is not a step of theirs
    )


def show(t: Turn, number: str) -> None:
    """One own report in full, or a followed one without the reporter's words; else not found."""
    enter_own(t, number)
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
    if cb.action in ("rate", "reopen"):
        enter_own(t, cb.arg())
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
    enter_own(t, s["number"])
    try:
        r = uc.reopen_report(t.uow, s["number"], t.event.user_id, t.event.chat_id,
                             t.event.text, t.app.report_rules, t.now)
    except InvalidValue as exc:
        t.say(texts.invalid_text(exc))
        return
    t.state.end()
    t.say(texts.REOPENED.format(kind=kind_label(r.kind), number=r.number))


# Typed ratings, as residents say them, on the 1–5 scale of the rating buttons.
RATING_WORDS = {
    "非常满意": 5, "很满意": 5, "特别满意": 5, "十分满意": 5, "太满意": 5, "五星好评": 5, "好评": 5,
    "很好": 5, "满意": 4, "比较满意": 4, "挺满意": 4, "还不错": 4, "不错": 4, "挺好": 4,
    "一般": 3, "一般般": 3, "还行": 3, "还可以": 3, "凑合": 3,
    "不满意": 2, "不太满意": 2, "不大满意": 2,
    "非常不满意": 1, "很不满意": 1, "特别不满意": 1, "太差": 1, "很差": 1,
}
STARS = re.compile(r"^([1-5一二两三四五])(分|星|颗星)$")
STAR_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
NOISE = re.compile(r"[\s。，,.!！~～]+|((谢谢|辛苦)(你们|您们|大家|你|您)?了?)$|[的了啊呀哈吧]+$")


def typed_stars(text: str) -> int | None:
    """ "5分", "五星", "满意", "一般", "不满意" as 1–5; None when the text is not a rating."""
    word = NOISE.sub("", text)
    if word in RATING_WORDS:
        return RATING_WORDS[word]
    m = STARS.match(word)
    if m is None:
        return None
    return int(m.group(1)) if m.group(1).isdigit() else STAR_DIGITS[m.group(1)]


def rate_typed(t: Turn) -> bool:
    """Rate the last resolved report awaiting a rating from a typed answer; False if none is."""
    stars = typed_stars(t.event.text)
    if stars is None:
        return False
    mine = uc.list_my_reports(t.uow, t.event.user_id, t.event.chat_id, limit=20)
    waiting = [r for r in mine if r.status == Status.RESOLVED and r.rating is None]
    if not waiting:
        return False
    last = max(waiting, key=lambda r: (r.resolved_at or r.created_at or t.now, r.id or 0))
    enter_own(t, last.number)
    r = uc.rate_report(t.uow, last.number, t.event.user_id, t.event.chat_id, stars)
    t.say(texts.RATED_TYPED.format(kind=kind_label(r.kind), number=r.number, stars=r.rating))
    return True


FLOW = Flow(name="status", intents={"check_status": list_mine}, forms={"reopen": on_reopen_text},
            buttons=BUTTONS, on_button=on_button)
