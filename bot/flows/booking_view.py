"""What the booking flow says: catalogue pages, questions with buttons, the confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import texts
from bot.callbacks import BOOKING
from bot.dialogue.turn import ButtonRows, Turn, grid_rows
from bot.flows.info import office_call
from domain.bookings import Booking, Service, SlotProblem, Status

GROUPS_PER_PAGE = 4


def way_out() -> ButtonRows:
    """The row that always leads out of the booking."""
    return [[BOOKING.button(texts.BOOK_CANCEL_BUTTON, "no")]]


def _ask(t: Turn, step: str, text: str, rows: ButtonRows = ()) -> None:
    t.state.step = step
    t.say(text, [*rows, *way_out()])


def price(service: Service) -> str:
    """免费 / 60元/次（可用居家养老服务补贴）."""
    if not service.price:
        return texts.BOOK_PRICE_FREE
    subsidy = texts.BOOK_SUBSIDY.format(subsidy=service.subsidy) if service.subsidy else ""
    return texts.BOOK_PRICE.format(price=service.price) + subsidy


def short_price(service: Service) -> str:
    """免费 / 40元，可用补贴 (the catalogue lines; the confirmation says it in full)."""
    if not service.price:
        return texts.BOOK_PRICE_FREE
    return texts.BOOK_PRICE_SHORT.format(price=service.price) + (
        texts.BOOK_SUBSIDY_SHORT if service.subsidy else "")


def pages(t: Turn) -> list[list[tuple[str, list[Service]]]]:
    """The catalogue by group (颐养 first when they asked for it), a few groups a page."""
    groups: dict[tuple[str, str], list[Service]] = {}
    for s in t.app.services.values():
        groups.setdefault((s.category, s.group), []).append(s)
    items = list(groups.items())
    if t.state.slots.get("care_first"):
        items.sort(key=lambda kv: kv[0][0] != "care")
    flat = [(f"{texts.BOOK_CATEGORY[cat]}·{group}", svcs) for (cat, group), svcs in items]
    return [flat[i:i + GROUPS_PER_PAGE] for i in range(0, len(flat), GROUPS_PER_PAGE)]


def ask_service(t: Turn, page: int) -> None:
    """One page of the catalogue: groups with their services, each a button."""
    book = pages(t)
    page = max(0, min(page, len(book) - 1))
    lines = "\n".join(texts.BOOK_GROUP_LINE.format(
        group=g, items="、".join(f"{s.name}（{short_price(s)}）" for s in svcs))
        for g, svcs in book[page])
    rows = grid_rows([BOOKING.button(s.name, "svc", s.code) for _, svcs in book[page]
                      for s in svcs], per_row=2)
    nav = []
    if page > 0:
        nav.append(BOOKING.button(texts.BOOK_PREV_PAGE, "page", page))
    if page + 1 < len(book):
        nav.append(BOOKING.button(texts.BOOK_NEXT_PAGE, "page", page + 2))
    if t.state.form is None:
        t.say(texts.BOOK_PICK_SERVICE.format(page=page + 1, pages=len(book), lines=lines),
              [*rows, nav] if nav else rows)
        return
    _ask(t, "service", texts.BOOK_PICK_SERVICE.format(page=page + 1, pages=len(book), lines=lines),
         [*rows, nav] if nav else rows)


def past_people(t: Turn) -> list[dict[str, Any]]:
    """The relatives this user linked to before, oldest first (offered as buttons)."""
    return [{"relation": x.relation, "name": x.name, "contact": x.contact, "confirmed": x.confirmed}
            for x in t.uow.bookings.links_of(t.event.user_id)
            if x.status != "denied" and x.relation != "本人"][:4]


def ask_who(t: Turn) -> None:
    """For whom: oneself, a relative booked for before, or another relative."""
    service = t.app.services[t.state.slots["svc"]]
    people = [BOOKING.button(f"{p['name']}（{p['relation']}）", "who", f"L{i}")
              for i, p in enumerate(past_people(t))]
    rows = [[BOOKING.button(texts.BOOK_WHO_SELF, "who", "self")], *grid_rows(people, 2),
            [BOOKING.button(texts.BOOK_WHO_FAMILY, "who", "family")]]
    _ask(t, "who", texts.BOOK_ASK_WHO.format(service=service.name), rows)


def ask_person(t: Turn) -> None:
    """Name and phone of the person served, checked quietly against the roster."""
    s = t.state.slots
    who = person_word(s)
    people = [BOOKING.button(f"{p['name']}（{p['relation']}）", "who", f"L{i}")
              for i, p in enumerate(past_people(t))] if s.get("who") != "self" else []
    _ask(t, "person", texts.BOOK_ASK_PERSON.format(who=who), grid_rows(people, 2))


def person_word(s: dict[str, Any]) -> str:
    """您, or 您母亲: whose name and phone we ask for."""
    return "您" if s.get("who") == "self" else f"您{s.get('relation') or '家人'}"


def slot_rows(slots: list[datetime], t: Turn) -> ButtonRows:
    """One button per free slot, as people say the time."""
    return [[BOOKING.button(texts.format_when(s, t.app.zone, t.now), "at", int(s.timestamp()))]
            for s in slots]


def ask_time(t: Turn, service: Service, near: list[datetime]) -> None:
    """When: typed as said, or one of the nearest free slots."""
    _ask(t, "time", texts.BOOK_ASK_TIME, slot_rows(near, t))


def _days(service: Service) -> str:
    return texts.WEEKDAY_RANGE.get(service.weekdays, "、".join(
        f"周{texts.WEEKDAYS[d - 1]}" for d in service.weekdays))


def offer(t: Turn, service: Service, wanted: datetime, problem: SlotProblem | None,
          near: list[datetime], prefix: str = "") -> None:
    """Why the time cannot be had (if it was a time), and the three nearest free slots."""
    if not near:
        t.say(texts.BOOK_NO_SLOTS.format(service=service.name, call=office_call(t)), way_out())
        return
    why = ""
    if problem is not None:
        why = texts.BOOK_NOT_FREE[problem.value].format(
            service=service.name, when=texts.format_when(wanted, t.app.zone, t.now),
            days=_days(service) if problem != SlotProblem.TOO_FAR else service.horizon_days,
            start=f"{service.start:%H:%M}", end=f"{service.end:%H:%M}", hours=service.notice_hours)
        why += "\n"
    _ask(t, "time", prefix + why + texts.BOOK_NEAREST, slot_rows(near, t))


def who_label(s: dict[str, Any]) -> str:
    """您本人, or 王秀英（母亲，待社区核实）."""
    if s.get("who") == "self" and not s.get("contact"):
        return texts.BOOK_WHO_SELF_LABEL
    relation = s.get("relation") or "本人"
    template = texts.BOOK_WHO_VERIFIED if s.get("confirmed") else texts.BOOK_WHO_UNVERIFIED
    return template.format(name=s.get("name") or relation, relation=relation)


def confirm(t: Turn) -> None:
    """Service, who, when, where, price, what to prepare; then 确认预约."""
    s = t.state.slots
    service = t.app.services[s["svc"]]
    at = datetime.fromisoformat(s["at"])
    prepare = texts.BOOK_PREPARE.format(items="、".join(service.prepare)) if service.prepare else ""
    text = texts.BOOK_CONFIRM.format(
        service=service.name, who=who_label(s), when=texts.format_when(at, t.app.zone, t.now),
        place=texts.BOOK_PLACE_HOME if service.place == "上门" else service.place,
        price=price(service), prepare=prepare)
    t.state.step = "confirm"
    t.say(text, [[BOOKING.button(texts.BOOK_CONFIRM_BUTTON, "yes")],
                 [BOOKING.button(texts.BOOK_CHANGE_TIME_BUTTON, "time"),
                  BOOKING.button(texts.BOOK_CANCEL_BUTTON, "no")]])


def booked(t: Turn, booking: Booking, service: Service) -> None:
    """The number, the time, and buttons to change or cancel it."""
    text = texts.BOOK_DONE.format(number=booking.number, service=service.name,
                                  when=texts.format_when(booking.start, t.app.zone, t.now))
    if booking.unverified:
        text += "\n" + texts.BOOK_DONE_UNVERIFIED.format(name=booking.beneficiary or "家人")
    t.say(text, [[BOOKING.button(texts.BOOK_ACTION_MOVE, "mv", booking.number),
                  BOOKING.button(texts.BOOK_ACTION_CANCEL, "cx", booking.number)]])


def ask_cancel(t: Turn, booking: Booking) -> None:
    """Are you sure: the service and time, 确定取消 / 不取消."""
    service = t.app.services[booking.service]
    t.say(texts.BOOK_ASK_CANCEL.format(
        service=service.name, when=texts.format_when(booking.start, t.app.zone, t.now)),
        [[BOOKING.button(texts.BOOK_CANCEL_YES, "cxy", booking.number),
          BOOKING.button(texts.BOOK_CANCEL_NO, "keep")]])


def list_mine(t: Turn) -> None:
    """我的预约 / 查进度: the visits this person booked that are still to come (nothing said if none,
    unless they asked about 预约: the reports' answer is the rest)."""
    mine = t.uow.bookings.list(user_id=t.event.user_id, statuses=[Status.BOOKED], since=t.now)
    if not mine:
        if "预约" in t.event.text:
            t.say(texts.BOOK_MINE_EMPTY, texts.MENU_BUTTONS)
        return
    lines = [texts.BOOK_MINE, *(texts.BOOK_MINE_LINE.format(
        number=b.number, service=t.app.services[b.service].name if b.service in t.app.services else b.service,
        when=texts.format_when(b.start, t.app.zone, t.now),
        who=texts.BOOK_MINE_FOR.format(relation=b.relation, name=b.beneficiary) if b.relation else "")
        for b in sorted(mine, key=lambda b: b.start)[:6]), texts.BOOK_MINE_HOW]
    t.say("\n".join(lines))


def pick_mine(t: Turn, items: list[Booking], action: str, label: str) -> None:
    """Several bookings: one button each."""
    rows = [[BOOKING.button(f"{t.app.services[b.service].name} "
                            f"{texts.format_when(b.start, t.app.zone, t.now)}", action, b.number)]
            for b in items[:6]]
    t.say(texts.BOOK_PICK_MINE.format(action=label), rows)


def ask_move(t: Turn, booking: Booking, service: Service) -> None:
    """The new time: typed, or one of the nearest free slots."""
    from domain.usecases.bookings import alternatives

    t.state.step = "time"
    t.say(texts.BOOK_MOVE_ASK.format(service=service.name),
          slot_rows(alternatives(t.uow, service, booking.start, t.now, t.app.zone), t))
