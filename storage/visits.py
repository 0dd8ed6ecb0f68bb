"""A day's visits across communities (/今日上门) and where one booking lives: queries of the
booking repository kept apart so storage/bookings.py stays about writing bookings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, false, func, or_, select

from domain.bookings import Booking, Status
from storage.scope import ANY_COMMUNITY

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.bookings import BookingRow


class VisitQueries:
    """Mixin of SqlBookingRepository: reads that may span communities, each one said so."""

    session: Session
    _to_domain: Callable[[BookingRow], Booking]  # the repository's own row → Booking

    def where_is(self, number: str) -> tuple[str, str] | None:
        """A booking's community and service, city-wide: a provider's chat may serve several."""
        from storage.bookings import BookingRow

        stmt = (select(BookingRow.community, BookingRow.service).where(BookingRow.number == number)
                .execution_options(**ANY_COMMUNITY))
        found = self.session.execute(stmt).first()
        return (found[0], found[1]) if found else None

    def visits(self, since: datetime, until: datetime, statuses: Iterable[Status], *,
               where: Mapping[str, Collection[str] | None] | None = None, city: bool = False,
               limit: int = 100) -> tuple[list[Booking], dict[str, int]]:
        """Visits in [since, until) in time order (the first `limit`) and how many per community.

        `where` narrows to these communities (and, when given, these services of each); `city`
        reads past the scope, for a provider's chat that belongs to no community: the caller
        names exactly what that chat serves.
        """
        from storage.bookings import BookingRow

        cond: list[Any] = [BookingRow.start >= since, BookingRow.start < until,
                           BookingRow.status.in_([s.value for s in statuses])]
        if where is not None:
            cond.append(_pairs(BookingRow, where))
        opts = ANY_COMMUNITY if city else {}
        counted = self.session.execute(
            select(BookingRow.community, func.count()).where(*cond).group_by(BookingRow.community)
            .execution_options(**opts))
        counts = {code: int(n) for code, n in counted}
        if not limit or not counts:
            return [], counts
        rows = self.session.scalars(select(BookingRow).where(*cond).order_by(BookingRow.start, BookingRow.id)
                                    .limit(limit).execution_options(**opts))
        return [self._to_domain(r) for r in rows], counts


def _pairs(row: type[BookingRow], where: Mapping[str, Collection[str] | None]) -> Any:
    """(community IN … AND service IN …) per distinct service set: a shared catalogue is one clause."""
    groups: dict[frozenset[str] | None, list[str]] = defaultdict(list)
    for code, services in where.items():
        groups[frozenset(services) if services is not None else None].append(code)
    clauses = [and_(row.community.in_(codes), *([row.service.in_(sorted(s))] if s is not None else []))
               for s, codes in groups.items()]
    return or_(*clauses) if clauses else false()
