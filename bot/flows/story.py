"""What a resident's words add to a report: greetings and "I want to report" are not the story."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bot import texts
from domain.reports import validate_description

if TYPE_CHECKING:
    from bot.dialogue.turn import ButtonRows, Turn

# A greeting (or a call for attention) at the start of a message: "你好 我家楼道灯坏了".
# Words that can also begin a sentence ("喂猫", "早上好冷") count only before a pause.
_SAFE = r"你们好|你好|您好|大家好|哈喽|(?:hello|hi)(?![a-z])|在吗|在不在|早安|请问"
_LOOSE = r"喂|嗨|早上好|上午好|中午好|下午好|晚上好|师傅|同志|小助手|领导|小姑娘|小伙子"
_PAUSE = r"[呀啊吗呢哈嘛哇哦～~!！?？,，。.、\s]"
GREETING = re.compile(
    rf"^(?:(?:{_SAFE}){_PAUSE}*|(?:{_LOOSE})(?:{_PAUSE}+|(?=你|您)|$))+", re.IGNORECASE)
# Phrases that only say "I want to report" and carry no description of the problem.
TRIGGER = re.compile(
    r"(你好|您好|喂|请问|麻烦|帮我|帮忙|我要|我想|想要|要|我有|有)*(个|一个|条|一条)?"
    r"(报修|报事|报个修|修理|反映(一下)?(个|一个)?(问题|情况)?|投诉|提(个|一个|条)?建议|建议|你说我做|问题)"
    r"[啊呀吧了的一下。，,!！\s]*"
)
# Words that carry nothing of the problem: who is speaking, where they live, small talk.
FILLER = re.compile(
    r"我是|我住|住在|住户|居民|业主|我们家|我家|我们|咱们|这里|这边|那边|那个|这个|就是|然后|另外|"
    r"还有|对了|还|不知道|不清楚|谢谢你?|麻烦你?了?|的|了|啊|呀|吧|呢|哦|嗯|哈|是|在"
)
PUNCTUATION = re.compile(r"[\s。，,.!！?？、；;：:…~～\"“”'‘’()（）-]+")
# A short answer that names a place we do not know ("火星小区"), not a line of the story.
PLACE_NAME = re.compile(
    r"^[^\s的了我在有]{0,6}(小区|花园|苑|新村|村|公寓|家园|华庭|大厦|社区|园|府|庭|城|广场|大楼|坊)(的)?$"
)
PLACE_ENTITIES = frozenset({"estate", "building", "unit", "room"})
# Intents of short replies that answer a question rather than tell the story.
ANSWER_INTENTS = frozenset({"affirm", "deny", "thank", "greet", "stop"})
ENDS_WITH_PUNCTUATION = re.compile(r"[。，,.!！?？；;、…]$")


def strip_greeting(text: str) -> str:
    """The message without a leading greeting ("" when it is only a greeting)."""
    return GREETING.sub("", text.strip(), count=1).strip()


def _is_filler_line(line: str) -> bool:
    rest = strip_greeting(line)
    return not PUNCTUATION.sub("", TRIGGER.sub("", rest))


def description(text: str) -> str:
    """The resident's lines, in order, without lines that only greet or say "I want to report"."""
    kept = [line.strip() for line in text.splitlines() if line.strip() and not _is_filler_line(line)]
    out = ""
    for line in kept:
        if out and not ENDS_WITH_PUNCTUATION.search(out):
            out += "，"
        out += line
    return out


def residue(text: str, entities: Iterable[Mapping[str, Any]] = (),
            kinds: frozenset[str] = PLACE_ENTITIES) -> str:
    """What is left of a message once places, greetings, "I want to report" and filler are gone."""
    chars = list(text)
    for e in entities:
        if e.get("entity") in kinds:
            for i in range(int(e["start"]), min(int(e["end"]), len(chars))):
                chars[i] = " "
    rest = "".join(chars)
    rest = "\n".join(strip_greeting(line) for line in rest.splitlines())
    for regex in (TRIGGER, FILLER, PUNCTUATION):
        rest = regex.sub("", rest)
    return rest


def adds_to_story(text: str, parse: Mapping[str, Any], answers: frozenset[str] = frozenset()) -> bool:
    """True when a message inside a form tells more of the problem (not an answer or small talk).

    `answers`: entity kinds that answer the open question ("照明的" to "which kind?").
    """
    entities = parse.get("entities", [])
    rest = residue(text, entities, PLACE_ENTITIES | answers)
    intent = str(parse.get("intent", {}).get("name") or "")
    sure = float(parse.get("intent", {}).get("confidence") or 0.0) >= 0.9
    # Only a clear short answer ("好的", "谢谢") is not story; "好几辆" merely starts like one.
    if intent in ANSWER_INTENTS and sure and len(rest) < 5:
        return False
    if PLACE_NAME.match(PUNCTUATION.sub("", text)) and not any(
            e.get("entity") in PLACE_ENTITIES for e in entities):
        return False  # an estate we don't know: the place question answers that
    return len(rest) >= 2


def looks_like_place(text: str) -> bool:
    """A short answer shaped like a place name."""
    return bool(PLACE_NAME.match(PUNCTUATION.sub("", text)))


def add(slots: dict[str, Any], text: str) -> None:
    """Append a message that tells more of the problem to the description."""
    said = description(text)
    before = slots.get("description")
    slots["description"] = validate_description(description(f"{before}\n{said}") if before else said)


def noted(t: Turn) -> None:
    """"已记下", and a short reminder of the one open question (never its full list again)."""
    step = t.state.step or "description"
    s = t.state.slots
    rows: ButtonRows = ()
    if step == "description" or not s.get("description"):
        reminder = texts.ASK_DESCRIPTION[s["kind"]]
    elif step == "confirm":
        reminder = texts.NOTED_CONFIRM
        rows = (texts.CONFIRM_BUTTONS[0], texts.CONFIRM_BUTTONS[-1])  # submit, or the way out
    elif step == "duplicate":
        reminder, rows = texts.NOTED_DUPLICATE, texts.DUPLICATE_BUTTONS
    else:
        reminder = texts.NOTED_REMINDERS.get(step, "")
    t.say(texts.NOTED + reminder, rows)
