"""云盖章: certificate requests, issued certificates, their codes and what verification may show."""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.events import Event

# No 0/O/1/I/L: a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8e14: guessing one is hopeless at a few tries a minute


class SealStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SealTemplateRule:
    """What the domain needs of a template: who may ask for it and who may approve it."""

    code: str
    name: str
    requesters: tuple[str, ...]  # "resident", "staff"
    approvers: tuple[str, ...]  # staff roles
    days: float


@dataclass
class SealRequest:
    """One request for a stamped certificate; `facts` are the certified values, held encrypted."""

    number: str
    template: str
    resident_id: int
    facts: dict[str, str]  # name, id_number, address, purpose, used_at, template fields
    requested_by: str  # "resident" or a staff code
    chat_id: int | None
    created_at: datetime
    due_at: datetime
    status: SealStatus = SealStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""  # why it was rejected (told to the resident)
    id: int | None = None
    community: str = ""  # the 村社 it was filed in (its code; set by storage)


@dataclass
class Certificate:
    """An issued certificate: its public short code, the signed file's hash, revocation."""

    number: str  # the request's number, printed on the certificate as its serial
    code: str
    sha256: str
    issued_at: datetime
    revoked: bool = False
    revoked_at: datetime | None = None
    revoked_reason: str = ""
    id: int | None = None


@dataclass(frozen=True)
class SealDecision:
    """One audited decision: who, when, what, and the certificate's hash when one was issued."""

    number: str
    actor: str
    action: str  # requested | approved | rejected | revoked
    at: datetime
    sha256: str = ""


@dataclass(frozen=True)
class SealRequested(Event):
    number: str


@dataclass(frozen=True)
class SealApproved(Event):
    number: str


@dataclass(frozen=True)
class SealRejected(Event):
    number: str


def new_code() -> str:
    """A random, non-sequential verification code (from the OS's secure random source)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str | None:
    """The code as printed, whatever the case or spacing it was typed with; None if it cannot be one."""
    code = "".join(raw.split()).upper().replace("-", "")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def mask_certified_id(id_number: str) -> str:
    """3301**********1234: the verification answer names the person, not their whole number."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    return f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}"


def certificate_text(template_text: str, facts: dict[str, str]) -> str:
    """The certificate's wording with its placeholders filled (missing ones stay visible)."""

    class _Keep(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template_text.format_map(_Keep(facts))


@dataclass
class RateLimiter:
    """At most `limit` checks per client in a sliding window; a guesser is slowed to a crawl."""

    limit: int
    window: timedelta = timedelta(minutes=1)
    _hits: dict[str, deque[datetime]] = field(default_factory=dict)

    def allow(self, client: str, now: datetime) -> bool:
        """Count one check for the client; False when over the limit."""
        hits = self._hits.setdefault(client, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle clients so memory stays bounded
            for key in [k for k, v in self._hits.items() if not v or now - v[-1] >= self.window]:
                del self._hits[key]
        return True
