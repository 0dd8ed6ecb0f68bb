"""Staff notes on a report: a reason or what was done, asked before acting and confirmed; and a
line typed just after acting on a card, offered back as an internal record so it is never lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import texts
from bot.callbacks import STAFF
from bot.dialogue.turn import Turn, reply
from domain.errors import InvalidTransition
from domain.reports import Report
from domain.usecases import handling as uc

NOTE_MINUTES = 10  # a note prompt left longer than this is dropped, the report untouched
MAX_NOTE = 500


def _staff() -> Any:
    from bot.flows import staff  # (the flow imports this module: its card helpers are read late)

    return staff


# -- notes: asked, typed, confirmed (or cancelled, or expired) ---------------------------
def ask_note(t: Turn, report: Report, action: str) -> None:
    """不予受理/标为重复/办结 pressed: ask for the reason (or what was done) before acting."""
    if not report.can_move(uc.STAFF_ACTIONS[action]):
        raise InvalidTransition(report.number)
    t.state.staff_pending[str(t.event.user_id)] = {
        "action": action, "number": report.number, "at": t.now.isoformat(),
        "version": report.version, "note": None,
    }
    n = report.number
    cancel = STAFF.button(texts.STAFF_NOTE_CANCEL, "nx", n)
    if action == "done":
        rows = [[STAFF.button(texts.STAFF_NOTE_SKIP, "nskip", n), cancel]]
        ask = texts.STAFF_ASK_RESOLUTION
    else:
        rows, ask = [[cancel]], texts.STAFF_ASK_REASON.format(
            action=texts.ACTION_LABELS[action], minutes=NOTE_MINUTES)
    t.say(ask, rows, notice=ask)


def pending(t: Turn) -> dict[str, Any] | None:
    """This staff member's open note prompt in this chat; an expired one is dropped with a word."""
    key = str(t.event.user_id)
    ask = t.state.staff_pending.get(key)
    if ask is None:
        return None
    if "at" not in ask or "version" not in ask:
        del t.state.staff_pending[key]  # a prompt from before this version: ask again
        return None
    if t.now - datetime.fromisoformat(ask["at"]) > timedelta(minutes=NOTE_MINUTES):
        del t.state.staff_pending[key]
        if ask["action"] == "note":
            t.say(texts.STAFF_NOTE_OFFER_EXPIRED.format(number=ask["number"], minutes=NOTE_MINUTES))
        else:
            t.say(texts.STAFF_NOTE_EXPIRED.format(number=ask["number"], minutes=NOTE_MINUTES,
                                                  action=texts.ACTION_LABELS[ask["action"]]))
        return None
    return dict(ask)


def answer_note(t: Turn, number: str, action: str) -> None:
    """发给居民 / 仅内部记录 / 跳过 / 取消 (or 记上 / 不用) on a note: act, keep or drop it."""
    ask = pending(t)
    if ask is None or ask["number"] != number:
        t.replies.append(reply("", notice=texts.STALE_BUTTON))
        return
    if ask["action"] == "note":
        if action not in ("nint", "nx"):
            t.replies.append(reply("", notice=texts.STALE_BUTTON))
            return
        _keep_note(t, ask, action)
        return
    if action == "nx":
        del t.state.staff_pending[str(t.event.user_id)]
        text = texts.STAFF_NOTE_CANCELLED.format(number=number)
        t.say(text, edit=True, notice=text)
        return
    if action == "nskip" and ask["action"] != "done":
        t.replies.append(reply("", notice=texts.STALE_BUTTON))
        return
    if action != "nskip" and ask["note"] is None:
        t.replies.append(reply("", notice=texts.STALE_BUTTON))  # nothing written to confirm yet
        return
    del t.state.staff_pending[str(t.event.user_id)]
    note = "" if action == "nskip" else ask["note"]
    uc.act_on_report(t.uow, number, t.event.user_id, ask["action"], t.now, note=note,
                     public=action != "nint", version=ask["version"])
    _staff().updated_card(t, number, texts.STAFF_DONE.format(action=texts.ACTION_LABELS[ask["action"]]))


def on_note_text(t: Turn, ask: dict[str, Any]) -> None:
    """The note typed for an action: shown back to confirm who may read it."""
    from bot.dialogue.engine import STOP_WORDS  # the engine owns the words that work everywhere

    text = " ".join(t.event.text.split())
    number, key = ask["number"], str(t.event.user_id)
    if text.lower().strip("。.!！ ") in STOP_WORDS:
        del t.state.staff_pending[key]
        t.say(texts.STAFF_NOTE_CANCELLED.format(number=number))
        return
    if not text:
        t.say(texts.STAFF_NOTE_EMPTY)
        return
    t.state.staff_pending[key] = {**ask, "note": text[:MAX_NOTE]}  # typing again rewrites it
    label = texts.ACTION_LABELS[ask["action"]]
    t.say(texts.STAFF_NOTE_CONFIRM.format(number=number, action=label, note=text[:MAX_NOTE]), [
        [STAFF.button(texts.STAFF_NOTE_PUBLIC, "npub", number),
         STAFF.button(texts.STAFF_NOTE_INTERNAL, "nint", number)],
        [STAFF.button(texts.STAFF_NOTE_CANCEL, "nx", number)],
    ])


# -- a line typed after acting on a card: offered as an internal note, never lost ----------
def remember(t: Turn, number: str) -> None:
    """Remember the card this staff member just acted on or opened (for their next line)."""
    # Per person, also in a grid's group: only the one who acted is offered their next line.
    t.state.staff_pending[f"card:{t.event.user_id}"] = {"number": number, "at": t.now.isoformat()}


def offer_note(t: Turn, text: str) -> bool:
    """Text typed within minutes of acting on a card: ask whether to keep it on that report."""
    from bot.dialogue.engine import HELP_WORDS, MENU_WORDS, STOP_WORDS

    last = t.state.staff_pending.pop(f"card:{t.event.user_id}", None)
    if t.staff is None or t.state.form or last is None or not text:
        return False
    if t.now - datetime.fromisoformat(last["at"]) > timedelta(minutes=NOTE_MINUTES):
        return False
    if text.lower().strip("。.!！ ") in MENU_WORDS | STOP_WORDS | HELP_WORDS or _staff().SAYS_REPORT.search(text):
        return False
    report = t.uow.reports.get(last["number"])
    if report is None:
        return False
    note = " ".join(text.split())[:MAX_NOTE]
    t.state.staff_pending[str(t.event.user_id)] = {
        "action": "note", "number": report.number, "at": t.now.isoformat(),
        "version": report.version, "note": note}
    _say_offer(t, report.number, note)
    return True


def _say_offer(t: Turn, n: str, note: str) -> None:
    t.say(texts.STAFF_NOTE_OFFER.format(number=n, note=note),
          [[STAFF.button(texts.STAFF_NOTE_KEEP, "nint", n), STAFF.button(texts.STAFF_NOTE_DROP, "nx", n)]])


def is_command(text: str) -> bool:
    """待办, 菜单, 帮助 or a bare report number: asked of the bot, never part of a note."""
    from bot.dialogue.engine import HELP_WORDS, MENU_WORDS, NUMBER, TASK_WORDS

    said = text.lower().strip("。.!！ ")
    return said in TASK_WORDS | MENU_WORDS | HELP_WORDS or NUMBER.fullmatch(said.upper()) is not None


def more_note(t: Turn, ask: dict[str, Any]) -> None:
    """Another line while the offer waits: added to the note (staff type in short lines too)."""
    from bot.dialogue.engine import STOP_WORDS

    text = " ".join(t.event.text.split())
    key = str(t.event.user_id)
    if text.lower().strip("。.!！ ") in STOP_WORDS:
        del t.state.staff_pending[key]
        t.say(texts.STAFF_NOTE_DROPPED)
        return
    note = f"{ask['note']} {text}".strip()[:MAX_NOTE]
    t.state.staff_pending[key] = {**ask, "note": note, "at": t.now.isoformat()}
    _say_offer(t, ask["number"], note)


def _keep_note(t: Turn, ask: dict[str, Any], action: str) -> None:
    number = ask["number"]
    del t.state.staff_pending[str(t.event.user_id)]
    if action == "nx":
        t.say(texts.STAFF_NOTE_DROPPED, edit=True, notice=texts.STAFF_NOTE_DROPPED)
        return
    found = t.uow.reports.get(number)
    if found is not None:
        _staff().enter(t, found.community)  # kept in the report's community, as an action would be
    uc.note_report(t.uow, number, t.event.user_id, ask["note"], t.now, version=ask["version"])
    _staff().updated_card(t, number, texts.STAFF_NOTED.format(number=number))
