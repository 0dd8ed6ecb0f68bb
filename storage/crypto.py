"""Personal data at rest: AES-GCM encryption and keyed-hash lookups (cryptography)."""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"


class KeyError_(Exception):
    """The secret key is missing or unusable."""


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cunshe", info=purpose).derive(secret)


class Crypto:
    """Encrypts personal fields and makes keyed hashes for lookups; one secret, two keys."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise KeyError_("CUNSHE_SECRET_KEY must be at least 16 characters")
        raw = secret.encode("utf-8")
        self._aead = AESGCM(_derive(raw, b"pii-encryption"))
        self._index_key = _derive(raw, b"pii-lookup-index")

    def encrypt(self, value: str | None) -> bytes | None:
        """Ciphertext of a text value (None stays None)."""
        if value is None:
            return None
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, value.encode("utf-8"), None)

    def decrypt(self, blob: bytes | None) -> str | None:
        """The text back from `encrypt`."""
        if blob is None:
            return None
        if blob[:1] != _VERSION:
            raise KeyError_("unknown ciphertext version")
        return self._aead.decrypt(blob[1:13], blob[13:], None).decode("utf-8")

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Ciphertext of a file's bytes (a signed certificate kept at rest)."""
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, None)

    def decrypt_bytes(self, blob: bytes) -> bytes:
        """The bytes back from `encrypt_bytes`."""
        if blob[:1] != _VERSION:
            raise KeyError_("unknown ciphertext version")
        return self._aead.decrypt(blob[1:13], blob[13:], None)

    def lookup_hash(self, value: str | None) -> str | None:
        """Keyed hash for equality lookups (phone, ID number); not reversible without the key."""
        if value is None:
            return None
        # hmac.digest: the same HMAC-SHA256 in one C call (a roster import makes five per row)
        return hmac.digest(self._index_key, value.encode("utf-8"), "sha256").hex()

    def name_id4_hash(self, name: str | None, id_number: str | None) -> str | None:
        """Keyed hash of a name with the last 4 of an ID number (家属代办 lookups); None if either is missing."""
        name = "".join((name or "").split())
        tail = "".join((id_number or "").split())[-4:].upper()
        if not name or len(tail) < 4:
            return None
        return self.lookup_hash(f"{name}|{tail}")


def local_secret(path: Path) -> str:
    """Read, or create once with 0600, the key file of a local embedded install."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    return key
