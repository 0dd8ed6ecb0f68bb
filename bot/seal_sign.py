"""The community's signing key: a local CA made on first run (or district-issued files), PAdES sign/check."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot import texts

CA_KEY, CA_CERT = "ca.key.pem", "ca.cert.pem"
SIGN_KEY, SIGN_CERT = "seal.key.pem", "seal.cert.pem"


class SealSetupError(Exception):
    """The signing key, certificate or font cannot be used; said in one line."""


@dataclass(frozen=True)
class KeyFiles:
    """The signing key, its certificate and the CA certificates that verification trusts."""

    key: Path
    cert: Path
    trusted: tuple[Path, ...]


def _name(common: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def create_local_ca(folder: Path, community: str, now: datetime | None = None) -> KeyFiles:
    """Make a CA and a signing certificate it issued, once; later calls reuse them."""
    files = KeyFiles(folder / SIGN_KEY, folder / SIGN_CERT, (folder / CA_CERT,))
    if files.key.is_file() and files.cert.is_file() and files.trusted[0].is_file():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(texts.CERT_CA_NAME.format(community=community), community)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650 * 2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(texts.CERT_SIGNER_NAME.format(community=community), community))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_private(folder / CA_KEY, _pem_key(ca_key))
    _write_private(files.key, _pem_key(key))
    files.trusted[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return files


def _load_cert(path: Path) -> Any:
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(str(path))


class Seal:
    """Signs certificate PDFs with PAdES and checks signatures against the trusted CA."""

    def __init__(self, files: KeyFiles) -> None:
        for p in (files.key, files.cert, *files.trusted):
            if not p.is_file():
                raise SealSetupError(f"seals: no such file {p}")
        self.files = files

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """The PDF with a PAdES signature over all of it."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        signer = signers.SimpleSigner.load(
            str(self.files.key), str(self.files.cert),
            ca_chain_files=tuple(str(p) for p in self.files.trusted))
        if signer is None:
            raise SealSetupError("seals: the signing key or certificate cannot be read")
        meta = signers.PdfSignatureMetadata(
            field_name="CommunitySeal", md_algorithm="sha256", reason=reason, location=location,
            subfilter=fields.SigSeedSubFilter.PADES)
        out = io.BytesIO()
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer, output=out)
        return out.getvalue()

    def check(self, data: bytes) -> str | None:
        """None when the file carries our valid signature over every byte; else why not (English key)."""
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        try:
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            sigs = reader.embedded_signatures
        except Exception:
            return "unreadable"
        if len(sigs) != 1:
            return "unsigned" if not sigs else "modified"
        context = ValidationContext(trust_roots=[_load_cert(p) for p in self.files.trusted])
        try:
            status = validate_pdf_signature(sigs[0], context)
        except Exception:
            return "modified"
        if not (status.intact and status.valid):
            return "modified"
        if not status.trusted:
            return "untrusted"
        from pyhanko.sign.validation import SignatureCoverageLevel

        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            return "modified"  # bytes were added after signing
        return None


def sha256(data: bytes) -> str:
    """The hex SHA-256 of a file's bytes (how an issued certificate is found again)."""
    return hashlib.sha256(data).hexdigest()
