"""待办 of one staff member: counted in the database, only the most urgent read and decrypted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from datetime import datetime

from domain.errors import StaffOnly
from domain.ports import UnitOfWork
from domain.staff import Staff
from domain.worklist import HELP, LINK, REPORT, SEAL, Backlog, Pending, Record, Ref, Worklist, WorkScope, due_of, pick


def worklist(uow: UnitOfWork, staff: Staff, decides: Callable[[str], Collection[str]], *,
             only: str | None = None, limit: int = 10) -> Worklist:
    """The `limit` most urgent pending records `staff` may act on, and every community's count.

    Open reports (by their 受理/办结 deadline), certificate requests waiting for a decision of the
    templates `decides(community)` names (by their due date), 求助 not yet made a task and family
    links waiting for staff (oldest first); of community `only` when given. The unit of work's
    scope is the staff member's reach.
    """
    if not staff.active:
        raise StaffOnly(staff.code)
    scope = WorkScope.of(staff, only)
    with uow:
        count: Counter[str] = Counter()
        first: dict[str, datetime] = {}

        def tally(community: str, b: Backlog) -> None:  # plain sums: a city adds up thousands
            count[community] += b.count
            if community not in first or b.first < first[community]:
                first[community] = b.first

        for community, b in uow.reports.open_backlog(scope).items():
            tally(community, b)
        allowed: dict[str, set[str]] = {}
        cache: dict[str, Collection[str]] = {}
        for (community, template), b in uow.seals.pending_backlog(only).items():
            if community not in cache:
                cache[community] = decides(community)
            if template in cache[community]:
                allowed.setdefault(community, set()).add(template)
                tally(community, b)
        for community, b in uow.volunteers.open_help_backlog(scope).items():
            tally(community, b)
        # Any staff of a community decides its family links (a read-only account looks): all in reach.
        for community, b in uow.bookings.pending_links_backlog(only).items():
            tally(community, b)
        # Each kind's most urgent as due times and numbers, then only those drawn read (and decrypted).
        refs = pick(uow.reports.most_urgent(scope, limit),
                    uow.seals.most_urgent_pending({c: frozenset(t) for c, t in allowed.items()}, limit)
                    if allowed else [],
                    uow.volunteers.oldest_open_help(scope, limit), limit,
                    uow.bookings.oldest_pending_links(only, limit))
        found: dict[Ref, Record] = {}
        found.update(((REPORT, r.number), r) for r in uow.reports.many([str(n) for k, n in refs if k == REPORT]))
        found.update(((SEAL, r.number), r) for r in uow.seals.many([str(n) for k, n in refs if k == SEAL]))
        found.update(((HELP, h.id or 0), h)
                     for h in uow.volunteers.help_many([int(i) for k, i in refs if k == HELP]))
        found.update(((LINK, x.id or 0), x) for x in uow.bookings.links_many([int(i) for k, i in refs if k == LINK]))
    # One removed between the two reads (another worker's commit in between) is left out of this answer.
    shown = [Pending(due_of(found[ref]), found[ref].community, found[ref]) for ref in refs if ref in found]
    return Worklist(shown, {c: Backlog(n, first[c]) for c, n in count.items()})
