"""预约, an existing booking: 取消 and 改时间, asked in words or with the booking's buttons.

bot/flows/booking.py (the new booking) routes the intent, the move form and these buttons here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.callbacks import Callback
from bot.dialogue.turn import Turn
from bot.flows import booking_view as view
from bot.flows import visits
from domain.bookings import SlotUnavailable, Status
from domain.usecases import bookings as uc

MOVE_WORDS = re.compile(r"改到|改成|换到|挪到|推到|提前到|改时间|改个时间|换个时间")
MOVE_FORM = "booking_move"
ACTIONS = frozenset({"cx", "mv", "cxy", "keep"})  # the buttons of a booking already made


def time_said(entity: dict[str, Any]) -> tuple[datetime, bool, datetime | None]:
    """The time said, whether it names an hour, and where a span (后天 / 明天下午) ends."""
    value = entity["value"]
    if isinstance(value, dict):
        end = value.get("to")
        return (datetime.fromisoformat(str(value["from"])).astimezone(UTC), False,
                datetime.fromisoformat(str(end)).astimezone(UTC) if end else None)
    return (datetime.fromisoformat(str(value)).astimezone(UTC),
            entity.get("grain") in ("hour", "minute"), None)


def enter_own(t: Turn, number: str) -> None:
    """Into the community where the asker's own booking was filed (a parent's), wherever that is."""
    code = t.uow.bookings.community_of_own(number, t.event.user_id)
    if code and code in t.app.codes():
        t.enter(code)


def cancel_asked(t: Turn) -> None:
    """不用来修脚了 取消吧: the booking meant (by service when said), then a confirmation."""
    active = t.uow.bookings.list(user_id=t.event.user_id, statuses=[Status.BOOKED], since=t.now)
    svc = t.entity("service")
    named = t.app.service_named(str(svc["value"])) if svc else None
    if named is not None and any(b.service == named.code for b in active):
        active = [b for b in active if b.service == named.code]
    if not active:
        t.say(texts.BOOK_MINE_NONE, texts.MENU_BUTTONS)
        return None
    if len(active) == 1:
        enter_own(t, active[0].number)  # its own community's catalogue and slots
    if (moved := MOVE_WORDS.search(t.event.text)) is not None:  # "把后天的读报改到周五"
        if len(active) > 1:
            return view.pick_mine(t, active, "mv", texts.BOOK_ACTION_MOVE)
        t.state.start(MOVE_FORM, {"number": active[0].number})
        times = [e for e in t.parse.get("entities", []) if e.get("entity") == "time"]
        if times and times[-1]["start"] > moved.start():  # the time after 改到 is the new one
            at, exact, until = time_said(times[-1])
            return _move_to(t, at, exact=exact, until=until)
        return view.ask_move(t, active[0], t.app.services[active[0].service])
    t.state.pending = {"reason": t.event.text.strip()[:100]}
    if len(active) == 1:
        return view.ask_cancel(t, active[0])
    return view.pick_mine(t, active, "cx", texts.BOOK_ACTION_CANCEL)


def on_move_text(t: Turn) -> None:
    """The new time for a booking being moved."""
    s = t.state.slots
    when = t.entity("time")
    enter_own(t, s["number"])
    booking = uc.mine(t.uow, s["number"], t.event.user_id)
    service = t.app.services[booking.service]
    if when is None:
        return view.ask_move(t, booking, service)
    at, exact, until = time_said(when)
    return _move_to(t, at, exact=exact, until=until)


def on_move_slot(t: Turn, cb: Callback) -> None:
    """A slot button pressed while a booking is being moved: that slot, checked again."""
    return _move_to(t, datetime.fromtimestamp(int(cb.arg()), UTC), exact=True)


def _move_to(t: Turn, wanted: datetime, *, exact: bool, until: datetime | None = None) -> None:
    enter_own(t, t.state.slots["number"])
    booking = uc.mine(t.uow, t.state.slots["number"], t.event.user_id)
    service = t.app.services[booking.service]
    slot = service.snap(wanted, t.app.zone)
    problem = uc.check(t.uow, service, slot, t.now, t.app.zone) if exact else None
    if not exact or problem is not None:
        return view.offer(t, service, wanted, problem,
                          uc.alternatives(t.uow, service, wanted, t.now, t.app.zone, until=until))
    try:
        uc.move(t.uow, booking, service, slot, texts.BOOK_REASON_MOVE, t.now, t.app.zone)
    except SlotUnavailable as exc:
        return view.offer(t, service, slot, exc.problem,
                          uc.alternatives(t.uow, service, slot, t.now, t.app.zone))
    t.state.end()
    t.say(texts.BOOK_MOVED.format(when=texts.format_when(slot, t.app.zone, t.now),
                                  number=booking.number), texts.MENU_BUTTONS)


def on_button(t: Turn, cb: Callback) -> None:
    """取消 / 改时间 / 确认取消 / 不取消 on a booking already made (its owner's only)."""
    if cb.action == "keep" and t.state.form == visits.COMMENT_FORM:
        t.state.end()
        t.say(texts.BOOK_COMMENT_SAVED, texts.MENU_BUTTONS)
        return None
    if cb.action == "keep":
        t.state.pending = {}
        t.say(texts.BOOK_KEPT, texts.MENU_BUTTONS)
        return None
    enter_own(t, cb.arg())
    booking = uc.mine(t.uow, cb.arg(), t.event.user_id)
    service = t.app.services[booking.service]
    if cb.action == "cx":
        return view.ask_cancel(t, booking)
    if cb.action == "mv":
        t.state.start(MOVE_FORM, {"number": booking.number})
        return view.ask_move(t, booking, service)
    said = str(t.state.pending.get("reason") or "")
    reason = texts.BOOK_REASON_CANCEL.format(text=said) if said else texts.BOOK_CANCEL_BUTTON
    uc.cancel(t.uow, booking, reason, f"user:{t.event.user_id}", t.now)
    t.state.pending = {}
    t.say(texts.BOOK_CANCELLED.format(number=booking.number, service=service.name,
                                      when=texts.format_when(booking.start, t.app.zone, t.now)),
          texts.MENU_BUTTONS)
    return None
