"""云盖章 wiring: templates from config, issuing signed PDFs, and what a verification may say."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.config import SealTemplate
from bot.seal_pdf import find_font, render
from bot.seal_sign import KeyFiles, Seal, create_local_ca, sha256
from domain.identity import mask_id_number
from domain.ports import UnitOfWork
from domain.residents import Resident
from domain.seals import RateLimiter, SealRequest, SealTemplateRule, certificate_text, mask_certified_id
from domain.usecases import seals as uc

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """A verification's outcome: genuine, revoked, forged/modified/unknown, or slowed down."""

    status: str  # genuine | revoked | unknown | modified | untrusted | unsigned | unreadable | limited
    facts: dict[str, str]  # only what the certificate itself states, the ID number masked

    @property
    def ok(self) -> bool:
        """Genuine and in force."""
        return self.status == "genuine"

    def text(self) -> str:
        """The Chinese answer for the chat and the page."""
        if self.status == "limited":
            return texts.VERIFY_SLOW
        if self.status == "genuine":
            return texts.VERIFY_GENUINE.format(**self.facts)
        if self.status == "revoked":
            return texts.VERIFY_REVOKED.format(**self.facts)
        return texts.VERIFY_UNKNOWN


class Certifier:
    """Everything the flows, CLI and page need for certificates, built from config once."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.config = app.config.seals
        self.limiter = RateLimiter(self.config.verify_per_minute)

    # -- templates -----------------------------------------------------------------
    def template(self, code: str) -> SealTemplate | None:
        """A template by code."""
        return next((t for t in self.app.config.seal_templates if t.code == code), None)

    def rule(self, code: str) -> SealTemplateRule:
        """What the domain needs of a template."""
        t = self.template(code)
        if t is None:
            raise KeyError(code)
        return SealTemplateRule(t.code, t.name, tuple(t.requesters), tuple(t.approvers), t.days)

    def find_template(self, text: str) -> SealTemplate | None:
        """The template a resident named ("我要开个居住证明" → 居住证明)."""
        for t in self.app.config.seal_templates:
            if t.name in text or any(a in text for a in t.aliases):
                return t
        return None

    def facts_of(self, resident: Resident) -> dict[str, str]:
        """The certified facts that come from the verified roster record."""
        from bot.cards import estate_name

        address = resident.address.label(estate_name(self.app, resident.address.estate))
        return {"name": resident.name, "id_number": resident.id_number or "", "address": address}

    def masked(self, facts: dict[str, str]) -> dict[str, str]:
        """The facts as shown for confirmation and on staff cards: the ID number masked."""
        return {**facts, "id_number": mask_id_number(facts.get("id_number", ""))}

    def request(self, uow: UnitOfWork, code: str, resident: Resident, extra: dict[str, str], *,
                requested_by: str, chat_id: int | None, now: datetime) -> SealRequest:
        """File a request: facts from the roster, the rest as collected."""
        return uc.request_certificate(
            uow, self.rule(code), resident, {**self.facts_of(resident), **extra},
            requested_by=requested_by, chat_id=chat_id, now=now, prefix=self.config.number_prefix,
            due=self.app.office_hours.add_working_days)

    # -- issuing -------------------------------------------------------------------
    @cached_property
    def seal(self) -> Seal:
        """The signing key: district-issued files when configured, else the local CA (made once)."""
        c = self.config
        if c.key_file and c.cert_file:
            trusted = tuple(Path(p) for p in c.chain_files) or (Path(c.cert_file),)
            return Seal(KeyFiles(Path(c.key_file), Path(c.cert_file), trusted))
        return Seal(create_local_ca(Path(c.ca_dir), self.app.config.community.name))

    def verify_url(self, code: str) -> str:
        """The page the QR code opens."""
        return self.config.verify_base_url.rstrip("/") + "/" + code

    def issue(self, request: SealRequest, code: str, now: datetime) -> bytes:
        """The signed certificate PDF of an approved request."""
        template = self.template(request.template)
        assert template is not None
        community = self.app.config.community.name
        body = certificate_text(template.text, {**request.facts, "community": community})
        pdf = render(community=community, title=template.name, body=body, number=request.number,
                     code=code, verify_url=self.verify_url(code), issued=now.astimezone(self.app.zone),
                     font_file=find_font(self.config.font_file))
        signed = self.seal.sign(pdf, reason=f"{community} {template.name}", location=community)
        log.info("certificate %s issued", request.number)
        return signed

    # -- verifying -----------------------------------------------------------------
    def _answer(self, found: uc.Verification | None) -> Answer:
        if found is None:
            return Answer("unknown", {})
        cert, request = found.certificate, found.request
        template = self.template(request.template)
        zone = self.app.zone
        facts = {
            "community": self.app.config.community.name,
            "template": template.name if template else request.template,
            "name": request.facts.get("name", ""),
            "id_number": mask_certified_id(request.facts.get("id_number", "")),
            "issued": texts.seal_date(cert.issued_at, zone),
            "number": cert.number,
            "revoked": texts.seal_date(cert.revoked_at, zone) if cert.revoked_at else "",
        }
        return Answer("revoked" if cert.revoked else "genuine", facts)

    def check_code(self, raw: str, client: str, now: datetime) -> Answer:
        """A verification by short code, rate-limited per client (chat user, IP address)."""
        from domain.seals import normalize_code

        if not self.limiter.allow(client, now):
            log.info("verification refused: rate limit")
            return Answer("limited", {})
        code = normalize_code(raw)
        with self.app.uow() as uow:
            answer = self._answer(uc.verify(uow, code=code) if code else None)
        log.info("verification by code: %s", answer.status)  # no code, no facts: nothing personal
        return answer

    def check_file(self, data: bytes) -> Answer:
        """A verification of the file itself: our signature over every byte, issued here, not revoked."""
        problem = self.seal.check(data)
        if problem is not None:
            log.info("verification of a file: %s", problem)
            return Answer(problem, {})
        with self.app.uow() as uow:
            answer = self._answer(uc.verify(uow, sha256=sha256(data)))
        log.info("verification of a file: %s", answer.status)
        return answer
