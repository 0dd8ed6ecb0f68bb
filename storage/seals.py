"""云盖章 tables and repository: requests (facts encrypted), certificates (PDF encrypted), decisions."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, and_, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.seals import Certificate, SealDecision, SealRequest, SealStatus
from domain.worklist import Backlog
from storage.bulk import among
from storage.crypto import Crypto
from storage.models import Base
from storage.scope import Scoped


class SealRequestRow(Scoped, Base):
    __tablename__ = "seal_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    template: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[int] = mapped_column(Integer, index=True)
    facts_enc: Mapped[bytes] = mapped_column(LargeBinary)  # name, ID number, address, purpose …
    requested_by: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class CertificateRow(Scoped, Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(ForeignKey("seal_requests.number"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_enc: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]
    revoked_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class SealDecisionRow(Base):
    """Every decision on a request: who, when, what, and the hash of the certificate it issued."""

    __tablename__ = "seal_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    sha256: Mapped[str] = mapped_column(String(64), default="")


class SqlSealRepository:
    """Repositories never commit: the unit of work does."""

    def __init__(self, session: Session, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    def _fill(self, row: SealRequestRow, r: SealRequest) -> None:
        c = self.crypto
        row.number, row.template, row.resident_id = r.number, r.template, r.resident_id
        row.facts_enc = c.encrypt(json.dumps(r.facts, ensure_ascii=False)) or b""
        row.requested_by, row.chat_id = r.requested_by, r.chat_id
        row.created_at, row.due_at, row.status = r.created_at, r.due_at, r.status.value
        row.decided_by, row.decided_at = r.decided_by, r.decided_at
        row.reason_enc = c.encrypt(r.reason) if r.reason else None

    def _request(self, row: SealRequestRow) -> SealRequest:
        c = self.crypto
        return SealRequest(
            number=row.number, template=row.template, resident_id=row.resident_id,
            facts=json.loads(c.decrypt(row.facts_enc) or "{}"), requested_by=row.requested_by,
            chat_id=row.chat_id, created_at=row.created_at, due_at=row.due_at,
            status=SealStatus(row.status), decided_by=row.decided_by, decided_at=row.decided_at,
            reason=c.decrypt(row.reason_enc) or "", id=row.id, community=row.community or "")

    def add(self, request: SealRequest) -> None:
        """Add a new request."""
        row = SealRequestRow()
        self._fill(row, request)
        self.session.add(row)
        self.session.flush()
        request.id = row.id

    def save(self, request: SealRequest) -> None:
        """Write a changed request."""
        row = self.session.scalars(select(SealRequestRow).where(SealRequestRow.number == request.number)).one()
        self._fill(row, request)

    def get(self, number: str) -> SealRequest | None:
        """A request by number."""
        row = self.session.scalars(select(SealRequestRow).where(SealRequestRow.number == number)).first()
        return self._request(row) if row else None

    def add_certificate(self, cert: Certificate, pdf: bytes) -> None:
        """Keep an issued certificate, its signed PDF encrypted."""
        row = CertificateRow(pdf_enc=self.crypto.encrypt_bytes(pdf))
        self._fill_cert(row, cert)
        self.session.add(row)
        self.session.flush()
        cert.id = row.id

    def _fill_cert(self, row: CertificateRow, cert: Certificate) -> None:
        row.number, row.code, row.sha256, row.issued_at = cert.number, cert.code, cert.sha256, cert.issued_at
        row.revoked, row.revoked_at = cert.revoked, cert.revoked_at
        row.revoked_reason_enc = self.crypto.encrypt(cert.revoked_reason) if cert.revoked_reason else None

    def save_certificate(self, cert: Certificate) -> None:
        """Write a changed certificate (revocation)."""
        row = self.session.scalars(select(CertificateRow).where(CertificateRow.number == cert.number)).one()
        self._fill_cert(row, cert)

    def _cert_row(self, number: str | None, code: str | None, sha256: str | None) -> CertificateRow | None:
        q = select(CertificateRow)
        if number is not None:
            q = q.where(CertificateRow.number == number)
        elif code is not None:
            q = q.where(CertificateRow.code == code)
        elif sha256 is not None:
            q = q.where(CertificateRow.sha256 == sha256)
        else:
            return None
        return self.session.scalars(q).first()

    def certificate(self, *, number: str | None = None, code: str | None = None,
                    sha256: str | None = None) -> Certificate | None:
        """The certificate by request number, verification code or file hash."""
        row = self._cert_row(number, code, sha256)
        if row is None:
            return None
        return Certificate(number=row.number, code=row.code, sha256=row.sha256, issued_at=row.issued_at,
                           revoked=row.revoked, revoked_at=row.revoked_at,
                           revoked_reason=self.crypto.decrypt(row.revoked_reason_enc) or "", id=row.id)

    def pdf(self, number: str) -> bytes | None:
        """The signed PDF of an issued certificate."""
        row = self._cert_row(number, None, None)
        return self.crypto.decrypt_bytes(row.pdf_enc) if row else None

    def record(self, decision: SealDecision) -> None:
        """Audit one decision."""
        self.session.add(SealDecisionRow(number=decision.number, actor=decision.actor,
                                         action=decision.action, at=decision.at, sha256=decision.sha256))

    def decisions(self, number: str) -> list[SealDecision]:
        """The decisions on a request, oldest first."""
        rows = self.session.scalars(select(SealDecisionRow).where(SealDecisionRow.number == number)
                                    .order_by(SealDecisionRow.id))
        return [SealDecision(r.number, r.actor, r.action, r.at, r.sha256) for r in rows]

    def pending_backlog(self, community: str | None = None) -> dict[tuple[str, str], Backlog]:
        """Requests waiting for a decision per (community, template), counted by the database."""
        row = SealRequestRow
        stmt = (select(row.community, row.template, func.count(), func.min(row.due_at))
                .where(row.status == SealStatus.PENDING.value).group_by(row.community, row.template))
        if community is not None:
            stmt = stmt.where(row.community == community)
        return {(c, t): Backlog(n, first) for c, t, n, first in self.session.execute(stmt)}

    def most_urgent_pending(self, templates: dict[str, frozenset[str]], limit: int) -> list[tuple[datetime, str]]:
        """(due, number) of the `limit` pending requests due first among these communities' templates
        (community → codes), nothing decrypted."""
        # Communities mostly share their templates: one condition per set of templates, not per community.
        groups: dict[frozenset[str], list[str]] = {}
        for community, codes in templates.items():
            if codes:
                groups.setdefault(codes, []).append(community)
        if not groups:
            return []
        row, dialect = SealRequestRow, self.session.get_bind().dialect.name
        which = or_(*(and_(among(row.community, sorted(cs), dialect), row.template.in_(sorted(codes)))
                      for codes, cs in groups.items()))
        stmt = (select(row.due_at, row.number).where(row.status == SealStatus.PENDING.value, which)
                .order_by(row.due_at, row.id.desc()).limit(limit))
        return [(due, number) for due, number in self.session.execute(stmt)]

    def many(self, numbers: list[str]) -> list[SealRequest]:
        """These requests, in no particular order."""
        if not numbers:
            return []
        return [self._request(r) for r in
                self.session.scalars(select(SealRequestRow).where(SealRequestRow.number.in_(numbers)))]

    def list(self, *, status: SealStatus | None = None, resident_id: int | None = None,
             limit: int = 50) -> list[SealRequest]:
        """Requests, newest first."""
        q = select(SealRequestRow).order_by(SealRequestRow.id.desc()).limit(limit)
        if status is not None:
            q = q.where(SealRequestRow.status == status.value)
        if resident_id is not None:
            q = q.where(SealRequestRow.resident_id == resident_id)
        return [self._request(r) for r in self.session.scalars(q)]
