"""Staff of the community office and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("网格员", "社工", "书记", "admin")


@dataclass
class Staff:
    """A staff account; `user_id` is their chat user, `grids` the grid cells they serve."""

    code: str
    name: str
    role: str
    user_id: int | None = None
    grids: list[str] = field(default_factory=list)
    active: bool = True
    community: str = ""  # the 村社 they work for (its code)

    def serves(self, grid: str | None) -> bool:
        """Whether this person may act on records of the grid (书记/社工/admin: all)."""
        if not self.active:
            return False
        if self.role in ("书记", "社工", "admin"):
            return True
        return grid is not None and grid in self.grids

    @property
    def is_lead(self) -> bool:
        """书记 and admin receive escalations."""
        return self.role in ("书记", "admin")
