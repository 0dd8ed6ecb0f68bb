"""Staff of the community office and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("网格员", "社工", "书记", "admin")
# Staff above the communities: a 街道/镇's, a 区's, the city's (市). Their rows belong to no one
# 村社 (ABOVE is not a community code, so no community's lists show them); `reach` names the
# 街道 or 区 whose communities they see.
LEVELS = ("街道", "区", "市")
ABOVE = "*"
VIEWER = "查看"  # the role of a read-only city account: no flow's role list holds it


@dataclass
class Staff:
    """A staff account; `user_id` is their chat user, `grids` the grid cells they serve."""

    code: str
    name: str
    role: str
    user_id: int | None = None
    grids: list[str] = field(default_factory=list)
    active: bool = True
    community: str = ""  # the 村社 they work for (its code); ABOVE for 街道/区/市 staff
    level: str = ""  # "" = staff of one 村社; else one of LEVELS
    reach: str = ""  # the 街道 or 区 name (as community files spell it) a level member covers
    read_only: bool = False  # may look at records, never change them

    def serves(self, grid: str | None) -> bool:
        """Whether this person may act on records of the grid (书记/社工/admin, level staff: all)."""
        if not self.active:
            return False
        if self.level or self.role in ("书记", "社工", "admin"):
            return True
        return grid is not None and grid in self.grids

    @property
    def is_lead(self) -> bool:
        """书记 and admin receive escalations."""
        return self.role in ("书记", "admin")
