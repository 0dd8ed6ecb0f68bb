"""Residents choose which pushes they get: 政策, 通知, 预警 (预警 only off after a warning)."""

from __future__ import annotations

import re

from bot import texts
from bot.callbacks import MENU, SUBS, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import ButtonRows, Turn
from domain.pushes import ALERT, CODE_OF_TOPIC, NOTICE, POLICY, TOPIC_CODES, TOPICS
from domain.residents import Resident

BUTTONS = (SUBS,)  # this flow's button namespace
# The topic named in what a resident said; the first that matches wins.
TOPIC_WORDS = (
    (ALERT, re.compile(r"预警|警报|台风|暴雨|防灾|灾害|避灾")),
    (POLICY, re.compile(r"政策|补贴|福利")),
    (NOTICE, re.compile(r"通知|公告|活动|停水|停电")),
)


def topic_in(text: str) -> str | None:
    """政策/通知/预警 as named in the text, or None."""
    return next((topic for topic, words in TOPIC_WORDS if words.search(text)), None)


def subscribe(t: Turn) -> None:
    """订阅通知 / 我想收政策: switch the named topic on (or ask which)."""
    _asked(t, on=True)


def unsubscribe(t: Turn) -> None:
    """以后别给我发政策了: switch the named topic off (预警 asks first), or ask which."""
    _asked(t, on=False)


def _asked(t: Turn, *, on: bool) -> None:
    resident = _resident(t)
    if resident is None:
        return
    topic = topic_in(t.event.text)
    if topic is None:
        action = "on" if on else "off"
        rows: ButtonRows = [[SUBS.button(x, action, CODE_OF_TOPIC[x]) for x in TOPICS],
                            [MENU.button(texts.PUSH_CANCEL_BUTTON, "menu")]]
        t.say(texts.SUBS_ASK_ON if on else texts.SUBS_ASK_OFF, rows)
        return
    change(t, resident, topic, on=on)


def _resident(t: Turn) -> Resident | None:
    """The asker as a stored resident; else ask for their phone number (subscriptions need one)."""
    resident = t.resident
    if resident is None or resident.id is None:
        t.state.contact_asked = True
        t.say(texts.SUBS_NEED_CONTACT, request="contact")
        return None
    return resident


def change(t: Turn, resident: Resident, topic: str, *, on: bool, confirmed: bool = False) -> None:
    """Switch a topic; switching 预警 off first warns, with 仍然关闭 / 保留."""
    assert resident.id is not None
    if t.uow.subscriptions.of(resident.id)[topic] == on:
        t.say((texts.SUBS_ALREADY_ON if on else texts.SUBS_ALREADY_OFF).format(topic=topic),
              texts.MENU_BUTTONS)
        return
    if not on and topic == ALERT and not confirmed:
        code = CODE_OF_TOPIC[ALERT]
        t.say(texts.SUBS_ALERT_WARN, [[SUBS.button("仍然关闭", "offy", code),
                                      SUBS.button("保留", "keep", code)]])
        return
    t.uow.subscriptions.switch(resident.id, topic, on, t.now)
    t.say((texts.SUBS_ON if on else texts.SUBS_OFF).format(topic=topic), texts.MENU_BUTTONS)


def on_button(t: Turn, cb: Callback) -> None:
    """A topic chosen, 仍然关闭, or 保留."""
    topic = TOPIC_CODES.get(cb.arg())
    resident = _resident(t)
    if resident is None or topic is None:
        return
    if cb.action == "keep":
        t.say(texts.SUBS_ALERT_KEPT, texts.MENU_BUTTONS)
        return
    change(t, resident, topic, on=cb.action == "on", confirmed=cb.action == "offy")


def summary(t: Turn, resident: Resident) -> tuple[str, ButtonRows]:
    """The 我的信息 line with the three choices, and a toggle button for each."""
    assert resident.id is not None
    state = t.uow.subscriptions.of(resident.id)
    lines = "、".join(f"{x}{texts.SUBS_STATE[state[x]]}" for x in TOPICS)
    rows = [[SUBS.button(texts.SUBS_TOGGLE[state[x]].format(topic=x),
                         "off" if state[x] else "on", CODE_OF_TOPIC[x]) for x in TOPICS]]
    return texts.SUBS_LINE.format(lines=lines), rows


FLOW = Flow(name="subscriptions", intents={"subscribe": subscribe, "unsubscribe": unsubscribe},
            buttons=BUTTONS, on_button=on_button)
