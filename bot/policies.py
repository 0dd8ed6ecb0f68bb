"""The policy library: config's policies and those staff added, read as one; how a policy reads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import texts
from domain.policies import Aspect, Policy
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.config import AppConfig
    from bot.config import Policy as PolicyConfig
    from bot.policy_index import PolicyIndex


def from_config(p: PolicyConfig) -> Policy:
    """A config entry as a domain policy."""
    return Policy(
        code=p.code, title=p.title, target=p.target, benefit=p.benefit, documents=p.documents,
        apply=p.apply, issuer=p.issuer, issued_on=p.issued_on, source=p.source,
        tags=tuple(p.tags), min_age=p.min_age, max_age=p.max_age, estates=tuple(p.estates),
        keywords=tuple(p.keywords), origin="config")


class PolicyLibrary:
    """Reads config's policies and the stored ones together; keeps one search index up to date."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.configured: tuple[Policy, ...] = tuple(from_config(p) for p in config.policies)
        self._index: PolicyIndex | None = None
        self._lock = threading.Lock()

    def all(self, uow: UnitOfWork) -> list[Policy]:
        """Every policy: config's first, then staff's in the order they were added."""
        return [*self.configured, *uow.policies.list()]

    def get(self, uow: UnitOfWork, code: str) -> Policy | None:
        """One policy by code, wherever it lives."""
        for p in self.configured:
            if p.code == code:
                return p
        return uow.policies.get(code)

    def index(self, uow: UnitOfWork) -> PolicyIndex:
        """The search index; rebuilt only when staff added or removed a policy since it was built."""
        from bot.policy_index import build  # jieba + bm25s: loaded when first needed

        stamp = uow.policies.stamp()
        with self._lock:  # several chats may ask at once: one build, not one each
            if self._index is None or self._index.stamp != stamp:
                self._index = build(self.all(uow), self.config.policy_synonyms, stamp)
            return self._index


def format_date(p: Policy) -> str:
    """2021年9月1日."""
    d = p.issued_on
    return texts.POLICY_DATE.format(year=d.year, month=d.month, day=d.day)


def render_source(policy: Policy) -> str:
    """来源：温州市民政局 温民发〔2021〕88号（2021年9月1日发布）."""
    return texts.POLICY_SOURCE.format(issuer=policy.issuer, source=policy.source,
                                      date=format_date(policy))


def render_policy_summary(policy: Policy) -> str:
    """Who it is for and what you get, in two lines, with its source (answers and pushes use it)."""
    return "\n".join((texts.POLICY_SUMMARY.format(
        title=policy.title, target=policy.target, benefit=policy.benefit), render_source(policy)))


def render_parts(policy: Policy, aspects: Sequence[Aspect]) -> str:
    """The parts asked for, each labelled, then the source."""
    lines = [f"【{policy.title}】"]
    lines += [f"{texts.POLICY_PART_LABELS[a.value]}：{policy.part(a)}" for a in aspects]
    lines.append(render_source(policy))
    return "\n".join(lines)
