"""Forged tokens for the refusal tests."""

from __future__ import annotations


def tampered(token: str) -> str:
    """The token with one character of its signature changed.

    The first character of the signature carries six whole bits. The last one of a 20-byte
    signature carries only four, so changing it to a neighbour (``w`` to ``x``) can decode to the
    same bytes, a forgery no signer can tell from the original.
    """
    head, _, signature = token.rpartition(".")
    changed = "B" if signature[0] == "A" else "A"
    return f"{head}.{changed}{signature[1:]}"
