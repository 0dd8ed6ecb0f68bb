"""The deployment's Telegram budget as a token bucket in one PostgreSQL row.

Why a shared bucket and not a fixed share per worker (rate / live workers): the budget goes
where the sending is. A worker whose queue holds a staff group's backlog, or whose resident
answers borrow beyond the budget, uses what the idle workers do not; fixed shares would leave
their part unused while one worker waits. Each worker takes a few tokens at a time (a
twentieth of a second's budget) with one short `SELECT … FOR UPDATE` / `UPDATE`, so the row
is touched some tens of times a second in all, and the time is the database's own clock.
"""

from __future__ import annotations

import math

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import RateBudgetRow


class SharedBucket:
    """`rate` tokens a second for every worker together, at most `capacity` saved up.

    `floor` (negative) is how far answers may borrow: what they sent beyond the budget is
    paid back from the next seconds, so everyone's notices and pushes slow down.
    """

    def __init__(self, engine: Engine, name: str, rate: float, capacity: float, floor: float) -> None:
        self.engine = engine
        self.name = name
        self.rate = rate
        self.capacity = capacity
        self.floor = floor

    def exchange(self, want: float, debt: float) -> tuple[float, float]:
        """Pay `debt` tokens already used, take up to `want`; (tokens granted, level left)."""
        with Session(self.engine) as session, session.begin():
            row = session.get(RateBudgetRow, self.name, with_for_update=True)
            if row is None:  # first use: a full bucket (two workers at once: one insert wins)
                session.execute(insert(RateBudgetRow).values(
                    name=self.name, tokens=self.capacity, at=self._clock(session))
                    .on_conflict_do_nothing())
                row = session.get(RateBudgetRow, self.name, with_for_update=True,
                                  populate_existing=True)
                assert row is not None
            now = self._clock(session)  # read under the row's lock: the times only go forward
            level = min(self.capacity, row.tokens + self.rate * max(0.0, now - row.at)) - debt
            granted = min(want, float(max(0, math.floor(level))))
            row.tokens = max(self.floor, level - granted)
            row.at = max(now, row.at)
            return granted, row.tokens

    @staticmethod
    def _clock(session: Session) -> float:
        return float(session.scalar(select(func.extract("epoch", func.clock_timestamp()))) or 0.0)
