"""Staff send a policy push from chat: 发推送 → a policy → its targets → 确认发送 (with the count)."""

from __future__ import annotations

from typing import Any

from bot import pushes, reach, texts
from bot.callbacks import PUSH, Callback
from bot.cards import estate_name
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, grid_rows
from domain.errors import NotFound
from domain.pushes import Reach

BUTTONS = (PUSH,)  # this flow's button namespace
ALL = "all"


def asked(t: Turn) -> bool:
    """发推送 from a staff member (anywhere, staff group included): the policy choice."""
    if t.event.text.strip().lower() not in texts.PUSH_WORDS or t.staff is None:
        return False
    pick_policy(t)
    return True


def pick_policy(t: Turn, *, edit: bool = False) -> None:
    """The policies as buttons, and 取消."""
    policies = t.app.policies.all(t.uow)
    if not policies:
        t.say(texts.PUSH_NO_POLICIES, edit=edit)
        return
    rows = [[PUSH.button(p.title, "pol", p.code)] for p in policies]
    t.say(texts.PUSH_PICK_POLICY, [*rows, [PUSH.button(texts.PUSH_CANCEL_BUTTON, "x")]], edit=edit)


def targets_of(t: Turn, code: str) -> dict[str, Any] | None:
    """A target button's code → Targets data: all, t<tag index>, e<estate code>; None if stale."""
    if code == ALL:
        return {}
    tags = t.app.config.resident_tags
    if code[:1] == "t" and code[1:].isdigit() and int(code[1:]) < len(tags):
        return {"tags": [tags[int(code[1:])]]}
    if code[:1] == "e" and estate_name(t.app, code[1:]):
        return {"estates": [code[1:]]}
    return None


def who(t: Turn, code: str) -> str:
    """The chosen residents in words: 全部居民, 老年人, 翠微苑."""
    data = targets_of(t, code) or {}
    if data.get("tags"):
        return str(data["tags"][0])
    if data.get("estates"):
        return estate_name(t.app, data["estates"][0])
    return texts.PUSH_TARGET_ALL


def on_button(t: Turn, cb: Callback) -> None:
    """Policy chosen, targets chosen, 确认发送, 取消: each replaces the card it was pressed on."""
    if t.staff is None:
        t.say(texts.PUSH_STAFF_ONLY)
        return
    if cb.action == "x":
        t.say(texts.PUSH_CANCELLED, edit=True)
        return
    try:
        title, _ = pushes.render_policy(pushes.find_policy(t.app, cb.arg()))
    except NotFound:
        return pick_policy(t, edit=True)  # a policy removed since the card was shown
    if cb.action == "pol":
        return pick_targets(t, cb.arg(), title)
    target, place = _split(cb)
    data = targets_of(t, target)
    if data is None:
        return pick_targets(t, cb.arg(), title)
    spec: dict[str, Any] = {"policy": cb.arg(), "targets": data}
    # Staff above one 村社 choose where it goes; an estate is one community's, so it stays there.
    places = reach.choices(t.app, t.uow) if not data.get("estates") else []
    if cb.action == "to" and len(places) > 1:
        return pick_place(t, cb.arg(), target, places)
    if place:
        i = int(place)
        if i >= len(places):  # their reach changed since the card was shown
            return pick_place(t, cb.arg(), target, places)
        spec["reach"] = places[i].to_dict()
    if cb.action in ("to", "pl"):
        return confirm(t, spec, title, target, place)
    return start(t, spec)


def _split(cb: Callback) -> tuple[str, str]:
    """(target, place index) of a press: 'pl' and 'okp' carry '<target>_<index>'."""
    if cb.action not in ("pl", "okp"):
        return cb.arg(1), ""
    target, _, place = cb.arg(1).rpartition("_")
    return target, place if place.isdigit() else "99"


def pick_place(t: Turn, policy: str, target: str, places: list[Reach]) -> None:
    """Their own 村社, their 街道, … as buttons (each with how many 村社 it covers)."""
    choices = [PUSH.button(reach.label(t.app, p.to_dict()), "pl", policy, f"{target}_{i}")
               for i, p in enumerate(places)]
    t.say(texts.REACH_PICK, [*grid_rows(choices, per_row=2), [PUSH.button(texts.PUSH_CANCEL_BUTTON, "x")]],
          edit=True)


def pick_targets(t: Turn, policy: str, title: str) -> None:
    """Everyone, a resident tag, or an estate."""
    choices = [PUSH.button(texts.PUSH_TARGET_ALL, "to", policy, ALL)]
    choices += [PUSH.button(tag, "to", policy, f"t{i}")
                for i, tag in enumerate(t.app.config.resident_tags)]
    choices += [PUSH.button(e.name, "to", policy, f"e{e.code}") for e in t.app.config.estates]
    t.say(texts.PUSH_PICK_TARGETS.format(title=title),
          [*grid_rows(choices), [PUSH.button(texts.PUSH_CANCEL_BUTTON, "x")]], edit=True)


def confirm(t: Turn, spec: dict[str, Any], title: str, target: str, place: str = "") -> None:
    """How many residents it reaches (in the chosen place), with 确认发送 / 取消."""
    n = pushes.count(t.app, t.uow, spec, t.now)
    cancel = [PUSH.button(texts.PUSH_CANCEL_BUTTON, "x")]
    if n == 0:
        t.say(texts.PUSH_CONFIRM_NONE.format(who=who(t, target), topic=pushes.compose(t.app, spec)[1]),
              [[PUSH.button("换一个范围", "pol", spec["policy"])], cancel], edit=True)
        return
    where = texts.REACH_CHOSEN.format(where=reach.label(t.app, spec["reach"])) if place else ""
    send = (PUSH.button(texts.PUSH_SEND_BUTTON, "okp", spec["policy"], f"{target}_{place}") if place
            else PUSH.button(texts.PUSH_SEND_BUTTON, "ok", spec["policy"], target))
    t.say(where + texts.PUSH_CONFIRM.format(title=title, who=who(t, target), n=n), [[send], cancel], edit=True)


def start(t: Turn, spec: dict[str, Any]) -> None:
    """Write the push; the confirmation card becomes its progress message (edited as it goes)."""
    staff, message = t.staff, t.event.message_id
    assert staff is not None
    at = (t.event.chat_id, message) if message is not None else None
    if at is not None and t.uow.pushes.by_progress_message(*at) is not None:
        t.say(texts.PUSH_ALREADY, notice=texts.PUSH_ALREADY)
        return
    push_id = pushes.send(t.app, t.uow, spec, started_by=staff.code, now=t.now, progress_at=at)
    t.say(pushes.progress_text(t.uow.pushes.progress(push_id)), edit=True)


FLOW = Flow(name="push_staff", buttons=BUTTONS, on_button=on_button, on_any_text=asked)
