"""Typed domain errors; bot/texts.py maps each to one Chinese reply."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the domain refuses to break."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not the asker's to see)."""


class NotAllowed(DomainError):
    """The person may not do this."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this action (e.g. a stale button)."""


class InvalidValue(DomainError):
    """A value broke a rule; `field` names it and `reason` says why (in Chinese)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


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
