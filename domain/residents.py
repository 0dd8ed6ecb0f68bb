"""Residents: roster rows, addresses, tags, identity binding rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import RowProblem
from domain.identity import id_number_problem, normalize_phone

ROSTER_COLUMNS = ("姓名", "手机号", "身份证号", "小区", "幢", "单元", "室", "标签")
REQUIRED_COLUMNS = ("姓名", "手机号", "小区")


@dataclass(frozen=True)
class Address:
    """小区 plus 幢/单元/室; the estate code is public, the rest is personal."""

    estate: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""

    def label(self, estate_name: str = "") -> str:
        """3幢2单元302室, prefixed with the estate's name when given."""
        parts = [estate_name or ""]
        if self.building:
            parts.append(f"{self.building}幢")
        if self.unit:
            parts.append(f"{self.unit}单元")
        if self.room:
            parts.append(f"{self.room}室")
        return "".join(parts)


@dataclass
class Resident:
    """A person of the community, from the roster or from a chat (then unverified)."""

    name: str
    phone: str | None
    address: Address = field(default_factory=Address)
    id_number: str | None = None
    tags: list[str] = field(default_factory=list)
    verified: bool = False
    source: str = "roster"  # roster | chat
    user_id: int | None = None
    chat_id: int | None = None
    id: int | None = None
    created_at: datetime | None = None
    community: str = ""  # the 村社 they belong to (its code); set where they are filed


@dataclass(frozen=True)
class RosterRow:
    """One validated roster row."""

    name: str
    phone: str
    id_number: str | None
    address: Address
    tags: tuple[str, ...]


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 3 into 3.0
    return str(value).strip()


def validate_roster_row(
    row_number: int,
    raw: dict[str, object],
    estates: dict[str, str],
    known_tags: set[str],
) -> RosterRow | list[RowProblem]:
    """Validate one roster row; `estates` maps names and aliases to estate codes."""
    cells = {col: _clean(raw.get(col)) for col in ROSTER_COLUMNS}
    problems = [RowProblem(row_number, col, "不能为空") for col in REQUIRED_COLUMNS if not cells[col]]
    phone = normalize_phone(cells["手机号"]) if cells["手机号"] else None
    if cells["手机号"] and phone is None:
        problems.append(RowProblem(row_number, "手机号", "不是有效的手机号或固定电话"))
    id_number = cells["身份证号"].upper() or None
    if id_number and (why := id_number_problem(id_number)):
        problems.append(RowProblem(row_number, "身份证号", why))
    estate = estates.get(cells["小区"]) if cells["小区"] else None
    if cells["小区"] and estate is None:
        problems.append(RowProblem(row_number, "小区", f"没有叫“{cells['小区']}”的小区"))
    for col in ("幢", "单元", "室"):
        v = cells[col].removesuffix(col).removesuffix("号楼").removesuffix("栋")
        if v and not v.isalnum():
            problems.append(RowProblem(row_number, col, "只能是数字或字母"))
        cells[col] = v
    tags = tuple(t for t in cells["标签"].replace("，", ",").replace("、", ",").split(",") if t.strip())
    tags = tuple(t.strip() for t in tags)
    unknown = [t for t in tags if t not in known_tags]
    if unknown:
        problems.append(RowProblem(row_number, "标签", f"未知标签“{unknown[0]}”"))
    if problems:
        return problems
    assert phone is not None and estate is not None
    return RosterRow(
        name=cells["姓名"],
        phone=phone,
        id_number=id_number,
        address=Address(estate, cells["幢"], cells["单元"], cells["室"]),
        tags=tags,
    )
