"""物业评价 / 业委会评价: a resident's monthly stars and comment; low ratings reach staff and 书记."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import RATE, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, reply
from bot.flows import waiting
from bot.flows.info import office_call
from bot.outbox import enqueue
from bot.polls import estate_name
from domain.identity import mask_phone
from domain.ports import UnitOfWork
from domain.ratings import MAX_COMMENT, TARGETS, trend
from domain.residents import Resident
from domain.usecases import polls as uc

if TYPE_CHECKING:
    from bot.app import App

FORM = "rating"
BUTTONS = (RATE,)
COMMITTEE = re.compile(r"业委会|业主委员会")
PROPERTY = re.compile(r"物业")
STARS_TYPED = re.compile(r"([1-5一二三四五])\s*(?:星|颗星|分)?")
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
SUMMARY_MONTHS = 6


def start(t: Turn) -> None:
    """"我要评价物业": verified residents only; the target from their words, else two buttons."""
    resident = t.resident
    if resident is None or not resident.verified:
        t.state.end()
        if resident is None and not t.is_group:  # not bound yet: sharing the phone is the way
            waiting.wait_for_contact(t, "rate_property", texts.RATE_NEED_CONTACT)
        else:
            t.say(texts.RATE_NEED_VERIFIED.format(call=office_call(t)), texts.MENU_BUTTONS)
        return
    t.state.start(FORM, {"kind": FORM})
    text = t.event.text
    if COMMITTEE.search(text):
        return _ask_stars(t, "committee")
    if PROPERTY.search(text):
        return _ask_stars(t, "property")
    t.state.step = "target"
    t.say(texts.RATE_ASK_TARGET, [[RATE.button(texts.RATE_TARGETS[x], "t", x) for x in TARGETS],
                                  [RATE.button(texts.RATE_CANCEL, "x")]])
    return None


def _ask_stars(t: Turn, target: str) -> None:
    t.state.slots["target"] = target
    t.state.step = "stars"
    t.say(texts.RATE_ASK_STARS.format(target=texts.RATE_TARGETS[target]),
          [[RATE.button(f"{n}星", "s", target, n) for n in range(1, 6)], [RATE.button(texts.RATE_CANCEL, "x")]])


def _ask_comment(t: Turn, stars: int) -> None:
    t.state.slots["stars"] = stars
    t.state.step = "comment"
    t.say(texts.RATE_ASK_COMMENT.format(stars=stars),
          [[RATE.button(texts.RATE_SKIP, "skip"), RATE.button(texts.RATE_CANCEL, "x")]])


def on_text(t: Turn) -> None:
    """What the resident typed at the step they are on."""
    text = " ".join(t.event.text.split())
    step, slots = t.state.step, t.state.slots
    if step == "target":
        target = "committee" if COMMITTEE.search(text) else "property" if PROPERTY.search(text) else None
        return _ask_stars(t, target) if target else start(t)
    if step == "stars":
        m = STARS_TYPED.search(text)
        if m is None:
            return _ask_stars(t, slots["target"])
        return _ask_comment(t, CN_DIGITS.get(m.group(1)) or int(m.group(1)))
    if step in ("comment", "confirm") and text:
        slots["comment"] = text[:MAX_COMMENT]  # typing again rewrites it
        t.state.step = "confirm"
        t.say(texts.RATE_CONFIRM_COMMENT.format(comment=slots["comment"]),
              [[RATE.button(texts.RATE_CONFIRM, "ok"), RATE.button(texts.RATE_SKIP, "skip")],
               [RATE.button(texts.RATE_CANCEL, "x")]])
    return None


def on_button(t: Turn, cb: Callback) -> None:
    """Target, stars, 确认 / 跳过 / 取消; a press from an old message starts afresh."""
    if cb.action == "x":
        had = t.state.form == FORM
        t.state.end()
        t.say(texts.STOPPED if had else texts.NOTHING_TO_STOP, texts.MENU_BUTTONS)
        return None
    if t.state.form != FORM:
        return start(t)
    if cb.action == "t":
        return _ask_stars(t, cb.arg()) if cb.arg() in TARGETS else start(t)
    if cb.action == "s" and cb.arg(0) in TARGETS:
        t.state.slots["target"] = cb.arg(0)
        return _ask_comment(t, int(cb.arg(1)))
    if cb.action in ("ok", "skip") and t.state.step in ("comment", "confirm"):
        return _submit(t, t.state.slots.get("comment", "") if cb.action == "ok" else "")
    t.say(texts.STALE_BUTTON, texts.MENU_BUTTONS, notice=texts.STALE_BUTTON)
    return None


def _submit(t: Turn, comment: str) -> None:
    resident = t.resident
    slots = t.state.slots
    if resident is None or not resident.verified or "stars" not in slots:
        t.state.end()
        t.say(texts.STALE_BUTTON, texts.MENU_BUTTONS)
        return
    target, stars = slots["target"], int(slots["stars"])
    rating, replaced = uc.rate(t.uow, resident, target, stars, comment, t.now, t.app.zone)
    t.state.end()
    name = texts.RATE_TARGETS[target]
    t.say((texts.RATE_REPLACED if replaced else texts.RATE_THANKS).format(target=name, stars=stars),
          texts.MENU_BUTTONS)
    if stars <= t.app.config.ratings.alert_at:
        _alert(t, resident, rating.estate, name, stars, rating.comment, rating.month)


def _alert(t: Turn, resident: Resident, estate: str, target: str, stars: int, comment: str,
           month: str) -> None:
    """The staff chat reads the rating and comment; only the 书记 learn who gave it."""
    where = estate_name(t.app, estate)
    stamp = f"{t.now.timestamp():.3f}"
    text = texts.RATE_ALERT_STAFF.format(estate=where, target=target, stars=stars, month=month,
                                         comment=comment or texts.RATE_NO_COMMENT)
    enqueue(t.uow, t.app.config.community.staff_chat_id, reply(text), f"rating:{estate}:{target}:{stamp}", t.now)
    lead_text = texts.RATE_ALERT_LEAD.format(
        name=resident.name, phone=mask_phone(resident.phone or ""), address=resident.address.label(where),
        estate=where, target=target, stars=stars, comment=comment or texts.RATE_NO_COMMENT)
    for lead in t.uow.staff.list():
        if lead.role == "书记" and lead.active and lead.user_id:
            enqueue(t.uow, lead.user_id, reply(lead_text), f"rating:{estate}:{target}:{stamp}:{lead.code}", t.now)


def summary_text(app: App, uow: UnitOfWork, now: datetime, estate: str | None = None) -> str:
    """Per estate and target: the average and count of each of the last months, and the trend."""
    months, rows = uc.rating_summary(uow, now, app.zone, estate=estate, months=SUMMARY_MONTHS)
    if not rows:
        return texts.RATE_SUMMARY_EMPTY.format(n=SUMMARY_MONTHS)
    lines = [texts.RATE_SUMMARY_HEAD.format(n=SUMMARY_MONTHS)]
    groups: dict[tuple[str, str], dict[str, tuple[float, int]]] = {}
    for r in rows:
        groups.setdefault((r.estate, r.target), {})[r.month] = (r.average, r.count)
    for (code, target), by_month in groups.items():
        cells = [texts.RATE_SUMMARY_MONTH.format(month=int(m[5:]), average=f"{a:.1f}", count=n)
                 for m, (a, n) in sorted(by_month.items())]
        delta = trend([by_month[m][0] if m in by_month else None for m in months])
        change = "" if delta is None else (texts.RATE_TREND_UP if delta > 0 else texts.RATE_TREND_DOWN
                                           if delta < 0 else texts.RATE_TREND_FLAT).format(delta=f"{abs(delta):.1f}")
        lines.append(texts.RATE_SUMMARY_LINE.format(estate=estate_name(app, code), target=texts.RATE_TARGETS[target],
                                                    months="，".join(cells), trend=change))
    return "\n".join(lines)


def on_any_text(t: Turn) -> bool:
    """Staff asking for the summary (评价汇总), in any chat."""
    word = t.event.text.strip().lower().strip("。.!！ ")
    if word not in texts.RATE_SUMMARY_WORDS or t.staff is None:
        return False
    t.say(summary_text(t.app, t.uow, t.now))
    return True


FLOW = Flow(name="ratings", intents={"rate_property": start}, forms={FORM: on_text}, buttons=BUTTONS,
            on_button=on_button, on_any_text=on_any_text)
