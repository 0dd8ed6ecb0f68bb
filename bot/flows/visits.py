"""After the visit: 已上门 / 未上门 from the provider, stars from the booker, patience (§6.1)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot import texts
from bot.callbacks import BOOKING, Callback
from bot.dialogue.turn import Turn, reply
from bot.flows import visits_today as today
from bot.flows.staff import enter
from domain.bookings import Booking
from domain.errors import NotAllowed, ViewOnly
from domain.usecases import visits as uc

COMMENT_FORM = "booking_comment"
NOTE_MINUTES = 10  # a note prompt left longer than this is dropped; the mark stays
MAX_NOTE = 200


NOTE = re.compile(r"^\s*(YY)[\s-]*(\d{8})[\s-]*(\d{4})\s*(.+)$", re.IGNORECASE | re.DOTALL)


def _provider(t: Turn, number: str) -> str:
    """Who acts for the provider: staff anywhere, or anyone in the service's provider chat."""
    if t.staff is None:
        _as_provider(t, number)
    b = t.uow.bookings.get(number)
    if b is not None:
        _as_staff(t, b)
    service = t.app.services.get(b.service) if b else None
    if t.staff is None and (service is None or t.event.chat_id != service.provider_chat):
        raise NotAllowed(number)
    return f"staff:{t.staff.code}" if t.staff else f"provider:{t.event.user_id}"


def _as_provider(t: Turn, number: str) -> None:
    """A provider's chat may serve several communities: into the booking's, if it serves it there.

    Checked before entering: a resident typing their own booking number stays where they are.
    """
    found = t.uow.bookings.where_is(number)
    code = found[0] if found else ""
    if found is None or (code and code not in t.app.codes()):
        raise NotAllowed(number)
    service = (t.app.tenant(code) if code else t.app).services.get(found[1])
    if service is None or service.provider_chat != t.event.chat_id:
        raise NotAllowed(number)
    t.enter(code)


def _as_staff(t: Turn, b: Booking) -> None:
    """Staff act in the booking's own community (街道/区/市 staff too); a read-only account never."""
    if t.staff is None:
        return
    enter(t, b.community)
    if t.staff.read_only:
        raise ViewOnly(b.number)


def note_typed(t: Turn) -> bool:
    """"YY-20261203-0001 老人不在家" from the provider's chat or staff: kept as the visit's note."""
    m = NOTE.match(t.event.text) if t.event.kind == "text" else None
    if m is None:
        return False
    number = f"YY-{m.group(2)}-{m.group(3)}"
    try:
        by = _provider(t, number)
    except NotAllowed:
        return False  # a resident typing their own number: not a note
    uc.add_note(t.uow, number, " ".join(m.group(4).split()), by, t.now)
    ask = t.state.staff_pending.get(_note_key(t))
    if ask is not None and ask["number"] == number:  # the note asked for, given the old way
        del t.state.staff_pending[_note_key(t)]
    t.say(texts.BOOK_NOTE_SAVED.format(number=number))
    return True


def _note_key(t: Turn) -> str:
    return f"visit:{t.event.user_id}"  # beside staff.py's and seal.py's prompts, never theirs


def _ask_note(t: Turn, number: str) -> None:
    """After 已上门 / 未上门: a short note from whoever pressed, or 跳过 / 取消."""
    t.state.staff_pending[_note_key(t)] = {"number": number, "at": t.now.isoformat()}
    t.say(texts.BOOK_VISIT_ASK_NOTE.format(number=number, minutes=NOTE_MINUTES),
          [[BOOKING.button(texts.STAFF_NOTE_SKIP, "vskip", number),
            BOOKING.button(texts.STAFF_NOTE_CANCEL, "vx", number)]])


def _note_asked(t: Turn) -> dict[str, Any] | None:
    """This person's open note prompt here; an expired one is dropped with a word."""
    ask: dict[str, Any] | None = t.state.staff_pending.get(_note_key(t))
    if ask is not None and t.now - datetime.fromisoformat(ask["at"]) > timedelta(minutes=NOTE_MINUTES):
        del t.state.staff_pending[_note_key(t)]
        t.say(texts.BOOK_VISIT_NOTE_EXPIRED.format(number=ask["number"], minutes=NOTE_MINUTES))
        return None
    return ask


def note_answered(t: Turn) -> bool:
    """The note typed after 已上门 / 未上门 (or 取消); True when it was one."""
    from bot.dialogue.engine import STOP_WORDS  # the engine owns the words that work everywhere

    if t.event.kind != "text" or _note_asked(t) is None:
        return False
    number = t.state.staff_pending.pop(_note_key(t))["number"]
    text = " ".join(t.event.text.split())
    if not text or text.lower().strip("。.!！ ") in STOP_WORDS:
        t.say(texts.BOOK_VISIT_NOTE_NONE.format(number=number))
        return True
    uc.add_note(t.uow, number, text[:MAX_NOTE], _provider(t, number), t.now)
    t.say(texts.BOOK_NOTE_SAVED.format(number=number))
    return True


def _note_button(t: Turn, number: str) -> None:
    """跳过 or 取消 on the note prompt: the mark stays, no note is added."""
    ask = t.state.staff_pending.get(_note_key(t))
    if ask is None or ask["number"] != number:
        t.replies.append(reply("", notice=texts.STALE_BUTTON))
        return
    del t.state.staff_pending[_note_key(t)]
    text = texts.BOOK_VISIT_NOTE_NONE.format(number=number)
    t.say(text, edit=True, notice=text)


def on_button(t: Turn, cb: Callback) -> None:
    """vd / vn (provider chat or staff), rate (the booker), pat (the person served or staff)."""
    number = cb.arg()
    if cb.action in ("vd", "vn"):
        by = _provider(t, number)
        b = uc.mark(t.uow, number, cb.action == "vd", "", by, t.now)
        done = texts.BOOK_VISIT_MARKED[b.status.value]
        t.replies.append(reply(done, edit=True, notice=done) if t.is_group else reply(done))
        return _ask_note(t, number)
    if cb.action in ("vskip", "vx"):
        return _note_button(t, number)
    if cb.action == "today":  # staff above several: one community's visits
        return today.show(t, cb.arg())
    if cb.action == "rate":
        stars = int(cb.arg(1))
        uc.rate(t.uow, number, t.event.user_id, stars)
        t.state.start(COMMENT_FORM, {"number": number})
        t.say(texts.BOOK_RATED.format(stars=stars), [[BOOKING.button(texts.BOOK_NO_COMMENT, "keep")]],
              notice=texts.BOOK_RATED.format(stars=stars))
        return None
    served = t.uow.bookings.get(number)
    mine = served is not None and served.beneficiary_id is not None and t.resident is not None \
        and t.resident.id == served.beneficiary_id
    if t.staff is None and not mine:
        raise NotAllowed(number)
    if served is not None and not mine:
        _as_staff(t, served)
    by = f"staff:{t.staff.code}" if t.staff else f"resident:{t.resident.id if t.resident else 0}"
    uc.answer_patience(t.uow, number, cb.arg(1), by, t.now)
    t.replies.append(reply(texts.BOOK_PATIENCE_THANKS, edit=t.is_group, notice=texts.BOOK_PATIENCE_THANKS))
    return None


def on_comment_text(t: Turn) -> None:
    """The optional words after the stars; a low rating's words reach the 社工 too."""
    number = t.state.slots["number"]
    b = t.uow.bookings.get(number)
    t.state.end()
    if b is not None and b.booker_user_id == t.event.user_id:
        b.comment = t.event.text.strip()[:300]
        t.uow.bookings.save(b)
    t.say(texts.BOOK_COMMENT_SAVED, texts.MENU_BUTTONS)


def any_text(t: Turn) -> bool:
    """What the booking flow answers anywhere: /今日上门, a visit note with its number."""
    return today.today_asked(t) or note_typed(t) or note_answered(t)
