"""核实家属关系: staff (card in the staff chat) or the person named (in their chat) decide."""

from __future__ import annotations

from bot import texts
from bot.callbacks import Callback
from bot.dialogue.turn import Turn, reply
from bot.outbox import enqueue
from domain.errors import ViewOnly
from domain.usecases import beneficiaries as uc


def on_button(t: Turn, cb: Callback) -> None:
    """属实 / 不属实 (staff), 是我的家人 / 不是 (the person served)."""
    staff, resident = t.staff, t.resident
    if staff is not None and staff.read_only:
        raise ViewOnly(cb.arg())  # a city account without a role looks, never decides
    by = f"staff:{staff.code}" if staff else f"resident:{resident.id if resident else 0}"
    link = uc.decide_link(t.uow, int(cb.arg()), cb.action == "ok", by=by, staff=staff is not None,
                          resident_id=resident.id if resident else None, now=t.now)
    done = texts.BOOK_LINK_DONE[link.status]
    told = texts.BOOK_LINK_TOLD[link.status].format(name=link.name)
    enqueue(t.uow, link.booker_chat_id, reply(told), f"link:{link.id}:{link.status}", t.now)
    # In the staff chat the card is edited for everyone; a person gets a plain answer.
    t.replies.append(reply(done, edit=True, notice=done) if t.is_group else reply(done, notice=done))
