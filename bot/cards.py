"""How reports look: places, categories, the staff card and its buttons by state."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import STAFF, STATUS
from bot.dialogue.turn import ButtonRows, reply
from bot.events import Reply
from domain.identity import mask_phone
from domain.reports import KIND_LABELS, STATUS_LABELS, Kind, Report, Status
from domain.residents import Address, Resident

if TYPE_CHECKING:
    from bot.app import App


RELAY_CATEGORY = "relay"  # a request passed to staff until its own capability exists


def category_label(app: App, code: str) -> str:
    """The Chinese label of a category code."""
    for c in app.config.reports.categories:
        if c.code == code:
            return c.label
    if code == RELAY_CATEGORY:
        return texts.RELAY_CATEGORY
    return texts.CATEGORY_SUGGESTION if code == "suggestion" else texts.CATEGORY_OTHER


def estate_name(app: App, code: str) -> str:
    """The estate's name for its code."""
    for e in app.config.estates:
        if e.code == code:
            return e.name
    return ""


def place_label(app: App, address: Address, lat: float | None = None, lon: float | None = None,
                *, public: bool = False) -> str:
    """翠微苑3幢2单元302室; public lists stop at the building."""
    shown = Address(address.estate, address.building) if public else address
    label = shown.label(estate_name(app, address.estate))
    if not label and lat is not None and lon is not None:
        label = texts.PLACE_SHARED if public else texts.PLACE_POINT.format(lat=lat, lon=lon)
    return label or texts.PLACE_NONE


def staff_buttons(report: Report) -> ButtonRows:
    """The actions that make sense in the report's current state."""
    n = report.number

    def b(action: str) -> tuple[str, str]:
        return STAFF.button(texts.STAFF_BUTTONS[action].format(n=len(report.photos)), action, n)

    contact = [b("ph"), b("pic")] if report.photos else [b("ph")]
    if report.status == Status.PENDING:
        return [[b("acc"), b("asg")], [b("done"), b("rej")], contact]
    if report.status in (Status.ACCEPTED, Status.IN_PROGRESS):
        first = [b("done"), b("asg")]
        if report.status == Status.ACCEPTED:
            first.insert(0, b("prog"))
        return [first, contact]
    return [contact[1:]] if report.photos else []


def staff_label(app: App, code: str) -> str:
    """A colleague as staff know them: their name (the code only for accounts not in config);
    a 街道/区/市 member, who is in no community's list, by config.yaml's `city_staff`."""
    root = getattr(app, "root", None) or app
    city = getattr(getattr(root, "config", None), "city_staff", None) or []
    return next((s.name for s in [*app.config.staff, *city] if s.code == code), code)


def staff_card(app: App, report: Report, resident: Resident | None, now: datetime,
               *, edit: bool = False, notice: str = "") -> Reply:
    """The card staff act on: what the task needs, the phone masked."""
    who = texts.CARD_NO_RESIDENT
    if resident is not None:
        who = texts.CARD_RESIDENT.format(
            initial=resident.name[:1],
            phone=mask_phone(resident.phone) if resident.phone else texts.CARD_NO_PHONE,
            unverified="" if resident.verified else texts.CARD_UNVERIFIED)
        chat = resident.chat_id or report.chat_id
        if chat is not None and chat_unreachable(app, chat):
            who += texts.CARD_UNREACHABLE
    if report.status == Status.PENDING and report.accept_due:
        deadline = texts.CARD_DUE.format(when=texts.format_when(report.accept_due, app.zone, now),
                                         stage=texts.STAGE_ACCEPT)
    elif report.is_open and report.resolve_due:
        deadline = texts.CARD_DUE.format(when=texts.format_when(report.resolve_due, app.zone, now),
                                         stage=texts.STAGE_RESOLVE)
    else:
        deadline = texts.CARD_CLOSED
    assignee = f"（{staff_label(app, report.assignee)}）" if report.assignee else ""
    text = texts.STAFF_CARD.format(
        kind=KIND_LABELS[report.kind], number=report.number, status=STATUS_LABELS[report.status],
        assignee=assignee, category=category_label(app, report.category),
        place=place_label(app, report.address, report.latitude, report.longitude),
        description=report.description,
        photos=texts.PHOTOS_LINE.format(n=len(report.photos)) if report.photos else "",
        resident=who, deadline=deadline,
    )
    if report.urgent:
        text = texts.CARD_URGENT + text
    notes = [ch for ch in report.history if ch.note and not ch.public]
    if notes:  # what a colleague noted last (仅内部): whoever opens the card next sees it
        text += texts.CARD_LAST_NOTE.format(note=notes[-1].note, who=staff_label(app, notes[-1].by))
    return reply(text, staff_buttons(report), edit=edit, notice=notice)


def chat_unreachable(app: App, chat_id: int) -> bool:
    """Whether the person in this chat blocked the bot (staff must phone them instead)."""
    with app.uow() as uow:
        return uow.outbox.is_blocked(chat_id)


def kind_label(kind: Kind | str) -> str:
    """报修 / 问题反映 / 建议 as residents say it."""
    return texts.FORM_NAMES.get(str(kind), texts.FORM_NAMES["repair"])


def rating_rows(number: str, *, reopen: bool = True) -> ButtonRows:
    """1–5 buttons, and for the reporter the reopen choice, after 已办结."""
    stars = [STATUS.button(label, "rate", number, i)
             for i, label in enumerate(texts.RATE_BUTTONS_LABELS, 1)]
    return [stars, [STATUS.button(texts.REOPEN_BUTTON, "reopen", number)]] if reopen else [stars]
