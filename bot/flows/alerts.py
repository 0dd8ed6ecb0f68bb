"""发布预警 from the staff chat: level → title → text → preview with the count → 确认发布 / 取消.

Only the roles in config `alerts.staff_roles` may send. Each step is kept per staff member in
the chat's state for DRAFT_MINUTES; a press is checked for who pressed it, their role, and
that it belongs to their own live draft at the right step.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot import reach, texts
from bot.alerts import alert_text, count_recipients, send_alert, sent_text
from bot.callbacks import ALERT, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, grid_rows, live_pending, reply
from domain.alerts import LEVEL_CODES, MAX_TEXT, MAX_TITLE, Alert, level_of
from domain.errors import InvalidValue
from domain.pushes import Reach

DRAFT_MINUTES = 10


def _key(user_id: int) -> str:
    return f"alert:{user_id}"  # beside staff notes' keys (the bare user id) in staff_pending


def _may_send(t: Turn) -> bool:
    return t.staff is not None and t.staff.active and t.staff.role in t.app.config.alerts.staff_roles


def _not_allowed(t: Turn) -> str:
    return texts.ALERT_NOT_ALLOWED.format(roles="、".join(t.app.config.alerts.staff_roles))


def _draft(t: Turn) -> dict[str, Any] | None:
    """This staff member's live draft in this chat; an expired one is dropped with a word."""
    return live_pending(t, _key(t.event.user_id), DRAFT_MINUTES,
                        texts.ALERT_EXPIRED.format(minutes=DRAFT_MINUTES))


def _keep(t: Turn, draft: dict[str, Any]) -> None:
    t.state.staff_pending[_key(t.event.user_id)] = {**draft, "at": t.now.isoformat()}


def _cancel_row(draft_id: int) -> list[tuple[str, str]]:
    return [ALERT.button(texts.ALERT_CANCEL, "x", draft_id)]


def start(t: Turn) -> None:
    """A new draft: which level?"""
    if not _may_send(t):
        t.say(_not_allowed(t))
        return
    draft_id = secrets.randbelow(10**9) + 1  # ties the buttons to this draft only
    places = reach.choices(t.app, t.uow)
    if len(places) > 1:  # staff above one 村社: first, where it goes
        _keep(t, {"draft": draft_id, "step": "place"})
        buttons = [ALERT.button(reach.label(t.app, p.to_dict()), "pl", f"p{i}", draft_id)
                   for i, p in enumerate(places)]
        t.say(texts.REACH_PICK, [*grid_rows(buttons, per_row=2), _cancel_row(draft_id)])
        return
    _ask_level(t, {"draft": draft_id, "step": "level"})


def _ask_level(t: Turn, draft: dict[str, Any], *, edit: bool = False) -> None:
    _keep(t, draft)
    levels = [ALERT.button(label, "lv", code, draft["draft"]) for label, code in texts.ALERT_LEVEL_BUTTONS]
    t.say(texts.ALERT_PICK_LEVEL.format(minutes=DRAFT_MINUTES), [levels, _cancel_row(draft["draft"])], edit=edit)


def _place(t: Turn, draft: dict[str, Any]) -> Reach | None:
    """The place chosen in this draft (None: the sender's own community)."""
    code = str(draft.get("place") or "")
    places = reach.choices(t.app, t.uow) if code else []
    i = int(code[1:]) if code[1:].isdigit() else len(places)
    return places[i] if i < len(places) else None


def on_text(t: Turn) -> bool:
    """发布预警, or the title/text a draft waits for; True when answered here."""
    from bot.dialogue.engine import STOP_WORDS  # the engine owns the words that work everywhere

    if t.event.kind != "text":
        return False
    text = t.event.text.strip()
    if text.strip("。.!！ ") in texts.ALERT_START_WORDS and t.staff is not None:
        start(t)
        return True
    if _key(t.event.user_id) not in t.state.staff_pending:
        return False
    draft = _draft(t)
    if draft is None:
        return True  # it had expired: said so
    if text.lower().strip("。.!！ ") in STOP_WORDS:
        del t.state.staff_pending[_key(t.event.user_id)]
        t.say(texts.ALERT_CANCELLED)
        return True
    if draft["step"] == "level":
        try:
            level = level_of(text)  # 红色 typed instead of pressed
        except InvalidValue:
            return False  # something else: understood as usual
        _keep(t, {**draft, "level": level, "step": "title"})
        t.say(texts.ALERT_ASK_TITLE.format(level=level), [_cancel_row(draft["draft"])])
        return True
    if draft["step"] != "title" and draft["step"] != "text":
        return False  # waiting for 确认发布 / 取消: the text is understood as usual
    limit = MAX_TITLE if draft["step"] == "title" else MAX_TEXT
    if not text:
        t.say(texts.ALERT_EMPTY)
    elif len(text) > limit:
        t.say(texts.ALERT_TOO_LONG.format(max=limit))
    elif draft["step"] == "title":
        _keep(t, {**draft, "title": " ".join(text.split()), "step": "text"})
        t.say(texts.ALERT_ASK_TEXT, [_cancel_row(draft["draft"])])
    else:
        _preview(t, {**draft, "text": text, "step": "confirm"})  # the official text, as typed
    return True


def _preview(t: Turn, draft: dict[str, Any]) -> None:
    _keep(t, draft)
    shown = alert_text(_alert(t, draft))
    where = _place(t, draft)
    n = count_recipients(t.uow, where)
    said = texts.REACH_CHOSEN.format(where=reach.label(t.app, where.to_dict())) if where else ""
    preview = texts.ALERT_PREVIEW.format(n=n, text=shown) if n else texts.OPS_ALERT_NOBODY.format(text=shown)
    t.say(said + preview, [
        [ALERT.button(texts.ALERT_CONFIRM, "ok", draft["draft"]),
         ALERT.button(texts.ALERT_CANCEL, "x", draft["draft"])]])


def _alert(t: Turn, draft: dict[str, Any]) -> Alert:
    return Alert(level=draft["level"], title=draft["title"], text=draft["text"],
                 source=t.app.config.alert_source(), created_by=t.staff.code if t.staff else "",
                 created_at=t.now)


def _someone_elses(t: Turn, draft_id: str) -> bool:
    mine = _key(t.event.user_id)
    return any(k != mine and k.startswith("alert:") and str(d.get("draft")) == draft_id
               for k, d in t.state.staff_pending.items())


def on_button(t: Turn, cb: Callback) -> None:
    """A level, 确认发布 or 取消: checked for who pressed, their role, and their draft's step."""
    if not _may_send(t):
        t.replies.append(reply("", notice=_not_allowed(t)))
        return
    draft_id = cb.arg(1) if cb.action in ("lv", "pl") else cb.arg()
    if _someone_elses(t, draft_id):
        t.replies.append(reply("", notice=texts.ALERT_NOT_YOURS))
        return
    draft = _draft(t)
    if draft is None or str(draft["draft"]) != draft_id:
        if not t.replies:  # (an expired draft has already been explained)
            t.replies.append(reply("", notice=texts.STALE_BUTTON))
        return
    if cb.action == "x":
        del t.state.staff_pending[_key(t.event.user_id)]
        t.say(texts.ALERT_CANCELLED, edit=True, notice=texts.ALERT_CANCELLED)
    elif cb.action == "pl" and draft["step"] == "place":
        _ask_level(t, {**draft, "place": cb.arg(), "step": "level"}, edit=True)
    elif cb.action == "lv" and draft["step"] == "level" and cb.arg() in LEVEL_CODES:
        level = LEVEL_CODES[cb.arg()]
        _keep(t, {**draft, "level": level, "step": "title"})
        t.say(texts.ALERT_ASK_TITLE.format(level=level), [_cancel_row(draft["draft"])], edit=True)
    elif cb.action == "ok" and draft["step"] == "confirm":
        del t.state.staff_pending[_key(t.event.user_id)]
        alert = send_alert(t.app, t.uow, _alert(t, draft), t.now, _place(t, draft))
        text = sent_text(alert)
        t.say(text, edit=True, notice=text)
    else:  # a press from an earlier step of this draft
        t.replies.append(reply("", notice=texts.STALE_BUTTON))


def remember_location(t: Turn) -> None:
    """A resident's shared location, kept (encrypted) with its time for their next warning."""
    ev, resident = t.event, t.resident
    if resident is None or resident.id is None or ev.latitude is None or ev.longitude is None:
        return
    if -90 <= ev.latitude <= 90 and -180 <= ev.longitude <= 180:
        t.uow.alerts.remember_location(resident.id, ev.latitude, ev.longitude, t.now)


FLOW = Flow(name="alerts", buttons=(ALERT,), on_button=on_button, on_any_text=on_text)
