"""How reports look: places, categories, the staff card and its buttons by state."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.dialogue.turn import ButtonRows, reply
from bot.events import Reply
from domain.identity import mask_phone
from domain.reports import KIND_LABELS, STATUS_LABELS, Kind, Report, Status
from domain.residents import Address, Resident

if TYPE_CHECKING:
    from bot.app import App


def category_label(app: App, code: str) -> str:
    """The Chinese label of a category code."""
    for c in app.config.reports.categories:
        if c.code == code:
            return c.label
    return "建议" if code == "suggestion" else "其他"


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
        label = "居民发送的位置" if public else f"位置 {lat:.5f}, {lon:.5f}"
    return label or "未填写"


def staff_buttons(report: Report) -> ButtonRows:
    """The actions that make sense in the report's current state."""
    n = report.number
    contact: list[tuple[str, str]] = [("查看联系方式", f"s:ph:{n}")]
    if report.photos:
        contact.append((f"看照片（{len(report.photos)}张）", f"s:pic:{n}"))
    if report.status == Status.PENDING:
        return [[("受理", f"s:acc:{n}"), ("转派", f"s:asg:{n}")],
                [("办结", f"s:done:{n}"), ("不予受理", f"s:rej:{n}")], contact]
    if report.status in (Status.ACCEPTED, Status.IN_PROGRESS):
        first = [("办结", f"s:done:{n}"), ("转派", f"s:asg:{n}")]
        if report.status == Status.ACCEPTED:
            first.insert(0, ("开始处理", f"s:prog:{n}"))
        return [first, contact]
    return [contact[1:]] if report.photos else []


def staff_card(app: App, report: Report, resident: Resident | None, now: datetime,
               *, edit: bool = False, notice: str = "") -> Reply:
    """The card staff act on: what the task needs, the phone masked."""
    who = "未绑定居民"
    if resident is not None:
        masked = mask_phone(resident.phone) if resident.phone else "未留电话"
        who = f"{resident.name[:1]}**（{masked}）{'' if resident.verified else ' 未核实'}"
    if report.status == Status.PENDING and report.accept_due:
        deadline = f"{texts.format_when(report.accept_due, app.zone, now)}前受理"
    elif report.is_open and report.resolve_due:
        deadline = f"{texts.format_when(report.resolve_due, app.zone, now)}前办结"
    else:
        deadline = "已结束"
    assignee = f"（{report.assignee}）" if report.assignee else ""
    text = texts.STAFF_CARD.format(
        kind=KIND_LABELS[report.kind], number=report.number, status=STATUS_LABELS[report.status],
        assignee=assignee, category=category_label(app, report.category),
        place=place_label(app, report.address, report.latitude, report.longitude),
        description=report.description,
        photos=f"\n照片：{len(report.photos)}张" if report.photos else "",
        resident=who, deadline=deadline,
    )
    return reply(text, staff_buttons(report), edit=edit, notice=notice)


def kind_label(kind: Kind | str) -> str:
    """报修 / 问题反映 / 建议 as residents say it."""
    return texts.FORM_NAMES.get(str(kind), "报修")


def rating_rows(number: str) -> ButtonRows:
    """1–5 buttons and the reopen choice after 已办结."""
    stars = [(label, f"rt:{number}:{i}") for i, label in enumerate(texts.RATE_BUTTONS_LABELS, 1)]
    return [stars, [(texts.REOPEN_BUTTON, f"ro:{number}")]]
