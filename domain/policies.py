"""Policies (惠民政策): what each says, whom it targets, and whether a resident appears to qualify."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.residents import Resident


class Aspect(StrEnum):
    """The part of a policy a question asks about."""

    TARGET = "target"  # 对象: who it is for
    BENEFIT = "benefit"  # 内容/标准: what you get
    DOCUMENTS = "documents"  # 材料: what to bring
    APPLY = "apply"  # 办理: where and how to apply


@dataclass(frozen=True)
class Policy:
    """One policy of the library, from config or added by staff."""

    code: str
    title: str
    target: str
    benefit: str
    documents: str
    apply: str
    issuer: str
    issued_on: date
    source: str  # 文号 or a URL
    tags: tuple[str, ...] = ()  # residents with any of these tags are targeted
    min_age: int | None = None
    max_age: int | None = None
    estates: tuple[str, ...] = ()  # estate codes; empty = the whole community
    keywords: tuple[str, ...] = ()  # how residents name it (低保, 高龄)
    origin: str = "config"  # config | staff
    added_by: str = ""
    added_at: datetime | None = field(default=None, compare=False)

    def part(self, aspect: Aspect) -> str:
        """The text of one aspect."""
        return {Aspect.TARGET: self.target, Aspect.BENEFIT: self.benefit,
                Aspect.DOCUMENTS: self.documents, Aspect.APPLY: self.apply}[aspect]


REQUIRED = ("code", "title", "target", "benefit", "documents", "apply", "issuer", "issued_on",
            "source")


def age_on(id_number: str | None, today: date) -> int | None:
    """Age in whole years from an 18-digit ID number's birth date; None when it cannot be read."""
    if not id_number or len(id_number) != 18 or not id_number[6:14].isdigit():
        return None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    if born > today:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class Check:
    """One condition of a policy against a resident: met True/False, or None when unknown."""

    kind: str  # tags | age | estate
    met: bool | None
    wanted: str  # what the policy asks, readable (低保户、低边 / 80岁以上 / estate codes)


@dataclass(frozen=True)
class Eligibility:
    """Whether a resident appears to qualify; staff decide in the end."""

    checks: tuple[Check, ...]

    @property
    def verdict(self) -> str:
        """yes (every condition met), no (one is not), unknown (something could not be told).

        A policy with no condition we can check (临时救助: a sudden hardship) is "depends".
        """
        if not self.checks:
            return "depends"
        if any(c.met is False for c in self.checks):
            return "no"
        if any(c.met is None for c in self.checks):
            return "unknown"
        return "yes"

    @property
    def failed(self) -> tuple[Check, ...]:
        """The conditions that are not met."""
        return tuple(c for c in self.checks if c.met is False)


def age_range(policy: Policy) -> str:
    """80岁以上 / 18到59岁 / '' when the policy has no age condition."""
    lo, hi = policy.min_age, policy.max_age
    if lo is not None and hi is not None:
        return f"{lo}到{hi}岁"
    if lo is not None:
        return f"{lo}岁以上"
    if hi is not None:
        return f"{hi}岁以下"
    return ""


def eligibility(policy: Policy, resident: Resident, today: date) -> Eligibility:
    """Check the policy's tags, age range and estates against what we hold about the resident."""
    checks: list[Check] = []
    if policy.tags:
        checks.append(Check("tags", bool(set(policy.tags) & set(resident.tags)),
                            "、".join(policy.tags)))
    if policy.min_age is not None or policy.max_age is not None:
        age = age_on(resident.id_number, today)
        met = None if age is None else (
            (policy.min_age is None or age >= policy.min_age)
            and (policy.max_age is None or age <= policy.max_age))
        checks.append(Check("age", met, age_range(policy)))
    if policy.estates:
        estate = resident.address.estate
        checks.append(Check("estate", (estate in policy.estates) if estate else None,
                            "、".join(policy.estates)))
    return Eligibility(tuple(checks))


def missing_fields(fields: dict[str, object]) -> list[str]:
    """The required fields that are absent or empty, in the library's order."""
    return [name for name in REQUIRED if not str(fields.get(name) or "").strip()]
