"""报事报修 / 你说我做 / 群众建议: what the resident says and presses (the questions: report_form.py)."""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.callbacks import FORM, Callback
from bot.cards import kind_label
from bot.communities import CommunityEntry
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from bot.estates import switch_community
from bot.flows import emergency, estate_choice, story, switch
from bot.flows import report_form as form
from domain.errors import InvalidValue
from domain.reports import Kind, validate_description
from domain.usecases import reports as uc

REPAIR_WORDS = re.compile(r"坏|修|漏|堵|不亮|不量|断|裂|松|掉|破|不通|停电|停水|故障")
BUTTONS = (FORM,)  # this flow's button namespace
# "确认提交" typed on the duplicate question: file a new report ("不要提交" does not).
SUBMIT = re.compile(r"(确认|继续|重新|直接|还是)提交|^提交")
NOT_SUBMIT = re.compile(r"不要|不用|别|先不")
ADDITION = re.compile(r"(还有|另外|还|再有|再说|顺便|对了)")
SWITCH_INTENTS = frozenset({
    "check_status", "book_service", "request_seal", "find_shelter", "ask_policy", "public_info",
    "cancel_booking", "volunteer", "subscribe", "unsubscribe",
})


def start(t: Turn, *, suggestion: bool = False, photos: tuple[str, ...] = (),
          kind: Kind | None = None) -> None:
    """Open the form with everything the first message (or a photo's caption) already says."""
    text = t.event.text.strip()
    if kind is None:
        if suggestion:
            kind = Kind.SUGGESTION
        elif "你说我做" in text or not REPAIR_WORDS.search(text):
            kind = Kind.PROBLEM
        else:
            kind = Kind.REPAIR
    slots: dict[str, Any] = {"kind": kind.value, "photos": list(photos)}
    cat = t.entity("report_category")
    if cat:
        slots["category"] = str(cat["value"])
    refused: InvalidValue | None = None
    if form.has_description(t) and (said := story.description(text)):
        try:
            slots["description"] = validate_description(said)
        except InvalidValue as exc:
            refused = exc  # said now, not after every other question: "please make it shorter"
    if (urgent := emergency.kind_of(t)) is not None and refused is None:
        emergency.advise(t, urgent, slots)  # the first reply: what to do now, whom to call
    if not form.fill_place(t, slots) and t.resident and t.resident.address.estate:
        a = t.resident.address  # pre-filled from the roster, shown and changeable at confirm
        slots.update(estate=a.estate, building=a.building, unit=a.unit, room=a.room, prefilled=True)
    t.state.start("report", slots)
    if refused is not None:
        return form.ask(t, "description", texts.invalid_text(refused) + texts.ASK_DESCRIPTION[kind.value])
    form.advance(t)


def on_emergency(t: Turn, kind: str) -> None:
    """An emergency told mid-form: advice first, then the same report, now urgent, goes on."""
    s = t.state.slots
    emergency.advise(t, kind, s)
    form.fill_place(t, s)
    form.advance(t)


def on_text(t: Turn) -> None:
    """A message while the form is open: a slot value, more of the story, a stop, or a change of mind."""
    text = t.event.text.strip()
    step = t.state.step
    if switch.answer(t):
        return
    if t.intent == "stop" and t.confidence >= 0.6:
        t.state.end()
        t.say(texts.STOPPED, texts.MENU_BUTTONS)
        return
    if t.intent in SWITCH_INTENTS and t.confidence >= 0.6:
        return switch.ask(t, kind_label(t.state.slots["kind"]))
    s = t.state.slots
    if step == "description":
        return _on_description(t, s, text)
    placed = form.fill_place(t, s)  # a place named anywhere is used, whatever the question was
    if s.get(form.ASK_ESTATE):
        return form.advance(t)  # an estate of another community: which one, first
    labels = {c.label: c.code for c in t.app.config.reports.categories}
    # "照明的" answers "which kind?"; "黑乎乎的" also names it, but is the resident's story too.
    cat = t.entity("report_category")
    named = cat is not None and t.event.text[int(cat["start"]):int(cat["end"])] in labels
    answers = frozenset({"report_category"}) if step == "category" and named else frozenset()
    more = text not in labels and story.adds_to_story(t.event.text, t.parse, answers)
    if more:
        try:
            story.add(s, text)
        except InvalidValue as exc:
            return t.say(texts.invalid_text(exc))
    # "还有门口的路灯也坏了" is a second problem told on the way, not the answer to "which kind?".
    if not s.get("category") and cat is not None and not (more and ADDITION.match(text)):
        s["category"] = str(cat["value"])
    if step in ("confirm", "duplicate") and text in labels:
        s["category"] = labels[text]  # "安全隐患" typed at the summary: the kind, corrected
        return form.advance(t)
    if step == "category" and not s.get("category"):
        if text in labels:
            s["category"] = labels[text]
        elif more or placed:
            return story.noted(t)
        else:
            return form.ask(t, "category", texts.CATEGORY_RETRY, form.category_rows(t))
    elif step == "place" and not (placed and s.get("estate")):
        if more or placed:
            return story.noted(t)
        # "没找到这个小区" only for what was meant as a place; anything else just asks again.
        return form.ask_place(t, texts.PLACE_UNKNOWN + "\n" if story.looks_like_place(text) else "")
    elif step in ("confirm", "duplicate"):
        if placed:  # "不对，是5幢" / "是望江小区的": a correction wins over a yes
            s["dup_checked"] = False
            return form.advance(t)
        if more:
            return story.noted(t)
        if step == "duplicate" and SUBMIT.search(text) and not NOT_SUBMIT.search(text):
            return submit(t)  # "确认提交": a new report, not the old one
        if t.intent == "affirm":
            return submit(t) if step == "confirm" else _follow(t)
        if t.intent == "deny":
            if step == "duplicate":
                return form.advance(t)
            # "不对" at the summary means something needs fixing, not that all is lost.
            return form.ask(t, "confirm", texts.WHAT_TO_CHANGE, form.confirm_rows(s)[1:])
    return form.advance(t)


def _on_description(t: Turn, s: dict[str, Any], text: str) -> None:
    placed = form.fill_place(t, s)
    said = story.description(text) if form.has_description(t) else ""
    if not said:
        # Only a place, a greeting or "我要报修" again: keep it and ask for the problem once more.
        if placed:
            return story.noted(t)
        return form.ask(t, "description", texts.ASK_DESCRIPTION[s["kind"]])
    try:
        s["description"] = validate_description(said)
    except InvalidValue as exc:
        return form.ask(t, "description", texts.invalid_text(exc))
    if not s.get("category") and (cat := t.entity("report_category")):
        s["category"] = str(cat["value"])
    return form.advance(t)


def on_button(t: Turn, cb: Callback) -> None:
    """A form button: category, estate, confirm, edit, duplicate choice, intent switch."""
    s = t.state.slots
    action, arg = cb.action, (cb.args or ("",))[0]
    if t.state.form != "report" and action != "switch":
        # An old report button, pressed when no report is open (or while another form is):
        # that form's state is not a report's, so nothing here may touch it.
        t.say(texts.STALE_STEP, texts.MENU_BUTTONS)
        return
    categories = {c.code for c in t.app.config.reports.categories}
    estates = {e.code for e in t.app.config.estates}
    if action == "cat" and arg in categories:
        s["category"] = arg
    elif action == "est" and arg in estates:
        if s.get("estate") not in (None, "", arg) or s.get("community"):
            s.update(building="", unit="", room="")  # another estate: its building is unknown
        s.update(estate=arg, prefilled=False, dup_checked=False)
        s.pop("community", None)
        s.pop("estate_name", None)
    elif action == "loc":
        t.state.step = "place"
        t.say(texts.ASK_LOCATION, request="location")
        return
    elif action == "yes":
        # Only the summary's button submits; an older one just continues the form.
        return submit(t) if t.state.step == "confirm" else form.advance(t)
    elif action == "no":
        t.state.end()
        t.say(texts.STOPPED, texts.MENU_BUTTONS)
        return
    elif action == "edit" and arg in ("place", "category", "description"):
        if arg == "place":
            return form.ask_place(t)
        s.pop(arg, None)
        s["dup_checked"] = False
    elif action == "dup":
        if arg == "follow":
            return _follow(t)
    elif action == "switch":
        return switch.decide(t, arg == "yes")
    return form.advance(t)


def _follow(t: Turn) -> None:
    number = t.state.slots.get("dup_of")
    t.state.end()
    if number:
        uc.follow_report(t.uow, number, t.event.chat_id)
    t.say(texts.FOLLOWING, texts.MENU_BUTTONS)


def submit(t: Turn) -> None:
    """Write the report, then say so with its number and when staff will act."""
    s = t.state.slots
    resident = t.resident
    if s.get("community") and s["community"] != t.uow.community:
        switch_community(t, s["community"])  # the place is another community's: filed there
    report = uc.file_report(t.uow, form.draft(s), t.app.report_rules, t.now,
                            resident.id if resident else None, t.event.chat_id)
    t.state.end()
    accept_by = texts.format_when(report.accept_due or t.now, t.app.zone, t.now)
    template = texts.FILED_SUGGESTION if report.kind == Kind.SUGGESTION else texts.FILED
    template = texts.FILED_URGENT if report.urgent else template
    t.say(template.format(number=report.number, accept_by=accept_by))
    if resident is None and not t.state.contact_asked:
        t.state.contact_asked = True
        t.say(texts.ASK_CONTACT, request="contact")


def on_estate_chosen(t: Turn, community: CommunityEntry | None, name: str) -> None:
    """The answer to "which community's 南垟花园?": that estate, in that community, or the list."""
    if t.state.form != "report":
        t.say(texts.STALE_STEP, texts.MENU_BUTTONS)
        return
    s = t.state.slots
    found = estate_choice.estate_of(t, community, name)
    if community is None or found is None:
        return form.ask_place(t)
    estate = found[1]
    switch_community(t, community.code)
    if s.get("prefilled"):
        s.update(building="", unit="", room="")  # the roster's flat is not in that community
    s.update(estate=estate.code, estate_name=estate.name, community=community.code, prefilled=False,
             dup_checked=False)
    form.acknowledged(t, texts.ESTATE_CHOSEN.format(place=community.label(), estate=estate.name), form.advance)


def on_form_text(t: Turn) -> None:
    """Text while the report form is open: an emergency told mid-form gets its advice first."""
    if not t.state.slots.get("urgent") and (kind := emergency.kind_mid_form(t)):
        return on_emergency(t, kind)  # nothing said before is lost
    return on_text(t)


def on_location(t: Turn) -> None:
    """A shared location answers the place question."""
    s = t.state.slots
    s.update(lat=t.event.latitude, lon=t.event.longitude, dup_checked=False)
    form.acknowledged(t, texts.LOCATION_SAVED, form.advance)


def on_photo(t: Turn) -> None:
    """Photos attach to the open report; outside a form a photo starts one (caption and all)."""
    if not t.event.photo_id:
        return
    if t.state.form != "report":
        t.state.end()
        t.say(texts.PHOTO_SAVED.format(n=1))
        return start(t, photos=(t.event.photo_id,))
    s = t.state.slots
    photos = s.setdefault("photos", [])
    photos.append(t.event.photo_id)
    t.say(texts.PHOTO_SAVED.format(n=len(photos)))
    if t.state.step == "description" and t.event.text.strip():
        return on_text(t)  # the caption answers the question
    if t.state.step == "confirm":
        form.advance(t)


FLOW = Flow(
    name="report",
    intents={"report_issue": start, "suggest": lambda t: start(t, suggestion=True)},
    forms={"report": on_form_text},
    buttons=BUTTONS, on_button=on_button, on_location=on_location,
)
