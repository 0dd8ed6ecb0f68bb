"""云盖章 use cases: request, approve (issue), reject, revoke, verify."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from domain.errors import (
    InvalidTransition,
    InvalidValue,
    NotAllowed,
    NotApprover,
    NotFound,
    NotVerifiedResident,
    ViewOnly,
)
from domain.ports import UnitOfWork
from domain.residents import Resident
from domain.seals import (
    Certificate,
    SealApproved,
    SealDecision,
    SealRejected,
    SealRequest,
    SealRequested,
    SealStatus,
    SealTemplateRule,
    new_code,
)
from domain.staff import Staff

# Makes the signed PDF of an approved request with its code: (request, code, now) → bytes.
Issuer = Callable[[SealRequest, str, datetime], bytes]
MAX_REASON = 300


@dataclass(frozen=True)
class Verification:
    """What a verification may tell: the certificate and the request it certifies."""

    certificate: Certificate
    request: SealRequest


def request_certificate(
    uow: UnitOfWork, rule: SealTemplateRule, resident: Resident, facts: dict[str, str], *,
    requested_by: str, chat_id: int | None, now: datetime, prefix: str,
    due: Callable[[datetime, float], datetime],
) -> SealRequest:
    """File a request about a verified resident ("resident" asks for themselves, or a staff code)."""
    if resident.id is None or not resident.verified:
        raise NotVerifiedResident()
    if requested_by == "resident":
        if "resident" not in rule.requesters:
            raise NotAllowed()
    else:
        staff = uow.staff.get(requested_by)
        if staff is None or not staff.active or "staff" not in rule.requesters:
            raise NotAllowed()
    for key in ("purpose", "used_at"):
        if not facts.get(key, "").strip():
            raise InvalidValue(key, "不能为空")
    number = uow.reports.next_number(prefix, now)  # the shared per-day counter, prefix ZM
    request = SealRequest(number=number, template=rule.code, resident_id=resident.id,
                          facts=dict(facts), requested_by=requested_by, chat_id=chat_id,
                          created_at=now, due_at=due(now, rule.days))
    uow.seals.add(request)
    uow.seals.record(SealDecision(number, requested_by, "requested", now))
    uow.publish(SealRequested(number))
    return request


def approver(uow: UnitOfWork, rule: SealTemplateRule, *, user_id: int | None = None,
             code: str | None = None) -> Staff:
    """The staff member deciding, checked: active, and of a role that approves this kind."""
    staff = uow.staff.by_user(user_id) if user_id is not None else uow.staff.get(code or "")
    if staff is not None and staff.active and staff.read_only:
        raise ViewOnly(rule.code)  # a city account without a role looks, never decides
    if staff is None or not staff.active or staff.role not in rule.approvers:
        raise NotApprover()
    return staff


def pending(uow: UnitOfWork, number: str) -> SealRequest:
    """A request still waiting for a decision."""
    request = uow.seals.get(number)
    if request is None:
        raise NotFound(number)
    if request.status != SealStatus.PENDING:
        raise InvalidTransition(number)
    return request


def approve(uow: UnitOfWork, number: str, staff: Staff, issue: Issuer, now: datetime) -> Certificate:
    """Approve: issue the signed certificate with a fresh random code, keep it, audit it."""
    request = pending(uow, number)
    code = new_code()
    while uow.seals.certificate(code=code) is not None:  # a clash is astronomically rare
        code = new_code()
    pdf = issue(request, code, now)
    cert = Certificate(number=number, code=code, sha256=hashlib.sha256(pdf).hexdigest(), issued_at=now)
    uow.seals.add_certificate(cert, pdf)
    request.status, request.decided_by, request.decided_at = SealStatus.APPROVED, staff.code, now
    uow.seals.save(request)
    uow.seals.record(SealDecision(number, staff.code, "approved", now, cert.sha256))
    uow.publish(SealApproved(number))
    return cert


def reject(uow: UnitOfWork, number: str, staff: Staff, reason: str, now: datetime) -> SealRequest:
    """Reject with a reason the resident is told."""
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise InvalidValue("reason", "不能为空")
    request = pending(uow, number)
    request.status, request.decided_by, request.decided_at = SealStatus.REJECTED, staff.code, now
    request.reason = reason
    uow.seals.save(request)
    uow.seals.record(SealDecision(number, staff.code, "rejected", now))
    uow.publish(SealRejected(number))
    return request


def revoke(uow: UnitOfWork, number: str, staff_code: str, reason: str, now: datetime) -> Certificate:
    """Revoke an issued certificate: from now on every verification says so."""
    staff = uow.staff.get(staff_code)
    if staff is None or not staff.active:
        raise NotAllowed()
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise InvalidValue("reason", "不能为空")
    cert = uow.seals.certificate(number=number)
    if cert is None:
        raise NotFound(number)
    if cert.revoked:
        raise InvalidTransition(number)
    cert.revoked, cert.revoked_at, cert.revoked_reason = True, now, reason
    uow.seals.save_certificate(cert)
    uow.seals.record(SealDecision(number, staff.code, "revoked", now, cert.sha256))
    return cert


def verify(uow: UnitOfWork, *, code: str | None = None, sha256: str | None = None) -> Verification | None:
    """The certificate with this code (or exactly these file bytes), or None: never issued here."""
    cert = uow.seals.certificate(code=code) if code else uow.seals.certificate(sha256=sha256)
    if cert is None:
        return None
    request = uow.seals.get(cert.number)
    return Verification(cert, request) if request is not None else None
