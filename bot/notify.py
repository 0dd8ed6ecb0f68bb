"""Domain events → outbox messages for residents and staff, inside the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.booking_notices import on_booking, on_link, on_visit
from bot.callbacks import STAFF
from bot.cards import category_label, kind_label, place_label, rating_rows, staff_card
from bot.dialogue.turn import reply
from bot.outbox import enqueue
from domain.events import (
    BookingChanged,
    Event,
    LinkAsked,
    ReportAssigned,
    ReportChanged,
    ReportFiled,
    ReportOverdue,
    ReportRated,
    ResidentUnverified,
    ResidentVerified,
    VisitMarked,
    VisitRated,
)
from domain.identity import mask_phone
from domain.ports import UnitOfWork
from domain.reports import Report, Status
from domain.seals import SealApproved, SealRejected, SealRequested
from domain.staff import Staff

if TYPE_CHECKING:
    from bot.app import App


class Notifier:
    """Decides who hears of what; the dispatcher sends it later, even after a crash."""

    def __init__(self, app: App) -> None:
        self.app = app

    def grid_chat(self, grid: str | None) -> int:
        """The staff chat of a grid, else the community's staff chat."""
        for g in self.app.config.grids:
            if g.code == grid and g.chat_id is not None:
                return g.chat_id
        return self.app.config.community.staff_chat_id

    def handle(self, event: Event, uow: UnitOfWork) -> None:
        """Queue what the event owes."""
        now = datetime.now(UTC)
        if isinstance(event, ResidentUnverified | ResidentVerified):
            return self._resident(uow, event, now)
        if isinstance(event, SealRequested | SealApproved | SealRejected):
            from bot.flows import seal

            return seal.notify(self.app, event, uow, now)
        if isinstance(event, BookingChanged):
            return on_booking(self.app, uow, event, now)
        if isinstance(event, LinkAsked):
            return on_link(self.app, uow, event, now)
        if isinstance(event, VisitMarked | VisitRated):
            return on_visit(self.app, uow, event, now)
        number = getattr(event, "number", None)
        report = uow.reports.get(number) if number else None
        if report is None:
            return
        if isinstance(event, ReportFiled):
            self._card(uow, report, self.grid_chat(report.grid), f"filed:{number}", now)
            if report.urgent:  # an emergency reaches the 书记 at once, not after an overdue SLA
                for lead in self._leads(uow):
                    self._card(uow, report, lead.user_id or 0, f"filed:{number}:{lead.code}", now)
        elif isinstance(event, ReportChanged):
            self._tell_resident(uow, report, event, now)
        elif isinstance(event, ReportAssigned):
            target = uow.staff.get(event.to)
            chat = self.grid_chat(report.grid)
            if target and target.user_id and not target.grids:
                chat = target.user_id  # 社工/书记 without a grid: tell them directly
            key = f"assigned:{number}:{event.to}:{len(report.history)}:{now.timestamp():.0f}"
            self._card(uow, report, chat, key, now)
        elif isinstance(event, ReportOverdue):
            self._overdue(uow, report, event, now)
        elif isinstance(event, ReportRated):
            template = texts.STAFF_RATED_FOLLOWER if event.follower else texts.STAFF_RATED
            text = template.format(number=number, stars=event.rating)
            key = f"rated:{number}:{event.rating}:{len(report.follower_ratings) if event.follower else 0}"
            enqueue(uow, self.grid_chat(report.grid), reply(text), key, now)

    def _resident(self, uow: UnitOfWork, event: ResidentUnverified | ResidentVerified,
                  now: datetime) -> None:
        resident = uow.residents.get(event.resident_id)
        if resident is None:
            return
        if isinstance(event, ResidentVerified):
            if resident.chat_id is not None:
                enqueue(uow, resident.chat_id, reply(texts.RESIDENT_VERIFIED),
                        f"verified:{resident.id}", now)
            return
        text = texts.STAFF_VERIFY_CARD.format(
            name=resident.name, phone=mask_phone(resident.phone or ""), id=resident.id)
        enqueue(uow, self.app.config.community.staff_chat_id,
                reply(text, [[STAFF.button(texts.VERIFY_BUTTON, "ver", resident.id)]]),
                f"unverified:{resident.id}", now)

    @staticmethod
    def _leads(uow: UnitOfWork) -> list[Staff]:
        """Active 书记 who can be messaged directly."""
        return [s for s in uow.staff.list() if s.is_lead and s.user_id and s.active]

    def _card(self, uow: UnitOfWork, report: Report, chat: int, key: str, now: datetime) -> None:
        resident = uow.residents.get(report.resident_id) if report.resident_id else None
        enqueue(uow, chat, staff_card(self.app, report, resident, now), key, now)

    def _tell_resident(self, uow: UnitOfWork, report: Report, event: ReportChanged,
                       now: datetime) -> None:
        if event.by == "resident":
            if event.status == Status.PENDING:  # reopened: back on the staff's desk
                self._card(uow, report, self.grid_chat(report.grid),
                           f"reopened:{report.number}:{len(report.history)}", now)
            return
        template = texts.STATUS_CHANGED.get(event.status)
        if template is None:
            return
        kind, resolved = kind_label(report.kind), event.status == Status.RESOLVED
        # The note goes to the reporter only, and only when staff chose 发给居民.
        if event.note and event.public:
            note = texts.STATUS_NOTE.get(event.status, "{note}").format(note=event.note)
        else:
            note = texts.STATUS_NO_NOTE.get(event.status, "")
        if report.chat_id is not None:
            enqueue(uow, report.chat_id,
                    reply(template.format(kind=kind, number=report.number, note=note),
                          rating_rows(report.number) if resolved else ()),
                    f"status:{report.number}:{len(report.history)}:{report.chat_id}", now)
        # Followers hear it in their own words, never the reporter's note; they rate for themselves.
        follower_text = texts.FOLLOWER_CHANGED[event.status].format(kind=kind, number=report.number)
        for chat in dict.fromkeys(report.followers):
            if chat == report.chat_id:
                continue
            enqueue(uow, chat, reply(follower_text,
                                     rating_rows(report.number, reopen=False) if resolved else ()),
                    f"status:{report.number}:{len(report.history)}:{chat}", now)

    def _overdue(self, uow: UnitOfWork, report: Report, event: ReportOverdue, now: datetime) -> None:
        due = report.accept_due if event.stage == "accept" else report.resolve_due
        due_text = texts.format_when(due or now, self.app.zone, now)
        if not event.escalate:
            template = texts.STAFF_OVERDUE_ACCEPT if event.stage == "accept" else texts.STAFF_OVERDUE_RESOLVE
            assignee = uow.staff.get(report.assignee) if report.assignee else None
            chat = assignee.user_id if assignee and assignee.user_id else self.grid_chat(report.grid)
            enqueue(uow, chat, reply(template.format(number=report.number, due=due_text)),
                    f"overdue:{report.number}:{event.stage}:{len(report.history)}", now)
            return
        text = texts.STAFF_ESCALATION.format(
            number=report.number, category=category_label(self.app, report.category),
            place=place_label(self.app, report.address, public=True),
            stage=texts.STAGE_ACCEPT if event.stage == "accept" else texts.STAGE_RESOLVE,
            assignee=report.assignee or texts.NOBODY)
        leads = self._leads(uow)
        for lead in leads:
            enqueue(uow, lead.user_id or 0, reply(text),
                    f"escalate:{report.number}:{event.stage}:{len(report.history)}:{lead.code}", now)
        if not leads:
            enqueue(uow, self.app.config.community.staff_chat_id, reply(text),
                    f"escalate:{report.number}:{event.stage}:{len(report.history)}", now)
