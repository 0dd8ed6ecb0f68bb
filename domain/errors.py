"""Typed domain errors; bot/texts.py maps each to one Chinese reply."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the domain refuses to break."""


class NoCommunity(DomainError):
    """Something would be filed before we know which 村社 the person belongs to."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not the asker's to see)."""


class NotAllowed(DomainError):
    """The person may not do this."""


class OutOfReach(NotAllowed):
    """A push or warning aimed at communities beyond the sender's own reach."""


class StaffOnly(NotAllowed):
    """Only (the right) staff may do this."""


class ViewOnly(StaffOnly):
    """A read-only (city) staff account tried to change a record: they may only look."""


class NotOwnContact(NotAllowed):
    """A shared contact that is not the sender's own."""


class PhoneTaken(NotAllowed):
    """The phone number is already bound to another chat user."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this action (e.g. a stale button)."""


class Conflict(InvalidTransition):
    """Someone else changed the record between reading and writing it (optimistic locking)."""


class InvalidValue(DomainError):
    """A value broke a rule: `field` names it, `code` says which rule, `params` fill the text.

    The words residents read live in bot/texts.py, keyed by (field, code).
    """

    def __init__(self, field: str, code: str, **params: object) -> None:
        super().__init__(f"{field}: {code} {params or ''}".strip())
        self.field = field
        self.code = code
        self.params = params


class RosterInvalid(DomainError):
    """A roster file had invalid rows; nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} invalid row(s)")
        self.problems = problems


class RowProblem:
    """One invalid cell of a roster: row number (1 = header), column name, reason."""

    __slots__ = ("column", "reason", "row")

    def __init__(self, row: int, column: str, reason: str) -> None:
        self.row = row
        self.column = column
        self.reason = reason

    def __repr__(self) -> str:
        return f"RowProblem({self.row}, {self.column!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowProblem) and (self.row, self.column, self.reason) == (
            other.row, other.column, other.reason)


class NotVerifiedResident(NotAllowed):
    """Only a resident the office has verified may ask for a certificate about themselves."""


class NotApprover(NotAllowed):
    """This staff member's role may not decide on this certificate kind."""
