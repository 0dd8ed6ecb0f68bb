"""After the visit: 已上门 / 未上门 from the provider, stars from the booker, patience (§6.1)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot import texts
from bot.callbacks import BOOKING, Callback
from bot.dialogue.turn import Turn, reply
from bot.flows import booking_view as view
from domain.bookings import Status
from domain.errors import NotAllowed
from domain.usecases import visits as uc

COMMENT_FORM = "booking_comment"


NOTE = re.compile(r"^\s*(YY)[\s-]*(\d{8})[\s-]*(\d{4})\s*(.+)$", re.IGNORECASE | re.DOTALL)


def _provider(t: Turn, number: str) -> str:
    """Who acts for the provider: staff anywhere, or anyone in the service's provider chat."""
    b = t.uow.bookings.get(number)
    service = t.app.services.get(b.service) if b else None
    if t.staff is None and (service is None or t.event.chat_id != service.provider_chat):
        raise NotAllowed(number)
    return f"staff:{t.staff.code}" if t.staff else f"provider:{t.event.user_id}"


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
    t.say(texts.BOOK_NOTE_SAVED.format(number=number))
    return True


def on_button(t: Turn, cb: Callback) -> None:
    """vd / vn (provider chat or staff), rate (the booker), pat (the person served or staff)."""
    number = cb.arg()
    if cb.action in ("vd", "vn"):
        by = _provider(t, number)
        b = uc.mark(t.uow, number, cb.action == "vd", "", by, t.now)
        done = texts.BOOK_VISIT_MARKED[b.status.value]
        t.replies.append(reply(done, edit=True, notice=done) if t.is_group else reply(done))
        t.say(texts.BOOK_NOTE_HINT.format(number=number))
        return None
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


TODAY_WORDS = frozenset({"/今日上门", "今日上门", "今天上门", "/today"})


def any_text(t: Turn) -> bool:
    """What the booking flow answers anywhere: /今日上门, a visit note with its number."""
    return today_asked(t) or note_typed(t)


def today_asked(t: Turn) -> bool:
    """/今日上门 in a provider's chat (or from staff): today's visits in time order."""
    said = t.event.text.strip().lower()
    if said not in TODAY_WORDS and not (t.event.kind == "command" and said == "today"):
        return False
    chats = {s.code for s in t.app.services.values() if s.provider_chat == t.event.chat_id}
    if not chats and t.staff is None:
        return False
    day = datetime.combine(t.now.astimezone(t.app.zone).date(), datetime.min.time(), t.app.zone)
    items = [b for b in t.uow.bookings.list(since=day, until=day + timedelta(days=1),
                                            statuses=[Status.BOOKED, Status.DONE])
             if not chats or b.service in chats]
    view.today(t, items)
    return True
