"""Staff-chat drafts for the 公开之栏 beside ledger lines: a notice's scope, a new project.

The drafts live in the same place and obey the same checks as bot/flows/ledger.py (which
routes typing and presses here): keyed by author, a random id on every button, 10-minute expiry.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from bot import texts
from bot.board_push import publish_notice, reached
from bot.callbacks import LEDGER, Callback
from bot.dialogue.turn import Turn
from domain.board import MAX_FEN, Notice, Project, ProjectStatus, parse_yuan, yuan
from domain.errors import InvalidValue
from domain.staff import Staff
from domain.usecases import board as uc

WHOLE = "_"  # the scope button of the whole community (an estate code is never "_")
STATUS_CODES = {"p": ProjectStatus.PLANNED, "b": ProjectStatus.BUILDING, "d": ProjectStatus.DONE}
SAME = "k"
MAX_NAME = 40
TYPED_STEPS = frozenset({"pname", "pbudget"})
_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*万")


def _save(t: Turn, draft: dict[str, Any]) -> None:
    from bot.flows.ledger import _key

    draft["at"] = t.now.isoformat()
    t.state.staff_pending[_key(t)] = draft


def _drop(t: Turn) -> None:
    from bot.flows.ledger import _key

    t.state.staff_pending.pop(_key(t), None)


def _cancel_row(draft: dict[str, Any]) -> list[tuple[str, str]]:
    return [LEDGER.button(texts.LEDGER_CANCEL, "x", draft["id"])]


def _names(t: Turn) -> dict[str, str]:
    return {e.code: e.name for e in t.app.config.estates}


def _estate_rows(t: Turn, draft: dict[str, Any], action: str, whole_first: bool) -> list[list[tuple[str, str]]]:
    whole = [LEDGER.button(texts.BOARD_WHOLE, action, draft["id"], WHOLE)]
    each = [LEDGER.button(e.name, action, draft["id"], e.code) for e in t.app.config.estates]
    rows = [whole, each] if whole_first else [each, whole]
    return [r for r in rows if r] + [_cancel_row(draft)]


def status_row(draft: dict[str, Any], action: str, same: bool) -> list[tuple[str, str]]:
    """One button per status (and 不变 for an update)."""
    row = [LEDGER.button(s.value, action, draft["id"], code) for code, s in STATUS_CODES.items()]
    return row + ([LEDGER.button(texts.PROJECT_STATUS_SAME, action, draft["id"], SAME)] if same else [])


def parse_budget(text: str) -> int | None:
    """"3.8万", "38000元", "三万" → fen; None when it is not a positive amount."""
    from nlu.money import amount_of

    text = text.strip().replace(",", "").replace("，", "")
    m = _WAN.fullmatch(text.rstrip("元块 "))
    if m:
        try:
            fen = int(Decimal(m.group(1)) * 1_000_000)
        except InvalidOperation:
            return None
        return fen if 0 < fen < MAX_FEN else None
    if text.startswith(("-", "负")):
        return None
    found = parse_yuan(text)
    if found is None:  # Chinese numerals ("三万") are read as money with a unit
        found, _ = amount_of(text if text.endswith(("元", "块")) else text + "元")
    return found if found and 0 < found < MAX_FEN else None


# -- starting a draft -----------------------------------------------------------------------
def start_project(t: Turn, rest: str) -> None:
    """新建项目 [名字]: ask the name, or go on to its 小区 when it came with the words."""
    from bot.flows.ledger import DRAFT_MINUTES, _new_draft

    d = _new_draft(t, "newproject", "pname", name="", estate="", status="", budget=None)
    if rest:
        return _named(t, d, rest)
    t.say(texts.NEWPROJECT_ASK_NAME.format(minutes=DRAFT_MINUTES), [_cancel_row(d)])
    return None


def _named(t: Turn, draft: dict[str, Any], name: str) -> None:
    name = name.strip().strip("。.")
    if len(name) > MAX_NAME:
        t.say(texts.NEWPROJECT_TOO_LONG.format(max=MAX_NAME), [_cancel_row(draft)])
        return
    draft.update(name=name, step="pestate")
    _save(t, draft)
    t.say(texts.NEWPROJECT_ASK_ESTATE.format(name=name), _estate_rows(t, draft, "np", whole_first=False))


def typed(t: Turn, draft: dict[str, Any], text: str) -> None:
    """The staff member's answer to a notice or new-project question."""
    if draft["kind"] == "notice":
        title, _, body = text.partition("\n")
        if len(title.strip()) > uc.MAX_TITLE:  # said now, while the draft is still open to retype
            _save(t, draft)
            t.say(texts.invalid_text(InvalidValue("title", "too_long", max=uc.MAX_TITLE)), [_cancel_row(draft)])
            return
        draft.update(step="scope", title=title.strip(), text=body.strip() or title.strip())
        _save(t, draft)
        t.say(texts.NOTICE_ASK_SCOPE, _estate_rows(t, draft, "sc", whole_first=True))
        return
    if draft["step"] == "pname":
        return _named(t, draft, text)
    if text.strip("。. ") in texts.NEWPROJECT_SKIP_WORDS:
        return _show_project(t, draft)
    fen = parse_budget(text)
    if fen is None:
        _save(t, draft)
        t.say(texts.NEWPROJECT_BAD_BUDGET, [[LEDGER.button(texts.NEWPROJECT_SKIP, "nb", draft["id"])],
                                            _cancel_row(draft)])
        return None
    draft["budget"] = fen
    return _show_project(t, draft)


def _show_project(t: Turn, draft: dict[str, Any], edit: bool = False) -> None:
    draft["step"] = "confirm"
    _save(t, draft)
    t.say(texts.NEWPROJECT_DRAFT.format(
        name=draft["name"], estate=_names(t).get(draft["estate"], texts.BOARD_WHOLE), status=draft["status"],
        budget=yuan(draft["budget"]) if draft["budget"] else texts.NEWPROJECT_NO_BUDGET),
        [[LEDGER.button(texts.NEWPROJECT_CONFIRM, "pok", draft["id"]), *_cancel_row(draft)]], edit=edit)


def _show_notice(t: Turn, draft: dict[str, Any]) -> None:
    scope = _names(t).get(draft["estate"], texts.BOARD_WHOLE)
    only = LEDGER.button(texts.NOTICE_PUBLISH_ONLY, "nop", draft["id"])
    n = reached(t.uow, draft["estate"])  # said before publishing; nobody: 只发布 is all there is
    if n:
        tail, choices = texts.NOTICE_DRAFT_PUSH.format(scope=scope, n=n), [
            LEDGER.button(texts.NOTICE_PUBLISH_PUSH, "nok", draft["id"]), only]
    else:
        tail, choices = "\n" + texts.NOBODY_TO_NOTIFY.format(scope=scope), [only]
    t.say(texts.NOTICE_DRAFT.format(scope=scope, title=draft["title"], text=draft["text"]) + tail,
          [choices, _cancel_row(draft)], edit=True)


def _publish_notice(t: Turn, staff: Staff, draft: dict[str, Any], push: bool) -> None:
    """Write the notice and, when asked, queue it to that scope's 通知 subscribers, together."""
    scope = _names(t).get(draft["estate"], texts.BOARD_WHOLE)
    notice, n = publish_notice(t.uow, Notice(title=draft["title"], text=draft["text"], estate=draft["estate"],
                                             published_at=t.now, by=staff.code), scope, push=push, now=t.now)
    # An older 发布并通知 pressed after the last subscriber left: said, not "0位".
    written = texts.NOTICE_WRITTEN_PUSHED if n else texts.NOTICE_WRITTEN_NOBODY
    text = written.format(title=notice.title, n=n) if push else texts.NOTICE_WRITTEN.format(title=notice.title)
    t.say(text, edit=True, notice=text)


def on_button(t: Turn, staff: Staff, draft: dict[str, Any], cb: Callback) -> bool:
    """A press on a notice or new-project draft at its step; False if it fits none."""
    step, kind, action = draft["step"], draft["kind"], cb.action
    estate = cb.arg(1) if action in ("sc", "np") else ""
    if estate and estate != WHOLE and estate not in _names(t):
        return False
    if action == "sc" and kind == "notice" and step == "scope":
        draft.update(estate="" if estate == WHOLE else estate, step="confirm")
        _save(t, draft)
        _show_notice(t, draft)
        return True
    if action in ("nok", "nop") and kind == "notice" and step == "confirm":
        _drop(t)
        _publish_notice(t, staff, draft, push=action == "nok")
        return True
    if action == "np" and kind == "newproject" and step == "pestate":
        draft.update(estate="" if estate == WHOLE else estate, step="pstatus")
        _save(t, draft)
        t.say(texts.NEWPROJECT_ASK_STATUS.format(name=draft["name"]),
              [status_row(draft, "ns", same=False), _cancel_row(draft)], edit=True)
        return True
    if action == "ns" and kind == "newproject" and step == "pstatus" and cb.arg(1) in STATUS_CODES:
        draft.update(status=STATUS_CODES[cb.arg(1)].value, step="pbudget")
        _save(t, draft)
        t.say(texts.NEWPROJECT_ASK_BUDGET, [[LEDGER.button(texts.NEWPROJECT_SKIP, "nb", draft["id"])],
                                            _cancel_row(draft)], edit=True)
        return True
    if action == "nb" and kind == "newproject" and step == "pbudget":
        _show_project(t, draft, edit=True)
        return True
    if action == "pok" and kind == "newproject" and step == "confirm":
        _drop(t)
        project = uc.add_project(t.uow, Project(name=draft["name"], estate=draft["estate"],
                                                status=ProjectStatus(draft["status"]), budget_fen=draft["budget"]))
        text = texts.NEWPROJECT_WRITTEN.format(name=project.name, status=project.status.value,
                                               estate=_names(t).get(project.estate, texts.BOARD_WHOLE))
        t.say(text, edit=True, notice=text)
        return True
    return False
