"""Verification codes: made in ``core.documents`` (the sync stores ERP originals with them too);
imported from here by the portal's views."""

from core.documents import ALPHABET, GROUP_SIZE, GROUPS, new_code, normalize

__all__ = ["ALPHABET", "GROUPS", "GROUP_SIZE", "new_code", "normalize"]
