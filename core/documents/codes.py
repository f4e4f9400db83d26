"""Verification codes: short, unambiguous, random — printed on or shown beside every document.

They live in ``core`` because every package that stores a document needs them: the portal when
it renders one, the connectors' sync when it stores an ERP's original.
"""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I: codes are read off paper and typed in.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 3, 4  # 60 random bits: not guessable, short enough to type


def new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_SIZE)) for _ in range(GROUPS))
    return "-".join(groups)


def normalize(text: str) -> str | None:
    """The stored form of a code as someone typed it (case, spaces and dashes forgiven)."""
    compact = re.sub(r"[\s\-]", "", text.upper())
    if len(compact) != GROUPS * GROUP_SIZE or any(c not in ALPHABET for c in compact):
        return None
    return "-".join(compact[i : i + GROUP_SIZE] for i in range(0, len(compact), GROUP_SIZE))
