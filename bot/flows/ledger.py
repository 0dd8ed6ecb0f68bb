"""Staff publish to the 公开之栏 from their chat: a receipt photo is a ledger line in one step.

Every draft lives under the author's user id in the chat's state, carries a random id its
buttons repeat, and expires after DRAFT_MINUTES; each press is checked for role, presser and step.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from bot import texts
from bot.board_push import publish_update, reached
from bot.callbacks import LEDGER, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, live_pending, reply
from bot.flows import board_drafts
from domain.board import Kind, LedgerLine, ProjectStatus, yuan
from domain.errors import StaffOnly
from domain.staff import Staff
from domain.usecases import board as uc
from nlu.money import AMOUNT, parse_receipt

BUTTONS = (LEDGER,)
DRAFT_MINUTES = 10
TYPED_STEPS = frozenset({"amount", "edit", "notice", "project"}) | board_drafts.TYPED_STEPS


def _key(t: Turn) -> str:
    return f"lg:{t.event.user_id}"  # beside staff notes (keyed by the bare user id)


def _publisher(t: Turn) -> Staff | None:
    try:
        return uc.check_publisher(t.staff, t.app.config.public_board.publisher_roles)
    except StaffOnly:
        return None


def _above(t: Turn) -> bool:
    """街道/区/市 staff: the board is each community's own to write; said kindly. True if so."""
    if t.staff is None or not t.staff.level:
        return False
    t.say(texts.WORKLIST_LEVEL_BOARD)
    return True


def _new_draft(t: Turn, kind: str, step: str, **fields: Any) -> dict[str, Any]:
    draft = {"id": secrets.randbelow(10**9) + 1, "kind": kind, "step": step, "at": t.now.isoformat(),
             **fields}
    t.state.staff_pending[_key(t)] = draft
    return draft


def _draft(t: Turn) -> dict[str, Any] | None:
    """This staff member's open draft here; an expired one is dropped with a word."""
    return live_pending(t, _key(t), DRAFT_MINUTES, texts.LEDGER_EXPIRED.format(minutes=DRAFT_MINUTES))


def _strip_words(text: str, words: tuple[str, ...]) -> str:
    text = text.strip()
    for w in words:
        if text.startswith(w):
            return text[len(w):].lstrip(" ：:，,")
    return text


# -- ledger lines ---------------------------------------------------------------------------
def on_photo(t: Turn) -> bool:
    """A receipt photo from staff in a staff chat (or captioned with an amount): a draft line."""
    caption = t.event.text.strip()
    if not t.event.photo_id:
        return False
    private_receipt = caption.startswith(texts.LEDGER_WORDS) or AMOUNT.search(caption) is not None
    if not (t.is_group or private_receipt):
        return False
    if _above(t):
        return True
    if _publisher(t) is None:
        return False
    _start_line(t, _strip_words(caption, texts.LEDGER_WORDS), t.event.photo_id)
    return True


def _start_line(t: Turn, text: str, photo: str | None) -> None:
    draft = _new_draft(t, "line", "confirm", photo=photo, day=t.now.astimezone(t.app.zone).date().isoformat(),
                       fen=None, purpose="", approver="", income=False, estate="", asked=False)
    _apply(t, draft, text)


def _apply(t: Turn, draft: dict[str, Any], text: str) -> None:
    """Read a caption or typed line into the draft, then show it or ask for what is missing."""
    r = parse_receipt(text)
    estate = next((code for name, code in t.app.estate_lookup().items() if name and name in text), "")
    draft.update(fen=r.amount_fen or draft.get("fen"), purpose=r.purpose or draft.get("purpose", ""),
                 approver=r.approver or draft.get("approver", ""), income=r.income,
                 estate=estate or draft.get("estate", ""), at=t.now.isoformat())
    for name in t.app.estate_lookup():  # the 小区 named is the line's scope, not its purpose
        if name and name in draft["purpose"]:
            draft["purpose"] = draft["purpose"].replace(name, "").strip()
    if draft["fen"] is None:
        if draft["asked"]:
            del t.state.staff_pending[_key(t)]
            t.say(texts.LEDGER_NO_AMOUNT)
            return
        draft.update(step="amount", asked=True)
        t.state.staff_pending[_key(t)] = draft
        t.say(texts.LEDGER_ASK_AMOUNT.format(minutes=DRAFT_MINUTES),
              [[LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]])
        return
    if not draft["purpose"]:
        draft["step"] = "edit"
        t.state.staff_pending[_key(t)] = draft
        t.say(texts.LEDGER_NO_PURPOSE, [[LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]])
        return
    draft["step"] = "confirm"
    t.state.staff_pending[_key(t)] = draft
    names = {e.code: e.name for e in t.app.config.estates}
    t.say(texts.LEDGER_DRAFT.format(
        day=texts.format_md(date.fromisoformat(draft["day"])),
        kind=texts.BOARD_INCOME if draft["income"] else texts.BOARD_EXPENSE, amount=yuan(draft["fen"]),
        purpose=draft["purpose"], approver=draft["approver"] or texts.LEDGER_NO_APPROVER,
        scope=names.get(draft["estate"], texts.BOARD_WHOLE),
        photo=texts.LEDGER_DRAFT_PHOTO if draft["photo"] else ""),
        [[LEDGER.button(texts.LEDGER_CONFIRM, "ok", draft["id"]),
          LEDGER.button(texts.LEDGER_EDIT, "ed", draft["id"]),
          LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]])


def _write_line(t: Turn, staff: Staff, draft: dict[str, Any]) -> None:
    line = uc.add_line(t.uow, LedgerLine(
        day=date.fromisoformat(draft["day"]), amount_fen=int(draft["fen"]),
        kind=Kind.INCOME if draft["income"] else Kind.EXPENSE, purpose=draft["purpose"],
        approver=draft["approver"], estate=draft["estate"], receipt_file_id=draft["photo"],
        entered_by=staff.code), t.now)
    text = texts.LEDGER_WRITTEN.format(
        day=texts.format_md(line.day),
        kind=texts.BOARD_INCOME if line.kind == Kind.INCOME else texts.BOARD_EXPENSE,
        amount=yuan(line.amount_fen), purpose=line.purpose)
    t.say(text, edit=True, notice=text)


# -- typing: answers to a draft's question, and the words that start one --------------------
def on_text(t: Turn) -> bool:
    """A staff member's answer to their draft's question, or 记账/发通知/项目进展; True if handled."""
    from bot.dialogue.engine import STOP_WORDS

    if t.event.kind != "text":
        return False
    text = t.event.text.strip()
    pending = t.state.staff_pending.get(_key(t))
    if pending is not None and pending.get("step") in TYPED_STEPS:
        draft = _draft(t)
        if draft is None:
            return True  # expired: said so
        if text.lower().strip("。.!！ ") in STOP_WORDS:
            _cancel(t, draft, edit=False)
            return True
        _typed(t, draft, text)
        return True
    starts = text.startswith(texts.LEDGER_WORDS + texts.NOTICE_WORDS + texts.PROJECT_WORDS
                             + texts.NEWPROJECT_WORDS)
    if not starts:
        return False
    if _above(t):
        return True
    if _publisher(t) is None:
        return False
    if text.startswith(texts.NEWPROJECT_WORDS):
        board_drafts.start_project(t, _strip_words(text, texts.NEWPROJECT_WORDS))
    elif text.startswith(texts.LEDGER_WORDS):
        rest = _strip_words(text, texts.LEDGER_WORDS)
        if rest:
            _start_line(t, rest, None)
        else:
            d = _new_draft(t, "line", "edit", photo=None, fen=None, purpose="", approver="", income=False,
                           estate="", asked=False, day=t.now.astimezone(t.app.zone).date().isoformat())
            t.say(texts.LEDGER_ASK_EDIT.format(minutes=DRAFT_MINUTES),
                  [[LEDGER.button(texts.LEDGER_CANCEL, "x", d["id"])]])
    elif text.startswith(texts.NOTICE_WORDS):
        d = _new_draft(t, "notice", "notice")
        t.say(texts.NOTICE_ASK.format(minutes=DRAFT_MINUTES), [[LEDGER.button(texts.LEDGER_CANCEL, "x", d["id"])]])
    else:
        _pick_project(t)
    return True


def _typed(t: Turn, draft: dict[str, Any], text: str) -> None:
    if draft["kind"] == "line":
        return _apply(t, draft, text)
    if draft["kind"] in ("notice", "newproject"):
        return board_drafts.typed(t, draft, text)
    draft.update(step="confirm", text=text, at=t.now.isoformat())
    t.state.staff_pending[_key(t)] = draft
    return _show_update(t, draft)


# -- notices and project updates ------------------------------------------------------------
def _pick_project(t: Turn) -> None:
    projects = [p for p in t.uow.board.projects() if p.status != ProjectStatus.DONE and p.id]
    if not projects:
        t.say(texts.PROJECT_NONE)
        return
    d = _new_draft(t, "project", "pick")
    t.say(texts.PROJECT_PICK, [[LEDGER.button(p.name, "pj", d["id"], p.id)] for p in projects]
          + [[LEDGER.button(texts.LEDGER_CANCEL, "x", d["id"])]])


def _show_update(t: Turn, draft: dict[str, Any], edit: bool = False) -> None:
    names = {e.code: e.name for e in t.app.config.estates}
    estate = names.get(draft["estate"], texts.BOARD_WHOLE)
    status = texts.PROJECT_DRAFT_STATUS.format(status=draft["status"]) if draft.get("status") else ""
    n = reached(t.uow, draft["estate"])  # said before publishing; nobody: 只发布 is all there is
    said = (texts.PROJECT_DRAFT.format(name=draft["name"], estate=estate, text=draft["text"], status=status, n=n)
            if n else texts.PROJECT_DRAFT_NOBODY.format(name=draft["name"], text=draft["text"], status=status,
                                                        nobody=texts.NOBODY_TO_NOTIFY.format(scope=estate)))
    publish = (LEDGER.button(texts.PROJECT_PUBLISH, "uok", draft["id"]) if n
               else LEDGER.button(texts.PROJECT_PUBLISH_ONLY, "uop", draft["id"]))
    t.say(said, [board_drafts.status_row(draft, "us", same=True),
                 [publish, LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]], edit=edit)


def _cancel(t: Turn, draft: dict[str, Any], edit: bool = True) -> None:
    del t.state.staff_pending[_key(t)]
    text = {"line": texts.LEDGER_CANCELLED, "notice": texts.NOTICE_CANCELLED,
            "newproject": texts.NEWPROJECT_CANCELLED}.get(
        draft["kind"], texts.PROJECT_CANCELLED)
    t.say(text, edit=edit, notice=text if edit else "")


def on_button(t: Turn, cb: Callback) -> None:
    """Every press is checked: a publisher's role, the draft is the presser's own, its step."""
    staff = _publisher(t)
    if staff is None:
        t.replies.append(reply("", notice=texts.LEDGER_NOT_PUBLISHER))
        return None
    mine = t.state.staff_pending.get(_key(t))
    if mine is None or str(mine.get("id")) != cb.arg(0):
        theirs = any(k.startswith("lg:") and str(d.get("id")) == cb.arg(0)
                     for k, d in t.state.staff_pending.items())
        t.replies.append(reply("", notice=texts.LEDGER_NOT_YOURS if theirs else texts.STALE_BUTTON))
        return None
    draft = _draft(t)
    if draft is None:
        return None
    step, kind, action = draft["step"], draft["kind"], cb.action
    if action == "x":
        return _cancel(t, draft)
    if action == "ok" and kind == "line" and step == "confirm":
        del t.state.staff_pending[_key(t)]
        return _write_line(t, staff, draft)
    if action == "ed" and kind == "line" and step == "confirm":
        draft.update(step="edit", at=t.now.isoformat())
        t.state.staff_pending[_key(t)] = draft
        t.say(texts.LEDGER_ASK_EDIT.format(minutes=DRAFT_MINUTES),
              [[LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]])
        return None
    if kind in ("notice", "newproject") and board_drafts.on_button(t, staff, draft, cb):
        return None
    if action == "pj" and kind == "project" and step == "pick":
        project = t.uow.board.project(int(cb.arg(1)))
        if project is not None and project.id is not None:
            draft.update(step="project", project=project.id, name=project.name, estate=project.estate,
                         at=t.now.isoformat())
            t.state.staff_pending[_key(t)] = draft
            t.say(texts.PROJECT_ASK.format(name=project.name, minutes=DRAFT_MINUTES),
                  [[LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]])
            return None
    if action == "us" and kind == "project" and step == "confirm":
        chosen = board_drafts.STATUS_CODES.get(cb.arg(1))
        draft.update(status=chosen.value if chosen else "", at=t.now.isoformat())
        t.state.staff_pending[_key(t)] = draft
        return _show_update(t, draft, edit=True)
    if action in ("uok", "uop") and kind == "project" and step == "confirm":
        del t.state.staff_pending[_key(t)]
        names = {e.code: e.name for e in t.app.config.estates}
        project, _, n = publish_update(
            t.uow, names, int(draft["project"]), draft["text"],
            ProjectStatus(draft["status"]) if draft.get("status") else None, staff.code, t.now,
            t.now.astimezone(t.app.zone).date(), push=action == "uok")
        written = (texts.PROJECT_WRITTEN_ONLY if action == "uop" else texts.PROJECT_WRITTEN if n
                   else texts.PROJECT_WRITTEN_NOBODY)  # an older 发布并通知 after the last subscriber left
        text = written.format(name=project.name, n=n)
        t.say(text, edit=True, notice=text)
        return None
    t.replies.append(reply("", notice=texts.STALE_BUTTON))
    return None


FLOW = Flow(name="ledger", buttons=BUTTONS, on_button=on_button, on_any_text=on_text,
            on_any_photo=on_photo)
