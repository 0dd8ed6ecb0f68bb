"""线上表决 and 物业评价 tables and repositories: who voted is kept apart from what was voted."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Table, Text, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.polls import Poll, PollStatus
from domain.ratings import MonthSummary, Rating
from storage.crypto import Crypto
from storage.models import Base
from storage.scope import Scoped


class PollRow(Scoped, Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)  # public: polls are shown to every voter
    options: Mapped[list[str]]
    estate: Mapped[str | None] = mapped_column(String(16))  # None: the whole community
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class PollVoterRow(Base):
    """WHO voted: one row per household (keyed hash), with the chat the result goes back to."""

    __tablename__ = "poll_voters"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), primary_key=True)
    voter_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    voted_at: Mapped[datetime]


class PollBallotRow(Base):
    """WHAT was voted: the option under another keyed hash of the household, no time, no chat."""

    __tablename__ = "poll_ballots"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), primary_key=True)
    ballot_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    option: Mapped[int] = mapped_column(Integer)


class RatingRow(Scoped, Base):
    """One rating per rater (keyed hash of the resident), target and month; a new one replaces it."""

    __tablename__ = "ratings"

    rater_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    estate: Mapped[str] = mapped_column(String(16), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    at: Mapped[datetime]


def _poll(row: PollRow) -> Poll:
    return Poll(id=row.id, question=row.question, options=list(row.options), estate=row.estate,
                ends_at=row.ends_at, status=PollStatus(row.status), created_by=row.created_by,
                created_at=row.created_at, closed_at=row.closed_at, community=row.community or "")


class SqlPollRepository:
    """Polls, voters and ballots; never commits (the unit of work does)."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    def _hashes(self, poll_id: int, household: str) -> tuple[str, str]:
        # Two keyed hashes of one household: without the key, a voter row cannot be matched
        # to a ballot row (and the household cannot be guessed from either).
        voter = self.crypto.lookup_hash(f"poll-voter|{poll_id}|{household}")
        ballot = self.crypto.lookup_hash(f"poll-ballot|{poll_id}|{household}")
        assert voter is not None and ballot is not None
        return voter, ballot

    def add(self, poll: Poll) -> Poll:
        """Insert and give the poll its id."""
        row = PollRow(question=poll.question, options=list(poll.options), estate=poll.estate,
                      ends_at=poll.ends_at, status=poll.status.value, created_by=poll.created_by,
                      created_at=poll.created_at, closed_at=poll.closed_at)
        self.session.add(row)
        self.session.flush()
        poll.id = row.id
        return poll

    def save(self, poll: Poll) -> None:
        """Write back status and closing time."""
        row = self.session.get(PollRow, poll.id)
        if row is None:
            raise LookupError(poll.id)
        row.status, row.closed_at, row.ends_at = poll.status.value, poll.closed_at, poll.ends_at

    def get(self, poll_id: int) -> Poll | None:
        """One poll by id."""
        row = self.session.get(PollRow, poll_id)
        return _poll(row) if row else None

    def due(self, now: datetime) -> list[Poll]:
        """Open polls whose end time has come."""
        stmt = select(PollRow).where(PollRow.status == PollStatus.OPEN.value, PollRow.ends_at <= now)
        return [_poll(r) for r in self.session.scalars(stmt.order_by(PollRow.id))]

    def has_voted(self, poll_id: int, household: str) -> bool:
        """Whether this household has voted in the poll."""
        voter, _ = self._hashes(poll_id, household)
        return self.session.get(PollVoterRow, (poll_id, voter)) is not None

    def cast(self, poll_id: int, household: str, option: int, chat_id: int | None, at: datetime) -> bool:
        """Record one household's vote; False when the household had voted (even a moment ago)."""
        voter, ballot = self._hashes(poll_id, household)
        # The primary key (poll, household) decides: a second member of the household pressing
        # at the same moment waits for the first insert and then inserts nothing. ON CONFLICT
        # rather than catching IntegrityError in a savepoint: pysqlite's savepoints would commit
        # the turn early (SQLAlchemy's documented pysqlite caveat).
        values = {"poll_id": poll_id, "voter_hash": voter, "chat_id": chat_id, "voted_at": at}
        table = cast(Table, PollVoterRow.__table__)
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        # RETURNING says whether a row went in (psycopg reports no rowcount here).
        stmt = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.poll_id)
        if self.session.execute(stmt).first() is None:
            return False
        self.session.add(PollBallotRow(poll_id=poll_id, ballot_hash=ballot, option=option))
        self.session.flush()
        return True

    def ballots(self, poll_id: int) -> list[tuple[str, int]]:
        """Every ballot of a poll as (ballot hash, option index), sorted."""
        rows = self.session.execute(select(PollBallotRow.ballot_hash, PollBallotRow.option)
                                    .where(PollBallotRow.poll_id == poll_id)
                                    .order_by(PollBallotRow.ballot_hash))
        return [(h, o) for h, o in rows]

    def voters(self, poll_id: int) -> int:
        """How many households voted."""
        stmt = select(func.count()).select_from(PollVoterRow).where(PollVoterRow.poll_id == poll_id)
        return int(self.session.scalar(stmt) or 0)

    def voter_chats(self, poll_id: int) -> list[int]:
        """The chats votes came from (to send them the result)."""
        stmt = select(PollVoterRow.chat_id).where(PollVoterRow.poll_id == poll_id,
                                                  PollVoterRow.chat_id.is_not(None))
        return sorted({int(c) for c in self.session.scalars(stmt) if c is not None})

    def list(self, *, status: PollStatus | None = None, limit: int = 50) -> list[Poll]:
        """Polls, newest first."""
        stmt = select(PollRow).order_by(PollRow.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(PollRow.status == status.value)
        return [_poll(r) for r in self.session.scalars(stmt)]


class SqlRatingRepository:
    """Monthly ratings; the rater is a keyed hash, the comment encrypted."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    def put(self, rating: Rating) -> bool:
        """Keep a rating; True when it replaced the rater's earlier one for that target and month."""
        rater = self.crypto.lookup_hash(f"rating|{rating.resident_id}")
        assert rater is not None and rating.at is not None
        row = self.session.get(RatingRow, (rater, rating.target, rating.month))
        replaced = row is not None
        if row is None:
            row = RatingRow(rater_hash=rater, target=rating.target, month=rating.month)
            self.session.add(row)
        row.estate, row.stars, row.at = rating.estate, rating.stars, rating.at
        row.comment_enc = self.crypto.encrypt(rating.comment) if rating.comment else None
        self.session.flush()
        return replaced

    def summary(self, months: list[str], estate: str | None = None) -> list[MonthSummary]:
        """Count and average per estate, target and month, for the months given."""
        stmt = (select(RatingRow.estate, RatingRow.target, RatingRow.month, func.count(),
                       func.avg(RatingRow.stars))
                .where(RatingRow.month.in_(months))
                .group_by(RatingRow.estate, RatingRow.target, RatingRow.month)
                .order_by(RatingRow.estate, RatingRow.target, RatingRow.month))
        if estate is not None:
            stmt = stmt.where(RatingRow.estate == estate)
        return [MonthSummary(e, t, m, int(n), round(float(avg), 2))
                for e, t, m, n, avg in self.session.execute(stmt)]
