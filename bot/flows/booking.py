"""预约: 政务超市 and 幸福颐养超市 by chat, for oneself or a parent, asking only what is missing.

取消 and 改时间 of a booking already made are bot/flows/booking_change.py's.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from bot import texts
from bot.callbacks import BOOKING, LINK, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from bot.flows import beneficiary, community_move, visits
from bot.flows import booking_change as change
from bot.flows import booking_view as view
from domain.bookings import SlotUnavailable
from domain.usecases import beneficiaries
from domain.usecases import bookings as uc

FORM = "booking"
CARE_WORDS = ("颐养", "养老", "老人")  # the catalogue then opens on the care services
SELF_WORDS = re.compile(r"我自己|给我|本人|自己")
YES_WORDS = re.compile(r"^(确认|确定|好|好的|对|可以|行|没问题|是的?)")
NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
# "王秀英 0213" / "王秀英身份证后四位021x": the last 4 of the ID number instead of a phone.
ID4 = re.compile(r"(?<![0-9Xx])([0-9]{3}[0-9Xx])(?![0-9Xx])")
ID4_WORDS = re.compile(r"身份证号?码?|后四位|后4位|最后四位|尾号|电话号码|电话|手机号码|手机号|手机|号码是|号码"
                       r"|名字叫|名字是|叫做|叫|是|他的|她的|他|她")
# A bare name typed alone ("李建国") starts with a common surname; "稍等", "好的", "不知道" do not.
SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
                     "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
                     "龚邵万钱严覃武戴莫孔向汤应季池施洪柯翁")
# "他叫李建国" said before the name is asked: kept (without 叫 nothing else is taken for a name).
NAME_SAID = re.compile(r"(?:他|她|老人家?|父亲|母亲|爸爸?|妈妈?|名字|姓名)(?:叫做|叫|是)\s*"
                       r"([\u4e00-\u9fff]{2,4}?)(?=[\s，,。.!！0-9]|电话|手机|$)")
# Inside the form these keep the booking going; another intent this sure leaves it.
STAY_INTENTS = frozenset({"book_service", "affirm", "deny", "out_of_scope", "greet", "thank"})
SWITCH_CONFIDENCE = 0.8
# What the provider should know: mobility, hearing, sight, memory (kept as the booker said it).
NOTE_WORDS = re.compile(r"腿脚|行动不便|走不了|坐轮椅|轮椅|卧床|瘫|耳朵|耳背|听不见|听力|眼睛|看不见|糊涂|记性|痴呆")
CLAUSES = re.compile(r"[\s，,。.!！;；]+")


def start(t: Turn) -> None:
    """A booking asked for: take service, person and time from the sentence, ask for the rest."""
    care_first = any(w in t.event.text for w in CARE_WORDS)
    t.state.start(FORM, {"key": uuid.uuid4().hex[:16], "care_first": care_first})
    _fill(t)
    _advance(t)


def _fill(t: Turn) -> None:
    """Whatever this message says about the service, the person and the time."""
    s = t.state.slots
    svc = t.entity("service")
    if svc and (service := t.app.service_named(str(svc["value"]))):
        s["svc"] = service.code
    notes = [c for c in CLAUSES.split(t.event.text) if NOTE_WORDS.search(c)]
    if notes:
        s["note"] = "，".join(notes)[:100]  # for the provider: how to help this person
    rel = t.entity("relation")
    if rel and rel["value"] == "本人":
        s["who"] = "self"  # "给我自己约…": the speaker, who may already be known
    elif rel:
        s.update(who="family", relation=str(rel["value"]))
    elif not s.get("who") and SELF_WORDS.search(t.event.text):
        s["who"] = "self"
    if s.get("who") == "family" and t.state.step != "person":
        _person_said(t, s)
    when = t.entity("time")
    if when:
        at, exact, until = change.time_said(when)
        s.update(wanted=at.isoformat(), exact=exact, until=until.isoformat() if until else "")
        s.pop("at", None)


def _advance(t: Turn) -> None:
    s = t.state.slots
    if not s.get("svc"):
        return view.ask_service(t, page=0)
    if not s.get("who"):
        return view.ask_who(t)
    if (s["who"] != "self" or t.resident is None) and "contact" not in s:
        known = [p for p in view.past_people(t) if p["relation"] == s.get("relation")]
        if s["who"] != "self" and len(known) == 1:
            s.update(known[0])  # "帮我妈…" and one 妈 linked before: nothing to ask
        elif s.get("said_name") and s.get("said_contact"):
            s.update(name=s["said_name"], contact=s["said_contact"], id4="")  # said already
        else:
            return view.ask_person(t)
    community_move.book_where_they_live(t)  # a parent on another community's roster is booked there
    if not s.get("svc"):
        return view.ask_service(t, page=0)
    if not s.get("at"):
        return _place_time(t)
    return view.confirm(t)


def _place_time(t: Turn) -> None:
    """Take the wanted time if its slot is free; else say why and offer the three nearest."""
    s = t.state.slots
    service = t.app.services[s["svc"]]
    if not s.get("wanted"):
        return view.ask_time(t, service, uc.alternatives(t.uow, service, t.now, t.now, t.app.zone))
    wanted = datetime.fromisoformat(s["wanted"])
    local = wanted.astimezone(t.app.zone)
    if not s.get("exact") and (local.hour, local.minute) == (0, 0):
        wanted = local.replace(hour=service.start.hour, minute=service.start.minute)  # "后天"
    slot = service.snap(wanted, t.app.zone)
    problem = uc.check(t.uow, service, slot, t.now, t.app.zone) if s.get("exact") else None
    if s.get("exact") and problem is None and slot == wanted:
        s["at"] = slot.isoformat()
        return _advance(t)
    until = datetime.fromisoformat(s["until"]) if s.get("until") else None
    near = uc.alternatives(t.uow, service, wanted, t.now, t.app.zone, until=until)
    if s.get("exact") and problem is None:
        # "十点" for visits that start at 9:30 and 10:30: never moved silently, the resident picks.
        when = texts.format_when(wanted, t.app.zone, t.now)
        prefix = texts.BOOK_NOT_A_START.format(service=service.name, when=when) + "\n"
        return view.offer(t, service, wanted, None, near, prefix=prefix)
    view.offer(t, service, wanted, problem, near)


def on_form_text(t: Turn) -> None:
    """An answer to the question asked (or more of the request)."""
    s, step = t.state.slots, t.state.step
    if step == "confirm" and YES_WORDS.match(t.event.text.strip()):
        return submit(t)
    if step == "person":
        return _person(t)
    before = dict(s)
    _fill(t)
    if s == before and t.intent not in STAY_INTENTS and t.confidence >= SWITCH_CONFIDENCE:
        t.state.end()  # clearly something else ("楼道灯坏了"): that request, not a re-ask
        from bot.dialogue.engine import dispatch  # the engine owns intent routing

        return dispatch(t, t.intent)
    return _advance(t)


def _person_said(t: Turn, s: dict[str, object]) -> None:
    """The parent's name ("他叫李建国") or phone said before we ask: kept for that question."""
    if (m := NAME_SAID.search(t.event.text)) is not None:
        s["said_name"] = m.group(1)
    if (phone := t.entity("phone")) is not None:
        s["said_contact"] = str(phone["value"])


def _person(t: Turn) -> None:
    """Name and phone, or name and the last 4 of the ID number: the reply is the same either way."""
    s = t.state.slots
    phone = t.entity("phone")
    id4 = None if phone else ID4.findall(t.event.text)
    bare = ID4_WORDS.sub("", "".join(t.event.text.split()))
    if phone is None and not id4 and s.get("said_contact") and t.entity("time") is None \
            and NAME.fullmatch(bare) and bare[0] in SURNAMES:
        s.update(contact=s["said_contact"], id4="", name=bare)
        return _advance(t)  # "李建国", the phone said before
    if phone is None and not id4 and t.entity("time") is None:
        m = NAME_SAID.search(t.event.text)
        if m is not None or (NAME.fullmatch(bare) and bare[0] in SURNAMES):
            s["said_name"] = m.group(1) if m else bare  # "他叫李建国": the phone is still to come
            t.say(texts.BOOK_ASK_PERSON_PHONE.format(name=s["said_name"], who=view.person_word(s)), view.way_out())
            return None
    if phone is None and (not id4 or len(id4) > 1):
        before = dict(s)
        _fill(t)  # "明天下午" said while we wait for the name is kept for the time question
        if s != before:
            t.say(texts.BOOK_ASK_PERSON_STILL.format(who=view.person_word(s)), view.way_out())
            return None
        t.say(texts.BOOK_ASK_PERSON_AGAIN, view.way_out())
        return None
    said = str(phone.get("text") or "") if phone else id4[0] if id4 else ""
    rest = ID4_WORDS.sub(" ", t.event.text.replace(said, ""))
    name = NAME.search(re.sub(r"[0-9Xx]", " ", rest))
    s.update(contact=str(phone["value"]) if phone else "", id4=id4[0].upper() if id4 else "",
             name=name.group(0) if name else str(s.get("said_name") or ""))  # "李建国" said before
    return _advance(t)


def submit(t: Turn) -> None:
    """Book (once, however often 确认 is pressed), then say so with the number."""
    s = t.state.slots
    if not s.get("at"):
        return _advance(t)
    service = t.app.services[s["svc"]]
    resident = t.resident
    mine = s["who"] == "self" and resident is not None
    # The roster is checked quietly (in the link): the booker is told the same whatever it says.
    link = None if mine else beneficiaries.link_for(
        t.uow, t.event.user_id, t.event.chat_id, s.get("name", ""), s.get("contact", ""),
        s.get("relation", "") if s["who"] != "self" else "本人", t.now, id4=s.get("id4", ""))
    req = uc.Request(
        service=service, start=datetime.fromisoformat(s["at"]),
        booker_user_id=t.event.user_id, booker_chat_id=t.event.chat_id, key=s["key"],
        beneficiary=resident.name if mine and resident else s.get("name", ""),
        contact="" if mine else s.get("contact", ""),
        relation="" if s["who"] == "self" else s.get("relation", ""),
        beneficiary_id=resident.id if mine and resident else (link.resident_id if link else None),
        unverified=link is not None and not link.confirmed, note=s.get("note", ""))
    try:
        booking = uc.book(t.uow, req, t.now, t.app.zone)
    except SlotUnavailable as exc:
        s.pop("at", None)
        near = uc.alternatives(t.uow, service, req.start, t.now, t.app.zone)
        return view.offer(t, service, req.start, exc.problem, near, prefix=texts.BOOK_SLOT_GONE)
    t.state.end()
    view.booked(t, booking, service)


def on_button(t: Turn, cb: Callback) -> None:
    """A booking button: service, page, person, slot, confirm, cancel, move."""
    s, a = t.state.slots, cb.action
    if a == "page":
        return view.ask_service(t, page=int(cb.arg()) - 1)
    if a == "svc" and cb.arg() in t.app.services:
        if t.state.form != FORM:
            t.state.start(FORM, {"key": uuid.uuid4().hex[:16]})
        t.state.slots["svc"] = cb.arg()
        return _advance(t)
    if cb.ns == LINK.name:
        return beneficiary.on_button(t, cb)
    if a in ("vd", "vn", "rate", "pat", "vskip", "vx", "today"):
        return visits.on_button(t, cb)
    if a in change.ACTIONS:
        return change.on_button(t, cb)
    if t.state.form == change.MOVE_FORM and a == "at":
        return change.on_move_slot(t, cb)
    if t.state.form != FORM:
        t.say(texts.STALE_STEP, texts.MENU_BUTTONS)
        return None
    if a == "who":
        past = view.past_people(t)
        if cb.arg() == "self":
            s["who"] = "self"
        elif cb.arg().startswith("L") and cb.arg()[1:].isdigit() and int(cb.arg()[1:]) < len(past):
            s.update(who="family", **past[int(cb.arg()[1:])])
        else:
            s["who"] = "family"
    elif a == "at":
        s.update(wanted=datetime.fromtimestamp(int(cb.arg()), UTC).isoformat(), exact=True)
        s.pop("at", None)
    elif a == "time":
        s.pop("at", None)
        s.pop("wanted", None)
    elif a == "yes":
        return submit(t) if t.state.step == "confirm" else _advance(t)
    elif a == "no":
        t.state.end()
        t.say(texts.BOOK_STOPPED, texts.MENU_BUTTONS)
        return None
    return _advance(t)


FLOW = Flow(
    name="booking",
    intents={"book_service": start, "cancel_booking": change.cancel_asked},
    forms={FORM: on_form_text, change.MOVE_FORM: change.on_move_text, visits.COMMENT_FORM: visits.on_comment_text},
    buttons=(BOOKING, LINK), on_button=on_button, on_any_text=visits.any_text,
    also={"check_status": view.list_mine},
)
