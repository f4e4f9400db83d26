"""The suppression list: addresses forgotten on request, which nothing may add back.

Stored as HMAC-SHA256 of the normalised address under a key kept for the purpose
(``core.models.suppression``). Why a keyed hash and not the address: the list exists to answer
"is this incoming address one we forgot?", which needs the address in hand, never to list them;
a plain SHA-256 of an address can be reversed by hashing guesses (names at a known domain), a
keyed one only by whoever also holds the key. The key is in the database rather than a setting so
that it is the same for every process and survives a rotation of ``ARDESK_SECRET_KEY`` (a changed
key would silently empty the list); the cost is that a copy of the whole database holds both, and
then an address can still be confirmed by guessing it, though the list never reads back as one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.models import SuppressedAddress, SuppressionKey, utcnow

SUPPRESSED = SuppressedAddress.__table__


def normalised(address: str) -> str:
    return (address or "").strip().lower()


class Suppression:
    """Digests under the stored key; one instance per transaction or batch."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def load(cls, conn: Session | Connection) -> Suppression:
        key = conn.execute(select(SuppressionKey.key).order_by(SuppressionKey.id).limit(1))
        stored = key.scalar_one_or_none()
        if stored is None:
            raise RuntimeError("no suppression key: run `ardesk init`")
        return cls(bytes.fromhex(stored))

    def digest(self, address: str) -> str:
        return hmac.new(self._key, normalised(address).encode(), hashlib.sha256).hexdigest()

    def suppressed(
        self, conn: Session | Connection, pairs: Iterable[tuple[int, str]]
    ) -> set[tuple[int, str]]:
        """Which of these (account id, address) pairs are on the list, for that account or all."""
        by_digest: dict[str, list[tuple[int, str]]] = {}
        for account_id, address in pairs:
            by_digest.setdefault(self.digest(address), []).append((account_id, address))
        found: set[tuple[int, str]] = set()
        digests = list(by_digest)
        for start in range(0, len(digests), 500):
            part = digests[start : start + 500]
            rows = conn.execute(
                select(SUPPRESSED.c.digest, SUPPRESSED.c.account_id).where(
                    SUPPRESSED.c.digest.in_(part)
                )
            )
            for digest, account_id in rows:
                found.update(pair for pair in by_digest[digest] if account_id in (None, pair[0]))
        return found

    def is_suppressed(self, conn: Session | Connection, account_id: int, address: str) -> bool:
        return bool(self.suppressed(conn, [(account_id, address)]))

    def listed(self, conn: Session | Connection, address: str) -> bool:
        """Whether the address is on the list for any account."""
        query = select(SUPPRESSED.c.id).where(SUPPRESSED.c.digest == self.digest(address))
        return conn.execute(query.limit(1)).first() is not None

    def add(self, session: Session, address: str, account_id: int | None) -> bool:
        """Put the address on the list (for one account, or every one); False if it was."""
        digest = self.digest(address)
        query = select(SuppressedAddress.id).where(SuppressedAddress.digest == digest)
        if account_id is None:
            query = query.where(SuppressedAddress.account_id.is_(None))
        else:
            query = query.where(
                or_(
                    SuppressedAddress.account_id.is_(None),
                    SuppressedAddress.account_id == account_id,
                )
            )
        if session.scalar(query.limit(1)) is not None:
            return False
        session.add(SuppressedAddress(digest=digest, account_id=account_id, created_at=utcnow()))
        session.flush()
        return True

    def lift(self, session: Session, address: str, account_id: int) -> int:
        """Take the address off the list for this account (and off an every-account entry,
        which the other accounts then no longer have either); returns rows removed."""
        result = session.execute(
            delete(SuppressedAddress)
            .where(
                SuppressedAddress.digest == self.digest(address),
                or_(
                    SuppressedAddress.account_id.is_(None),
                    SuppressedAddress.account_id == account_id,
                ),
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0
