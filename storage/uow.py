"""The SQLAlchemy unit of work: one session, one transaction, events turned into outbox rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from domain.alerts import AlertStore
from domain.events import Event
from domain.ports import (
    AuditLog,
    BoardRepository,
    BookingRepository,
    ConversationStore,
    Outbox,
    PolicyRepository,
    PollRepository,
    PushRepository,
    RatingRepository,
    ReportRepository,
    ResidentRepository,
    SealRepository,
    StaffRepository,
    SubscriptionRepository,
    UnitOfWork,
    VolunteerRepository,
)
from storage.alerts import SqlAlertStore
from storage.board import SqlBoardRepository
from storage.bookings import SqlBookingRepository
from storage.crypto import Crypto
from storage.locks import lock_chat
from storage.people import SqlResidentRepository, SqlStaffRepository
from storage.policies import SqlPolicyRepository
from storage.polls import SqlPollRepository, SqlRatingRepository
from storage.pushes import SqlPushRepository, SqlSubscriptionRepository
from storage.records import SqlAuditLog, SqlConversationStore, SqlOutbox
from storage.reports import SqlReportRepository
from storage.scope import set_scope
from storage.seals import SqlSealRepository
from storage.volunteers import SqlVolunteerRepository

# Called with each published event inside the transaction, so that what the event owes
# (messages to residents and staff) is in the outbox before anything commits.
EventHandler = Callable[[Event, UnitOfWork], None]


class SqlUnitOfWork:
    """Rolls back unless committed; repositories share its session and never commit."""

    residents: ResidentRepository
    staff: StaffRepository
    reports: ReportRepository
    conversations: ConversationStore
    outbox: Outbox
    audit: AuditLog
    seals: SealRepository
    bookings: BookingRepository
    polls: PollRepository
    ratings: RatingRepository
    volunteers: VolunteerRepository
    alerts: AlertStore
    policies: PolicyRepository
    pushes: PushRepository
    subscriptions: SubscriptionRepository
    board: BoardRepository
    session: Session

    def __init__(
        self,
        sessions: sessionmaker[Session],
        crypto: Crypto,
        zone: ZoneInfo,
        on_event: EventHandler | None = None,
        *,
        community: str | None = None,
        visible: frozenset[str] | None = None,
    ) -> None:
        # `community`: where new records belong; `visible`: what queries see (None: every
        # community, for the dispatcher, jobs and city-level tools).
        self.community = community
        self._visible = visible
        self._sessions = sessions
        self._crypto = crypto
        self._zone = zone
        self._on_event = on_event
        self._events: list[Event] = []
        self._depth = 0

    def __enter__(self) -> SqlUnitOfWork:
        # Re-entrant: a use case called inside a dialogue step joins the step's transaction,
        # so the record and the conversation state are written together or not at all.
        self._depth += 1
        if self._depth > 1:
            return self
        self.session = self._sessions()
        set_scope(self.session, self.community, self._visible)
        s, c = self.session, self._crypto
        self.residents = SqlResidentRepository(s, c)
        self.staff = SqlStaffRepository(s)
        self.reports = SqlReportRepository(s, c, self._zone)
        self.conversations = SqlConversationStore(s, c)
        self.outbox = SqlOutbox(s, c)
        self.audit = SqlAuditLog(s)
        self.seals = SqlSealRepository(s, c)
        self.bookings = SqlBookingRepository(s, c, self._zone)
        self.polls = SqlPollRepository(s, c)
        self.ratings = SqlRatingRepository(s, c)
        self.volunteers = SqlVolunteerRepository(s, c)
        self.alerts = SqlAlertStore(s, c)
        self.policies = SqlPolicyRepository(s)
        self.pushes = SqlPushRepository(s)
        self.subscriptions = SqlSubscriptionRepository(s)
        self.board = SqlBoardRepository(s)
        self._events = []
        return self

    def __exit__(self, *exc: Any) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        try:
            self.rollback()
        finally:
            self.session.close()

    def publish(self, event: Event) -> None:
        """Remember an event; its consequences are written at commit."""
        self._events.append(event)

    def commit(self) -> None:
        """Run event handlers (they may queue more) and commit everything at once."""
        while self._events:
            event = self._events.pop(0)
            if self._on_event is not None:
                self._on_event(event, self)
        if self._depth > 1:
            self.session.flush()  # the outermost unit of work commits
            return
        self.session.commit()

    @property
    def visible(self) -> frozenset[str] | None:
        """The communities this transaction's queries see (None: every one)."""
        return self._visible

    def scope_to(self, community: str | None, visible: frozenset[str] | None,
                 on_event: EventHandler | None = None) -> None:
        """Narrow this transaction to one community (and what its speaker may see) once known."""
        self.community, self._visible = community, visible
        set_scope(self.session, community, visible)
        if on_event is not None:
            self._on_event = on_event

    def lock_chat(self, chat_id: int) -> None:
        """Hold this chat's lock until commit or rollback: its turns run one at a time everywhere."""
        lock_chat(self.session, chat_id)

    def rollback(self) -> None:
        """Discard everything not committed."""
        if self._depth > 1:
            return  # the outermost unit of work decides
        self._events = []
        self.session.rollback()
