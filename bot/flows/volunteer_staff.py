"""Staff side of volunteering: post a task (typed, or from a 求助) with preview, attendance."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot import texts
from bot.callbacks import VOLUNTEER, Callback
from bot.dialogue.turn import Turn, live_pending, reply
from bot.flows import volunteer_help
from bot.flows.staff import enter, labelled
from bot.volunteer_notices import publish, task_text
from domain.errors import NotAllowed, NotFound, ViewOnly
from domain.usecases import volunteers as uc
from domain.volunteers import HelpRequest, Task, TooEarly

R = TypeVar("R", Task, HelpRequest)
ACTIONS = frozenset({"pub", "px", "roll", "att", "abs", "h2t", "hv"})
PREFIXES = ("发布志愿任务", "志愿任务")
DRAFT_MINUTES = 30  # a draft left longer is dropped
HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:小时|钟头|h\b)")
PLACES = re.compile(r"(\d+)\s*(?:个人|人|名|位)")
ISO_WHEN = re.compile(r"(20\d\d)-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})")
SEPARATORS = " ，,。；;：:、\n"


def _key(t: Turn) -> str:
    # Not the bare user id: staff.py keeps its note prompts under that key in the same chat.
    return f"v{t.event.user_id}"


def _draft(t: Turn) -> dict[str, Any] | None:
    return live_pending(t, _key(t), DRAFT_MINUTES)


def on_any_text(t: Turn) -> bool:
    """`志愿任务 …` typed by staff, or the time/hours/places asked for a draft; True if handled."""
    text = t.event.text.strip()
    draft = _draft(t) if _key(t) in t.state.staff_pending else None
    typed = text.startswith(PREFIXES)
    if draft is None and not typed:
        return False
    if t.staff is None:
        return False
    if typed and t.staff.level:
        t.say(texts.WORKLIST_LEVEL_DRAFT)  # a new task is its community's to post
        return True
    from bot.dialogue.engine import STOP_WORDS

    if draft is not None and not typed and text.strip("。.!！ ") in STOP_WORDS:
        del t.state.staff_pending[_key(t)]
        t.say(texts.VOL_DRAFT_CANCELLED)
        return True
    if typed:
        draft = {"title": "", "at": t.now.isoformat()}
        text = text.removeprefix(PREFIXES[0]).removeprefix(PREFIXES[1])
    assert draft is not None
    enter(t, draft.get("community", ""))  # a draft from a 求助: in that request's community
    _fill(t, draft, text, with_title=typed)
    t.state.staff_pending[_key(t)] = draft
    missing = [name for name, key in (("title", "title"), ("when", "start"), ("hours", "hours"),
                                      ("capacity", "capacity")) if not draft.get(key)]
    if missing:
        t.say(texts.VOL_DRAFT_MISSING.format(
            missing="、".join(texts.VOL_DRAFT_FIELDS[m] for m in missing)))
        return True
    _preview(t, draft)
    return True


def _fill(t: Turn, draft: dict[str, Any], text: str, *, with_title: bool) -> None:
    """Time, hours, places, skill and estate from the staff member's words; the rest is the title."""
    rest = text
    if (m := ISO_WHEN.search(text)) is not None:
        y, mo, d, h, mi = (int(x) for x in m.groups())
        draft["start"] = datetime(y, mo, d, h, mi, tzinfo=t.app.zone).astimezone(UTC).isoformat()
        rest = rest.replace(m.group(0), " ")
    else:
        when = t.entity("time")
        if when and isinstance(when["value"], str) and when.get("grain") in ("hour", "minute"):
            draft["start"] = datetime.fromisoformat(when["value"]).astimezone(UTC).isoformat()
            said = t.event.text[when["start"]:when["end"]]
            rest = rest.replace(said, " ")
    if (m := HOURS.search(rest)) is not None:
        draft["hours"] = float(m.group(1))
        rest = rest.replace(m.group(0), " ")
    if (m := PLACES.search(rest)) is not None:
        draft["capacity"] = int(m.group(1))
        rest = rest.replace(m.group(0), " ")
    # A skill or estate is its own word ("巡逻"), never part of the title ("小区巡逻").
    words = [p for p in re.split(f"[{SEPARATORS}]+", rest) if p]
    estates = t.app.estate_lookup()
    title = []
    for word in words:
        if word in t.app.config.volunteers.skills:
            draft["skill"] = word
        elif word in estates:
            draft["estate"] = estates[word]
        else:
            title.append(word)
    if with_title and title:
        draft["title"] = " ".join(title)[:uc.MAX_TITLE]


def _task(t: Turn, draft: dict[str, Any]) -> Task:
    estate = draft.get("estate", "")
    grid = t.app.report_rules.grid_of_estate.get(estate) if estate else None
    if grid is None and t.staff is not None and t.staff.role == "网格员" and t.staff.grids:
        grid = t.staff.grids[0]  # a grid worker's task without an estate is for their grid
    return Task(title=draft["title"], start=datetime.fromisoformat(draft["start"]),
                hours=float(draft["hours"]), capacity=int(draft["capacity"]), posted_by="",
                skill=draft.get("skill", ""), estate=estate, grid=grid, help_id=draft.get("help"))


def _preview(t: Turn, draft: dict[str, Any]) -> None:
    task = _task(t, draft)
    t.say(texts.VOL_PREVIEW.format(task=task_text(t.app, task, t.now)),
          [[VOLUNTEER.button(texts.VOL_PUBLISH_BUTTON, "pub"),
            VOLUNTEER.button(texts.VOL_CANCEL_BUTTON, "px")]])


def _roll(t: Turn, task_id: int, notice: str = "", edit: bool = False) -> None:
    """Who took the task, each with 到了 / 没来."""
    task = _task_of(t, task_id)
    uc.staff_for(t.uow, t.event.user_id, task.grid, acting=False)
    rows, lines = [], []
    for s in t.uow.volunteers.signups(task_id):
        person = t.uow.residents.get(s.resident_id)
        name = person.name if person else str(s.resident_id)
        lines.append(texts.VOL_ROLL_LINE.format(name=name, mark=texts.VOL_MARKS[s.attended]))
        rows.append([VOLUNTEER.button(texts.VOL_PRESENT.format(name=name), "att", task_id, s.resident_id),
                     VOLUNTEER.button(texts.VOL_ABSENT.format(name=name), "abs", task_id, s.resident_id)])
    text = texts.VOL_ROLL.format(title=task.title, when=texts.format_when(task.start, t.app.zone, t.now),
                                 lines="\n".join(lines) or texts.VOL_ROLL_EMPTY)
    t.replies.append(reply(text, rows, edit=edit, notice=notice))


def _task_of(t: Turn, task_id: int) -> Task:
    """A task, in its own community's turn (staff above several act where it was posted)."""
    return _entered(t, t.uow.volunteers.get_task(task_id), "vtask")


def _help_of(t: Turn, help_id: int) -> HelpRequest:
    """A 求助, in its own community's turn."""
    return _entered(t, t.uow.volunteers.get_help(help_id), "help")


def _entered(t: Turn, record: R | None, what: str) -> R:
    if record is None:
        raise NotFound(what)
    enter(t, record.community)
    return record


def _help_card(t: Turn, help_id: int) -> None:
    """A 求助's card, opened from 待办."""
    request = _help_of(t, help_id)
    uc.staff_for(t.uow, t.event.user_id, request.grid, acting=False)
    t.replies.append(labelled(t, volunteer_help.staff_card(t.app, t.uow, request)))


def _to_task(t: Turn, help_id: int) -> None:
    """转为志愿任务: a draft made from the request; staff give the time, hours and places."""
    request = _help_of(t, help_id)
    uc.staff_for(t.uow, t.event.user_id, request.grid)
    if request.status != "open":
        t.replies.append(reply("", notice=texts.VOL_HELP_ALREADY_TASK))
        return
    t.state.staff_pending[_key(t)] = {
        "title": texts.VOL_HELP_TITLE.format(text=request.text)[:uc.MAX_TITLE], "help": help_id,
        "estate": request.estate, "capacity": 1, "at": t.now.isoformat(),
        "community": request.community}
    t.say(texts.VOL_DRAFT_ASK_WHEN, [[VOLUNTEER.button(texts.VOL_CANCEL_BUTTON, "px")]])


def on_button(t: Turn, cb: Callback) -> None:
    """Staff buttons: each checks who pressed and whether they serve the task's grid."""
    if t.staff is None:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
        return
    try:
        _act(t, cb)
    except ViewOnly:
        t.replies.append(reply("", notice=texts.STAFF_VIEW_ONLY))
    except NotAllowed:
        t.replies.append(reply("", notice=texts.STAFF_NOT_ALLOWED))
    except TooEarly:
        t.replies.append(reply("", notice=texts.VOL_TOO_EARLY))


def _act(t: Turn, cb: Callback) -> None:
    a = cb.action
    if a == "h2t":
        return _to_task(t, int(cb.arg()))
    if a == "hv":
        return _help_card(t, int(cb.arg()))
    if a in ("pub", "px"):
        draft = _draft(t)
        complete = draft is not None and all(draft.get(k) for k in ("title", "start", "hours", "capacity"))
        if draft is None or (a == "pub" and not complete):
            t.replies.append(reply("", notice=texts.STALE_BUTTON))
            return
        del t.state.staff_pending[_key(t)]
        if a == "px":
            t.say(texts.VOL_DRAFT_CANCELLED, edit=True, notice=texts.VOL_DRAFT_CANCELLED)
            return
        enter(t, draft.get("community", ""))  # posted where the 求助 it answers was filed
        task = _task(t, draft)
        n = publish(t.app, t.uow, task, t.event.user_id, t.now)
        assert task.id is not None
        text = texts.VOL_POSTED.format(task=task_text(t.app, task, t.now), n=n)
        t.say(text, [[VOLUNTEER.button(texts.VOL_ROLL_BUTTON, "roll", task.id)]], edit=True,
              notice=texts.VOL_POSTED_NOTICE)
        return
    task_id = int(cb.arg())
    if a == "roll":
        return _roll(t, task_id)
    resident_id = int(cb.arg(1))
    _task_of(t, task_id)
    uc.mark(t.uow, task_id, resident_id, a == "att", t.event.user_id, t.now)
    _roll(t, task_id, notice=texts.VOL_MARKED, edit=True)
