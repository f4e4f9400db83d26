"""Documents: verification codes, the facts a copy or an e-invoice states, payment references
and QR payloads, the e-invoice builders and what each format requires.

Builders live in ``core`` so the bot decides (can this invoice go out as XRechnung?) and the
portal serves from the same code.
"""

from core.documents.codes import ALPHABET, GROUP_SIZE, GROUPS, new_code, normalize

__all__ = ["ALPHABET", "GROUPS", "GROUP_SIZE", "new_code", "normalize"]
