"""待办: which pending records a staff member may act on, counted apart from the few shown.

A city's staff reach thousands of communities and tens of thousands of pending records; only the
most urgent few are drawn. So the storage counts per community (no record decrypted) and reads
just the most urgent of each kind, and this module merges them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.bookings import BeneficiaryLink
from domain.reports import Report, Status
from domain.seals import SealRequest
from domain.staff import Staff
from domain.volunteers import HelpRequest

LATEST = datetime.max.replace(tzinfo=UTC)
LEADS = ("书记", "社工", "admin")  # serve every grid (Staff.serves)


@dataclass(frozen=True)
class WorkScope:
    """The pending records one staff member may act on, as a query can say it.

    `grids` None: every grid (else reports of those grids, or handed to `assignee`);
    `help_grids` None: every 求助 (else those grids', and those of no grid when `ungridded`);
    `community`: only that community's.
    """

    grids: frozenset[str] | None
    assignee: str
    help_grids: frozenset[str] | None
    ungridded: bool
    community: str | None = None

    @classmethod
    def of(cls, staff: Staff, community: str | None = None) -> WorkScope:
        """What `staff` may act on, as Staff.serves and the 求助 rule decide it one record at a time."""
        every = bool(staff.level) or staff.role in LEADS
        grids = None if every else frozenset(staff.grids)
        return cls(grids=grids, assignee=staff.code, help_grids=None if staff.read_only else grids,
                   ungridded=staff.read_only or staff.role != "网格员", community=community)

    def takes_report(self, community: str, grid: str | None, assignee: str | None) -> bool:
        """Whether an open report of this community, grid and assignee is in the scope."""
        return self.community in (None, community) and (
            self.grids is None or grid in self.grids or (bool(assignee) and assignee == self.assignee))

    def takes_help(self, community: str, grid: str | None) -> bool:
        """Whether an open 求助 of this community and grid is in the scope."""
        return self.community in (None, community) and (
            self.help_grids is None or (grid in self.help_grids if grid else self.ungridded))


@dataclass(frozen=True)
class Backlog:
    """One community's (or template's) pending records: how many, and the most urgent one's due time."""

    count: int
    first: datetime

    def __add__(self, other: Backlog) -> Backlog:
        return Backlog(self.count + other.count, min(self.first, other.first))


def report_due(r: Report) -> datetime:
    """When an open report falls due: 受理 while pending, else 办结 (its filing time if neither)."""
    due = r.accept_due if r.status == Status.PENDING else r.resolve_due
    return due or r.created_at or LATEST


Record = Report | SealRequest | HelpRequest | BeneficiaryLink


@dataclass(frozen=True)
class Pending:
    """One line of 待办: the record, when it falls due and whose it is."""

    due: datetime
    community: str
    record: Record


@dataclass
class Worklist:
    """The most urgent records drawn, and every community's count of all of them."""

    shown: list[Pending]
    backlog: dict[str, Backlog]

    @property
    def total(self) -> int:
        """Every pending record counted, shown or not."""
        return sum(b.count for b in self.backlog.values())

    @property
    def places(self) -> int:
        """How many communities hold any."""
        return sum(1 for b in self.backlog.values() if b.count)

    def busiest_rest(self, n: int) -> list[tuple[str, int]]:
        """The `n` communities with the most not shown (ties: the most urgent first), with that many."""
        drawn = Counter(p.community for p in self.shown)
        rest = [(c, b.count - drawn[c], b.first) for c, b in self.backlog.items() if b.count > drawn[c]]
        rest.sort(key=lambda x: (-x[1], x[2], x[0]))
        return [(c, k) for c, k, _ in rest[:n]]


REPORT, SEAL, HELP, LINK = "report", "seal", "help", "link"
Ref = tuple[str, str | int]  # (kind, number or id)


def pick(reports: list[tuple[datetime, str]], seals: list[tuple[datetime, str]],
         helps: list[tuple[datetime, int]], limit: int,
         links: list[tuple[datetime, int]] | None = None) -> list[Ref]:
    """Of each kind's most urgent (due time, number or id; in its own order) the `limit` due first.

    Equal due times keep reports, then certificate requests, then 求助, then family links, each in
    its own order.
    """
    keyed: list[tuple[datetime, Ref]] = [(due, (REPORT, n)) for due, n in reports]
    keyed += [(due, (SEAL, n)) for due, n in seals]
    keyed += [(due, (HELP, i)) for due, i in helps]
    keyed += [(due, (LINK, i)) for due, i in links or []]
    keyed.sort(key=lambda k: k[0])  # stable
    return [ref for _, ref in keyed[:limit]]


def due_of(record: Record) -> datetime:
    """When a pending record of any kind falls due (a 求助 or a family link: when it was asked)."""
    if isinstance(record, Report):
        return report_due(record)
    if isinstance(record, SealRequest):
        return record.due_at
    return record.created_at or LATEST
