"""线上表决 in the chat: residents vote with buttons; staff create, watch and close polls."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot import polls as service
from bot import texts
from bot.callbacks import POLL, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, grid_rows, live_pending, reply
from bot.flows.info import office_call
from bot.flows.staff import enter, labelled
from domain.errors import InvalidTransition, InvalidValue, ViewOnly
from domain.polls import MAX_OPTIONS, Poll, PollStatus, VoteOutcome, check_poll
from domain.usecases import polls as uc

BUTTONS = (POLL,)
CREATE_MINUTES = 30  # a half-made poll left longer is dropped
# "有什么投票" "我要投票" "投票在哪" "参加表决": a resident asking to vote.
ASKS_TO_VOTE = re.compile(r"^(?:我要|我想|我来|要|想|去|参加|有什么|有没有|有啥|哪些|看看|怎么)?"
                          r"(?:投票|投个票|表决)(?:吗|呢|啊|呀|在哪|在哪里|了吗)?$")


def _key(t: Turn) -> str:
    return f"poll:{t.event.user_id}"


# -- residents ----------------------------------------------------------------------------
def show_open(t: Turn) -> None:
    """The open polls the resident may vote in, each a button (or the one poll at once)."""
    resident = t.resident
    if resident is None:  # not bound yet: sharing the phone is the way
        t.state.contact_asked = True
        t.say(texts.POLL_NEED_CONTACT, request="contact")
        return
    if not resident.verified:
        t.say(texts.POLL_NEED_VERIFIED.format(call=office_call(t)), texts.MENU_BUTTONS)
        return
    polls = uc.open_for(t.uow, resident, t.now)
    if not polls:
        t.say(texts.POLL_NONE, texts.MENU_BUTTONS)
        return
    if len(polls) == 1 and not uc.has_voted(t.uow, polls[0], resident):
        t.replies.append(service.notice(t.app, polls[0], t.now))
        return
    rows = [[POLL.button(p.question[:20] + (texts.POLL_ALREADY_MARK if uc.has_voted(t.uow, p, resident)
                                            else ""), "open", p.id)] for p in polls]
    t.say(texts.POLL_LIST, rows)


def _vote(t: Turn, poll_id: int, option: int) -> None:
    outcome = uc.vote(t.uow, poll_id, t.resident, option - 1, t.event.chat_id, t.now)
    poll = uc.get_poll(t.uow, poll_id)
    if outcome == VoteOutcome.VOTED:
        text = texts.POLL_VOTED.format(option=poll.options[option - 1])
    elif outcome == VoteOutcome.ALREADY:
        text = texts.POLL_ALREADY
    elif outcome == VoteOutcome.CLOSED:
        text = texts.POLL_CLOSED
    elif outcome == VoteOutcome.OUT_OF_SCOPE:
        text = texts.POLL_OUT_OF_SCOPE.format(estate=service.estate_name(t.app, poll.estate))
    else:
        text = texts.POLL_NEED_VERIFIED.format(call=office_call(t))
    t.say(text, notice=text)


# -- staff: create in a few short steps ------------------------------------------------------
def _start_create(t: Turn) -> None:
    if t.staff is not None and t.staff.level:
        t.say(texts.WORKLIST_LEVEL_POLL)  # a poll is its community's to start
        return
    t.state.staff_pending[_key(t)] = {"step": "question", "at": t.now.isoformat()}
    t.say(texts.POLL_ASK_QUESTION, [[POLL.button(texts.POLL_CANCEL, "x")]])


def _on_create_text(t: Turn, ask: dict[str, Any]) -> None:
    from bot.dialogue.engine import STOP_WORDS

    text = t.event.text.strip()
    key = _key(t)
    if text.lower().strip("。.!！ ") in STOP_WORDS:
        del t.state.staff_pending[key]
        t.say(texts.POLL_CREATE_CANCELLED)
        return
    step, cancel = ask["step"], [POLL.button(texts.POLL_CANCEL, "x")]
    if step == "question":
        try:
            check_poll(text, ["1", "2"], t.now + timedelta(days=1), t.now)
        except InvalidValue as exc:
            t.say(texts.invalid_text(exc), [cancel])
            return
        ask.update(step="options", question=" ".join(text.split()))
        t.say(texts.POLL_ASK_OPTIONS, [cancel])
    elif step == "options":
        options = [o.strip(" 、,，.。;；") for o in re.split(r"[\n、；;]|(?<=\S) (?=\S)", text)]
        options = [o for o in options if o][: MAX_OPTIONS + 1]
        try:
            check_poll(ask["question"], options, t.now + timedelta(days=1), t.now)
        except InvalidValue as exc:
            t.say(texts.invalid_text(exc) + texts.POLL_ASK_OPTIONS, [cancel])
            return
        ask.update(step="scope", options=options)
        _ask_scope(t)
    elif step == "ends":
        ends = service.parse_plain_time(text, t.app) or service.ends_from(t.entity("time"))
        if ends is None or ends <= t.now:
            t.say(texts.POLL_ENDS_BAD if ends is None else texts.invalid_text(InvalidValue("ends_at", "past")),
                  [cancel])
            return
        ask.update(step="preview", ends=ends.isoformat())
        _preview(t, ask)
    elif step == "preview":
        _preview(t, ask)
    else:  # waiting for a scope button: ask again
        _ask_scope(t)
    ask["at"] = t.now.isoformat()
    t.state.staff_pending[key] = ask


def _ask_scope(t: Turn) -> None:
    estates = [POLL.button(e.name, "est", e.code) for e in t.app.config.estates]
    t.say(texts.POLL_ASK_SCOPE, [[POLL.button(texts.POLL_SCOPE_ALL, "all")], *grid_rows(estates, 3),
                                 [POLL.button(texts.POLL_CANCEL, "x")]])


def _preview(t: Turn, ask: dict[str, Any]) -> None:
    options = "\n".join(f"{i + 1}. {o}" for i, o in enumerate(ask["options"]))
    text = texts.POLL_PREVIEW.format(question=ask["question"], options=options,
                                     scope=service.scope_label(t.app, ask.get("estate")),
                                     ends=texts.format_when(datetime.fromisoformat(ask["ends"]), t.app.zone, t.now))
    t.say(text, [[POLL.button(texts.POLL_PUBLISH, "pub"), POLL.button(texts.POLL_CANCEL, "x")]])


def _pending(t: Turn) -> dict[str, Any] | None:
    return live_pending(t, _key(t), CREATE_MINUTES, texts.POLL_CREATE_EXPIRED.format(minutes=CREATE_MINUTES))


def _create_button(t: Turn, cb: Callback) -> None:
    ask = _pending(t)
    if ask is None:
        t.replies.append(reply("", notice=texts.STALE_BUTTON))
        return
    key = _key(t)
    if cb.action == "x":
        del t.state.staff_pending[key]
        t.say(texts.POLL_CREATE_CANCELLED, edit=True, notice=texts.POLL_CREATE_CANCELLED)
        return
    if cb.action in ("all", "est") and ask["step"] in ("scope", "preview"):
        ask.update(estate=cb.arg() if cb.action == "est" else None, at=t.now.isoformat())
        ask["step"] = "ends" if "ends" not in ask else "preview"
        t.state.staff_pending[key] = ask
        if ask["step"] == "preview":  # the scope changed at the preview
            return _preview(t, ask)
        t.say(texts.POLL_ASK_ENDS, [[POLL.button(texts.POLL_CANCEL, "x")]])
        return None
    if cb.action == "pub" and ask["step"] == "preview":
        assert t.staff is not None
        poll = uc.create_poll(t.uow, question=ask["question"], options=ask["options"],
                              ends_at=datetime.fromisoformat(ask["ends"]), created_by=t.staff.code,
                              now=t.now, estate=ask.get("estate"))
        told = service.publish(t.app, t.uow, poll, t.now)
        del t.state.staff_pending[key]
        text = texts.POLL_PUBLISHED.format(id=poll.id, n=told)
        t.say(text, [[POLL.button(texts.POLL_RESULTS_BUTTON.format(id=poll.id), "res", poll.id)]],
              edit=True, notice=text)
        return None
    t.replies.append(reply("", notice=texts.STALE_BUTTON))
    return None


# -- staff: results and closing ----------------------------------------------------------------
def staff_list(t: Turn) -> None:
    """Recent polls with a 查看结果 button each."""
    polls = t.uow.polls.list(limit=10)
    if not polls:
        t.say(texts.POLL_STAFF_NONE)
        return
    above = t.staff is not None and bool(t.staff.level)
    lines = [texts.POLL_STAFF_LIST]
    for p in polls:
        line = texts.POLL_STAFF_LINE.format(id=p.id, question=p.question, status=texts.POLL_STATUS[p.status.value],
                                            ends=texts.format_when(p.ends_at, t.app.zone, t.now))
        # staff above several communities: each line says whose poll it is
        lines.append(texts.STAFF_LEVEL_TASK.format(
            line=line, community=t.app.tenant(p.community).config.community.name) if above else line)
    t.say("\n".join(lines), grid_rows([POLL.button(texts.POLL_RESULTS_BUTTON.format(id=p.id), "res", p.id)
                                       for p in polls], 2))


def _poll(t: Turn, poll_id: int) -> Poll:
    """A poll staff look at or close, in its own community's turn (街道/区/市 staff see several)."""
    poll = uc.get_poll(t.uow, poll_id)
    enter(t, poll.community)
    return poll


def _results(t: Turn, poll_id: int, notice: str = "") -> None:
    poll = _poll(t, poll_id)
    rows = [[POLL.button(texts.POLL_CLOSE_BUTTON, "cls", poll_id)]] if poll.status == PollStatus.OPEN else []
    t.replies.append(labelled(t, reply(service.live_text(t.app, t.uow, poll, t.now), rows, notice=notice)))


def _close(t: Turn, poll_id: int) -> None:
    _poll(t, poll_id)
    if t.staff is not None and t.staff.read_only:
        raise ViewOnly(str(poll_id))
    try:
        service.close(t.app, t.uow, poll_id, t.now)
    except InvalidTransition:
        return _results(t, poll_id, texts.POLL_WAS_CLOSED.format(id=poll_id))
    return _results(t, poll_id, texts.POLL_CLOSED_STAFF.format(id=poll_id))


# -- routing -------------------------------------------------------------------------------
def on_button(t: Turn, cb: Callback) -> None:
    """Votes from residents; creation, results and closing from staff (checked on each press)."""
    if cb.action == "v":
        return _vote(t, int(cb.arg(0)), int(cb.arg(1)))
    if cb.action == "open":
        poll = uc.get_poll(t.uow, int(cb.arg()))
        t.replies.append(service.notice(t.app, poll, t.now))
        return None
    if t.staff is None:
        t.replies.append(reply("", notice=texts.POLL_STAFF_ONLY))
        return None
    if cb.action == "res":
        return _results(t, int(cb.arg()))
    if cb.action == "cls":
        return _close(t, int(cb.arg()))
    return _create_button(t, cb)


def on_any_text(t: Turn) -> bool:
    """Staff creating or listing polls (in any chat); a resident asking what there is to vote on."""
    word = t.event.text.strip().lower().strip("。.!！ ")
    # Cheap tests first: most text is residents', who need no staff lookup here.
    staff_words = word in texts.POLL_CREATE_WORDS or word in texts.POLL_LIST_WORDS
    if (_key(t) in t.state.staff_pending or staff_words) and t.staff is not None:
        ask = _pending(t)
        if ask is not None:
            _on_create_text(t, ask)
        elif word in texts.POLL_CREATE_WORDS:
            _start_create(t)
        elif staff_words:
            staff_list(t)
        return True
    if t.is_group or t.state.form or t.event.kind != "text":
        return False
    if ASKS_TO_VOTE.match("".join(word.split())):
        show_open(t)
        return True
    return False


FLOW = Flow(name="polls", buttons=BUTTONS, on_button=on_button, on_any_text=on_any_text)
