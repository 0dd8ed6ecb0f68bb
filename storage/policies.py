"""The policies staff added (public texts: nothing here is personal, nothing is encrypted)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.policies import Policy
from storage.models import Base
from storage.scope import Scoped


class PolicyRow(Scoped, Base):
    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("community", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(Text)
    benefit: Mapped[str] = mapped_column(Text)
    documents: Mapped[str] = mapped_column(Text)
    apply: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    tags: Mapped[list[str]]
    estates: Mapped[list[str]]
    keywords: Mapped[list[str]]
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime]


class SqlPolicyRepository:
    """Staff-added policies; the library (bot/policy_library.py) reads these and config's together."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, policy: Policy) -> None:
        """Store a new policy (its code must be new: the caller checks config's codes too)."""
        self.session.add(PolicyRow(
            code=policy.code, title=policy.title, target=policy.target, benefit=policy.benefit,
            documents=policy.documents, apply=policy.apply, issuer=policy.issuer,
            issued_on=policy.issued_on, source=policy.source, tags=list(policy.tags),
            estates=list(policy.estates), keywords=list(policy.keywords), min_age=policy.min_age,
            max_age=policy.max_age, added_by=policy.added_by, added_at=policy.added_at))
        self.session.flush()

    def get(self, code: str) -> Policy | None:
        """One policy by its code."""
        row = self.session.scalars(select(PolicyRow).where(PolicyRow.code == code)).first()
        return _policy(row) if row else None

    def list(self) -> list[Policy]:
        """Every stored policy, oldest first."""
        return [_policy(r) for r in self.session.scalars(select(PolicyRow).order_by(PolicyRow.id))]

    def remove(self, code: str) -> bool:
        """Delete a policy; False when there was none with that code."""
        return bool(getattr(self.session.execute(delete(PolicyRow).where(PolicyRow.code == code)),
                            "rowcount", 0))

    def stamp(self) -> str:
        """A short fingerprint of what is stored: a search index built on another one is stale."""
        rows = self.session.execute(select(PolicyRow.code, PolicyRow.added_at).order_by(PolicyRow.id))
        joined = "|".join(f"{code}@{at.isoformat()}" for code, at in rows)
        return hashlib.sha256(joined.encode()).hexdigest()[:16]


def _policy(r: PolicyRow) -> Policy:
    return Policy(
        code=r.code, title=r.title, target=r.target, benefit=r.benefit, documents=r.documents,
        apply=r.apply, issuer=r.issuer, issued_on=r.issued_on, source=r.source,
        tags=tuple(r.tags or ()), estates=tuple(r.estates or ()), keywords=tuple(r.keywords or ()),
        min_age=r.min_age, max_age=r.max_age, origin="staff", added_by=r.added_by,
        added_at=r.added_at)
