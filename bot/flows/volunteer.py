"""志愿者: sign up with skills and free times, see and change it, take and leave tasks."""

from __future__ import annotations

import re

from bot import texts
from bot.callbacks import VOLUNTEER, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn, grid_rows, reply
from bot.flows import volunteer_help, volunteer_staff, waiting
from bot.volunteer_notices import helped_person, hours_text, task_text
from domain.errors import NotFound
from domain.usecases import volunteers as uc
from domain.volunteers import (
    OTHER_SKILL,
    TIME_SLOTS,
    NotVolunteer,
    TaskClosed,
    TaskFull,
    Volunteer,
    month_bounds,
)

FORM = "volunteer"
OWN_SKILL = re.compile(r"^(我|俺)?(还|也)?(会|能|可以)")  # 我还会理发 → 理发
DONE_WORDS = frozenset({"好了", "选好了", "就这些", "就这样", "没有了", "没了", "可以了", "完成", "好"})
MAX_SKILL = 20
SHOWN_TASKS = 5
# Words residents use for the free times (besides the labels themselves).
WEEKEND = ("周末", "星期六", "星期天", "星期日", "礼拜六", "礼拜天", "周六", "周日", "双休")
WEEKDAY = ("工作日", "平时", "周一到周五", "上班")
ANY_TIME = ("都可以", "都行", "随时", "什么时候都")
# Everyday words for the sample skills; a community's own labels still match by their words.
SKILL_WORDS = {"陪伴老人": ("陪", "聊天"), "代买代办": ("买菜", "买东西", "跑腿", "办事"),
               "维修": ("修",), "教电脑手机": ("电脑", "手机"), "巡逻": ("值班", "站岗")}


def start(t: Turn) -> None:
    """我想当志愿者 / 有什么志愿活动: sign up first, or (signed up) the open tasks."""
    r = t.resident
    if r is None or r.id is None:
        waiting.wait_for_contact(t, "volunteer", texts.VOL_NEED_PHONE)
        return
    if not r.verified:
        t.say(texts.VOL_NEED_VERIFIED, texts.MENU_BUTTONS)
        return
    v = t.uow.volunteers.get(r.id)
    if v is not None and v.active:
        return tasks(t, v)
    t.state.start(FORM, {"kind": FORM, "skills": [], "times": []})
    ask_skills(t)


def ask_skills(t: Turn, edit: bool = False) -> None:
    """Skill buttons (chosen ones ticked), 其他 to type one, and 选好了."""
    t.state.step = "skills"
    chosen = t.state.slots["skills"]
    labels = t.app.config.volunteers.skills
    rows = grid_rows([VOLUNTEER.button(("✓" if s in chosen else "") + s, "sk", i)
                      for i, s in enumerate(labels, 1)], 3)
    rows.append([VOLUNTEER.button(texts.VOL_DONE_BUTTON, "skd"),
                 VOLUNTEER.button(texts.VOL_CANCEL_BUTTON, "x")])
    typed = [s for s in chosen if s not in labels]
    t.say(texts.VOL_ASK_SKILLS.format(chosen="、".join(chosen) or texts.VOL_NONE_YET)
          + (texts.VOL_TYPED.format(typed="、".join(typed)) if typed else ""), rows, edit=edit)


def ask_times(t: Turn, edit: bool = False) -> None:
    """Free-time buttons, several allowed, and 选好了."""
    t.state.step = "times"
    chosen = t.state.slots["times"]
    rows = grid_rows([VOLUNTEER.button(("✓" if c in chosen else "") + label, "tm", i)
                      for i, (c, label) in enumerate(TIME_SLOTS.items(), 1)], 2)
    rows.append([VOLUNTEER.button(texts.VOL_SAVE_BUTTON, "tmd"),
                 VOLUNTEER.button(texts.VOL_CANCEL_BUTTON, "x")])
    t.say(texts.VOL_ASK_TIMES.format(
        chosen="、".join(TIME_SLOTS[c] for c in chosen) or texts.VOL_NONE_YET), rows, edit=edit)


def skills_in(labels: list[str], text: str) -> list[str]:
    """Skills named in free words: a label, or two characters of it (陪老人聊天 → 陪伴老人)."""
    found = []
    for label in labels:
        if label == OTHER_SKILL:
            continue
        pairs = {label[i:i + 2] for i in range(len(label) - 1)}
        if label in text or any(p in text for p in (*pairs, *SKILL_WORDS.get(label, ()))):
            found.append(label)
    return found


def times_in(text: str) -> list[str]:
    """Free times named in free words: 周末上午, 平时晚上, 礼拜六礼拜天, 都可以 …"""
    found = [c for c, label in TIME_SLOTS.items() if label in text]
    if found:
        return found
    if any(w in text for w in ANY_TIME):
        return list(TIME_SLOTS)
    morning, afternoon = any(w in text for w in ("上午", "早上")), "下午" in text
    day, evening = "白天" in text, "晚上" in text
    weekend, weekday = any(w in text for w in WEEKEND), any(w in text for w in WEEKDAY)
    out = []
    if weekend:
        out += ["wem"] if morning or not afternoon else []
        out += ["wea"] if afternoon or not morning else []
    if weekday or (not weekend and (day or evening or morning or afternoon)):
        out += ["wdd"] if day or morning or afternoon or not evening else []
        out += ["wde"] if evening else []
    return out


def on_text(t: Turn) -> None:
    """Typed while signing up: skills or times in the resident's own words, or 好了."""
    text = t.event.text.strip()
    word = text.strip("。.!！ ")
    step = t.state.step
    if step == "other":
        own = OWN_SKILL.sub("", text)[:MAX_SKILL] or text[:MAX_SKILL]
        t.state.slots["skills"] = list(dict.fromkeys([*t.state.slots["skills"], own]))
        return ask_skills(t)
    if step == "skills":
        if word in DONE_WORDS or t.intent == "affirm":
            return skills_done(t)
        named = skills_in(t.app.config.volunteers.skills, text)
        if not named and volunteer_help.switched(t):
            return None
        # Words that name no listed skill are the volunteer's own skill (我会理发 → 理发).
        own = OWN_SKILL.sub("", text)[:MAX_SKILL] or text[:MAX_SKILL]
        t.state.slots["skills"] = list(dict.fromkeys([*t.state.slots["skills"], *(named or [own])]))
        return ask_skills(t)
    if word in DONE_WORDS or t.intent == "affirm":
        return save(t)
    named_times = times_in(text)
    if not named_times and volunteer_help.switched(t):
        return None
    if not named_times:
        t.say(texts.VOL_TIMES_NOT_UNDERSTOOD)
        return ask_times(t)
    t.state.slots["times"] = list(dict.fromkeys([*t.state.slots["times"], *named_times]))
    ask_times(t)


def skills_done(t: Turn, edit: bool = False) -> None:
    """On to the times (at least one skill first)."""
    if not t.state.slots["skills"]:
        t.say(texts.VOL_PICK_ONE_SKILL)
        return ask_skills(t)
    ask_times(t, edit=edit)


def save(t: Turn) -> None:
    """Write the sign-up, then say so (with the open tasks that fit)."""
    if not t.state.slots["times"]:
        t.say(texts.VOL_PICK_ONE_TIME)
        return ask_times(t)
    r = t.resident
    if r is None:
        t.state.end()
        return start(t)
    v = uc.sign_up(t.uow, r, t.state.slots["skills"], t.state.slots["times"], t.now)
    t.state.end()
    t.say(texts.VOL_SIGNED.format(summary=summary(v)))
    tasks(t, v, quiet=True)


def summary(v: Volunteer) -> str:
    """会：…；有空：…"""
    return texts.VOL_SUMMARY.format(skills="、".join(v.skills),
                                    times="、".join(TIME_SLOTS[c] for c in v.times))


def tasks(t: Turn, v: Volunteer, quiet: bool = False) -> None:
    """Open tasks with free places, each with 我来 (or 我不去了 where the place is theirs)."""
    items = [k for k in t.uow.volunteers.tasks(since=t.now) if k.open_at(t.now)]
    rows: list[list[tuple[str, str]]] = []
    lines: list[str] = []
    for k in items:
        assert k.id is not None
        mine = t.uow.volunteers.signup(k.id, v.resident_id)
        if mine is not None and mine.status == "taken":
            rows.append([VOLUNTEER.button(texts.VOL_WITHDRAW_BUTTON.format(n=len(lines) + 1), "wd", k.id)])
        elif k.taken < k.capacity and k.fits(v, t.app.zone):
            rows.append([VOLUNTEER.button(texts.VOL_TAKE_N_BUTTON.format(n=len(lines) + 1), "take", k.id)])
        else:
            continue
        lines.append(f"{len(lines) + 1}. " + task_text(t.app, k, t.now))
        if len(lines) == SHOWN_TASKS:
            break
    if not lines:
        if not quiet:
            t.say(texts.VOL_NO_TASKS, texts.MENU_BUTTONS)
        return
    t.say(texts.VOL_TASKS.format(lines="\n".join(lines)), rows)


def mine(t: Turn, resident_id: int) -> None:
    """In 我的信息: skills, times and hours served, with 修改 and 不当志愿者了."""
    v = t.uow.volunteers.get(resident_id)
    if v is None or not v.active:
        return
    since, until = month_bounds(f"{t.now.astimezone(t.app.zone):%Y-%m}", t.app.zone)
    month = uc.hours(t.uow, since, until).get(resident_id, (0, 0.0))[1]
    total = uc.hours(t.uow, v.joined_at or since, t.now).get(resident_id, (0, 0.0))[1]
    t.say(texts.VOL_MINE.format(summary=summary(v), total=hours_text(total),
                                month=hours_text(month)),
          [[VOLUNTEER.button(texts.VOL_EDIT_BUTTON, "edit"),
            VOLUNTEER.button(texts.VOL_TASKS_BUTTON, "tasks")],
           [VOLUNTEER.button(texts.VOL_STOP_BUTTON, "stop")]])


def _take(t: Turn, task_id: int) -> None:
    r = t.resident
    try:
        if r is None or r.id is None:
            raise NotVolunteer("volunteer")
        task, new = uc.take(t.uow, task_id, r.id, t.now)
    except NotVolunteer:
        t.say(texts.VOL_NOT_VOLUNTEER, notice=texts.VOL_NOT_VOLUNTEER)
        return
    except TaskFull:
        t.say(texts.VOL_FULL, notice=texts.VOL_FULL)
        return
    except TaskClosed:
        t.say(texts.VOL_CLOSED, notice=texts.VOL_CLOSED)
        return
    if not new:
        t.say(texts.VOL_ALREADY_TAKEN, notice=texts.VOL_ALREADY_TAKEN)
        return
    text = texts.VOL_TAKEN.format(task=task_text(t.app, task, t.now)) + helped_person(t.app, t.uow, task)
    t.say(text, [[VOLUNTEER.button(texts.VOL_WITHDRAW_BUTTON.format(n=""), "wd", task_id)]],
          notice=texts.VOL_TAKEN_NOTICE)


def on_button(t: Turn, cb: Callback) -> None:
    """Volunteer buttons; staff and 求助 buttons are passed to their modules."""
    if cb.action in volunteer_staff.ACTIONS:
        return volunteer_staff.on_button(t, cb)
    if cb.action in volunteer_help.ACTIONS:
        return volunteer_help.on_button(t, cb)
    a, form = cb.action, t.state.form == FORM
    if a == "x":
        t.state.end()
        t.say(texts.STOPPED, texts.MENU_BUTTONS)
        return
    if a in ("sk", "skd", "tm", "tmd") and not form:
        t.say(texts.VOL_FORM_GONE, texts.MENU_BUTTONS, notice=texts.STALE_BUTTON)
        return
    if a == "sk":
        labels = t.app.config.volunteers.skills
        i = int(cb.arg()) - 1
        if i >= len(labels):
            return ask_skills(t)
        if labels[i] == OTHER_SKILL:
            t.state.step = "other"
            t.say(texts.VOL_ASK_OTHER)
            return
        chosen = t.state.slots["skills"]
        t.state.slots["skills"] = [s for s in chosen if s != labels[i]] if labels[i] in chosen \
            else [*chosen, labels[i]]
        return ask_skills(t, edit=True)
    if a == "skd":
        return skills_done(t, edit=True)
    if a == "tm":
        codes = list(TIME_SLOTS)
        i = int(cb.arg()) - 1
        if i < len(codes):
            chosen = t.state.slots["times"]
            t.state.slots["times"] = [c for c in chosen if c != codes[i]] if codes[i] in chosen \
                else [*chosen, codes[i]]
        return ask_times(t, edit=True)
    if a == "tmd":
        return save(t)
    r = t.resident
    v = t.uow.volunteers.get(r.id) if r is not None and r.id is not None else None
    if a == "take":
        return _take(t, int(cb.arg()))
    if v is None or not v.active:
        return start(t)
    if a == "edit":
        t.state.start(FORM, {"kind": FORM, "skills": list(v.skills), "times": list(v.times)})
        return ask_skills(t)
    if a == "tasks":
        return tasks(t, v)
    if a == "stop":
        t.say(texts.VOL_STOP_CONFIRM, [[VOLUNTEER.button(texts.VOL_STOP_YES, "stopy"),
                                        VOLUNTEER.button(texts.VOL_STOP_NO, "x")]])
        return
    if a == "stopy":
        uc.stop(t.uow, v.resident_id)
        t.say(texts.VOL_STOPPED, texts.MENU_BUTTONS)
        return
    if a == "wd":
        try:
            task = uc.withdraw(t.uow, int(cb.arg()), v.resident_id, t.now)
        except TaskClosed:
            t.say(texts.VOL_TOO_LATE_TO_LEAVE, notice=texts.VOL_TOO_LATE_TO_LEAVE)
            return
        except NotFound:
            t.say(texts.VOL_NOT_YOURS, notice=texts.VOL_NOT_YOURS)
            return
        t.say(texts.VOL_WITHDRAWN.format(title=task.title), notice=texts.VOL_WITHDRAWN_NOTICE)
        return
    t.replies.append(reply("", notice=texts.STALE_BUTTON))


FLOW = Flow(
    name="volunteer",
    intents={"volunteer": start, "ask_help": volunteer_help.start},
    forms={FORM: on_text, volunteer_help.FORM: volunteer_help.on_text},
    buttons=(VOLUNTEER,), on_button=on_button, on_any_text=volunteer_staff.on_any_text,
)
