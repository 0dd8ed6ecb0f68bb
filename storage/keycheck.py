"""Is the configured secret key the one this database was written with?"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.crypto import Crypto, KeyError_
from storage.models import KeyCheckRow

_TOKEN = "cunshe-key-check-v1"


def key_matches(sessions: sessionmaker[Session], crypto: Crypto) -> bool:
    """True if the key decrypts this database's check value (stored on first use)."""
    with sessions() as session:
        row = session.get(KeyCheckRow, 1)
        if row is None:
            session.add(KeyCheckRow(id=1, token_enc=crypto.encrypt(_TOKEN) or b""))
            try:
                session.commit()
                return True
            except IntegrityError:  # another worker starting at the same moment wrote it first
                session.rollback()
                row = session.get(KeyCheckRow, 1)
                assert row is not None
        try:
            return crypto.decrypt(row.token_enc) == _TOKEN
        except (InvalidTag, KeyError_):
            return False
