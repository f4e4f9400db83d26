"""The layout vocabulary of an email body, already translated: templates only arrange it.

Content builders turn answers into these; ``reply.txt`` and ``reply.html`` render the same blocks,
so the text and HTML parts always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Item:
    """One thing with details and, where there is one, its link (an invoice, a payment)."""

    title: str
    details: tuple[str, ...] = ()
    url: str | None = None
    url_label: str | None = None


@dataclass(frozen=True)
class ItemList:
    items: tuple[Item, ...]
    kind: str = "items"


@dataclass(frozen=True)
class Table:
    """Label and amount rows (a balance and its aging); amounts are right-aligned in HTML."""

    caption: str
    rows: tuple[tuple[str, str], ...]
    emphasised: tuple[int, ...] = ()  # row indexes shown in bold
    kind: str = "table"


@dataclass(frozen=True)
class Action:
    """A call to action: a button in HTML, the label and the plain URL in text."""

    label: str
    url: str
    kind: str = "action"


Block = Paragraph | ItemList | Table | Action


@dataclass(frozen=True)
class Section:
    heading: str | None
    blocks: tuple[Block, ...]
