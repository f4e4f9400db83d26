"""Invoice and purchase-order references the sender asks about, written as in the message.

A number is a reference when something says so: a cue word before it ("invoice", "Rechnung",
"n°" ...), an ERP prefix (INV-, SI-, FT ...), a list it continues ("invoices 1043, 1047 and 1052"),
an invoice column in a remittance table, a request verb ("can you resend 2026-0487"), or a format
the caller knows for the account. Phone numbers, IBANs, VAT ids, dates, amounts, tickets, delivery
notes and the like are masked or recognised by their own cue and never count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from intents.cues import (
    ACKNOWLEDGEMENTS,
    COPY_VERBS,
    DISMISSALS,
    INVOICE_CUES,
    INVOICE_PREFIXES,
    OTHER_CUES,
    PO_CUES,
    PO_PREFIXES,
    REQUEST_VERBS,
)
from intents.tables import invoice_cells

INVOICE = "invoice"
PO = "po"
OTHER = "other"

# A code: an optional series prefix, digits with - / . separators (a letter may close a group, as
# in "2025B/118"), an optional -SUFFIX. A prefix is letters, up to three parts ("INV-UK-", "S-INV",
# "FV/"), joined to the digits by - or / or nothing ("inv-10423" in chat too), or an uppercase
# series and a space before a separated number ("FR 2025B/118", "FT 2026/0457").
_CODE = re.compile(
    r"(?<![\w@/.\-])"
    r"(?:(?P<prefix>[A-Za-z]{1,5}(?:[-/][A-Za-z]{1,5}){0,2}(?=[-/]?\d)"
    r"|[A-Z]{1,5} [A-Z]{1,3}(?=/\d)|[A-Z]{1,5}(?= \d{1,12}[A-Z]?[-/]\d))(?P<sep>[-/ ]?))?"
    # "2026 0481": a year and a serial written apart
    r"(?P<num>(?:(?:19|20)\d\d (?=\d{3,6}(?![\w.,]|[-/]\d)))?"
    r"\d{1,20}(?:[A-Z]{0,2}[-/.](?:[A-Z]{1,3}[-/.])?\d{1,20}){0,6})"
    r"(?P<suffix>-[A-Z]{2,8}|/[A-Z]{1,2})?"
    r"(?![\w@]|[-/.]\w)"
)

_MASKS = (
    # Every quantifier below is bounded or anchored, so a pattern never rescans a long run of
    # characters from each position in it: the work stays linear in the text's length.
    re.compile(r"[^\s@]{1,64}@\S{1,255}|https?://\S{1,2000}|www\.\S{1,2000}"),
    # IBAN, VAT ids (country code + digits), phone numbers with a leading + or (area)
    re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
    re.compile(r"\b(?:GB|DE|FR|NL|IT|ES|PT|BE|AT|IE|LU)[ ]?\d[\d .]{7,14}\d(?:B\d\d)?\b"),
    re.compile(r"(?:\+|\(0\)|\(\d{2,4}\))[\d ()./-]{6,}\d"),
    re.compile(r"(?<![\w-])\d{2,4}[ .-]\d{2,4}[ .-]\d{2,4}(?:[ .-]\d{1,4})*(?![\w/])"),
    # amounts: currency next to a number, or thousands groups, or two decimals
    re.compile(
        r"(?:[$€£]|\b(?:USD|EUR|GBP|CHF)\b)\s?-?\d{1,3}(?:[.,' ]?\d{3}){0,6}(?:[.,]\d{1,2})?"
        r"|(?<![\d.,'])\d{1,3}(?:[.,' ]?\d{3}){0,6}(?:[.,]\d{1,2})?\s?"
        r"(?:[$€£]|\b(?:USD|EUR|GBP|CHF)\b)"
    ),
    re.compile(
        r"(?<![\d.,])\d{1,3}(?:[.,' ]\d{3}){1,6}(?:[.,]\d{2})(?![\d])"
        r"|(?<![\d.,/-])\d{1,15}[.,]\d{2}(?![\d.,/-])"
    ),
    # percentages, times, measurements
    re.compile(r"(?<!\d)\d{1,12}(?:[.,]\d{1,6})?\s?(?:%|hrs?\b|h\b|kg\b|mm\b|cm\b|m²|ml\b|pcs\b)"),
    re.compile(r"\b\d{1,2}:\d{2}\b"),
)

_FILLER = (
    r"(?:[ \t:#.\-–(]|no\.?|nr\.?|n[°º.]\.?|nº|n\.º|num\.?|number|nummer|numéro|número|numero)*"
    r"(?::[ \t]*\n[\s\-•*]*)?"
)


def _cue_regex(words: Sequence[str]) -> str:
    return "|".join(words)


_CUE_AT_END = re.compile(
    rf"(?:^|[^\w])(?:(?P<inv>{_cue_regex(INVOICE_CUES)})|(?P<po>{_cue_regex(PO_CUES)})"
    rf"|(?P<other>{_cue_regex(OTHER_CUES)})){_FILLER}\Z",
    re.IGNORECASE,
)
# Words that may stand between a verb and its number: "send us the 2026-0487", "nos falta la 0522".
_BETWEEN = (
    r"(?:(?:me|us|them|over|again|also|the|through|uns|mir|die|der|den|das|nochmal|nous|moi|la|le"
    r"|les|l'|nos|me|el|los|las|ons|mij|de|het|ci|il|lo|i|gli|a|o|os|as)\s+){0,4}"
)
_VERB_AT_END = re.compile(
    rf"\b(?:{_cue_regex(REQUEST_VERBS)})\s+{_BETWEEN}\Z",
    re.IGNORECASE,
)
_COPY_VERB_AT_END = re.compile(rf"\b(?:{_cue_regex(COPY_VERBS)})\s+{_BETWEEN}\Z", re.IGNORECASE)
# Languages that put the verb last: "kannst du mir die 88210 nochmal schicken?"
_COPY_VERB_AFTER = re.compile(
    rf"\A[^.!?\n\d]{{0,30}}?\b(?:{_cue_regex(COPY_VERBS)})\b", re.IGNORECASE
)
# A number followed by what it is, in brackets: "1400031877 (Zahlungsbeleg)".
_OTHER_AFTER = re.compile(
    r"[ \t]{0,3}\([ \t]{0,3}(?:zahlungsbeleg|zahlung|payment|cheque|check|ticket|trace|avis"
    r"|remittance|pago|paiement|virement|bonifico|pagamento|betaling|customer|kunde|client)",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(
    r"^[\s\]\)]*(?:[,;&+/]|and|und|et|y|e|en|or|ou|o|oder|as well as|plus|\n)?[\s\-•*]*"
    r"(?:(?:invoices?|inv\.?|rechnung|facture|factura|factuur|fattura|fatura)\s*)?"
    r"(?:n[°º.]?\s*|nr\.?\s*|no\.?\s*|#\s*)?\Z",
    re.IGNORECASE,
)
_DISMISSAL = re.compile("|".join(DISMISSALS), re.IGNORECASE)
_ACKNOWLEDGED = re.compile("|".join(ACKNOWLEDGEMENTS), re.IGNORECASE)
# Sentences end at . ! ? ; and new lines; a "but" starts a clause of its own ("we have 3301, but
# 3312 is missing").
_SENTENCE_END = re.compile(
    r"[.!?](?=\s[A-ZÀ-Ý¿¡]|\s\s[A-ZÀ-Ý¿¡])|;|\n"
    r"|,?[ \t]{1,3}(?=(?:but|pero|aber|mais|maar|ma|mas|however|jedoch)\b)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"^(?:19[89]\d|20[0-4]\d)$")


@dataclass(frozen=True, slots=True)
class References:
    invoices: tuple[str, ...] = ()
    purchase_orders: tuple[str, ...] = ()
    #: Bare numbers nothing marks as a reference or as something else ("0102", "2026-0102"):
    #: the bot confirms them against the sender's own account, where they are known or not.
    candidates: tuple[str, ...] = ()


class _Spans:
    """Sorted, non-overlapping spans; `offset in spans` in logarithmic time."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._ends = [end for _, end in ordered]

    def __contains__(self, offset: int) -> bool:
        return self.span_at(offset) is not None

    def span_at(self, offset: int) -> tuple[int, int] | None:
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self._ends[index]:
            return self._starts[index], self._ends[index]
        return None


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    text: str
    prefix: str
    num: str
    kind: str | None = None


def extract(text: str, invoice_patterns: Iterable[str] = ()) -> References:
    """Find the invoice and PO references in a message's new text (and usable subject)."""
    if not _DIGIT.search(text):
        return References()
    masked = _mask(text)
    patterns = [re.compile(pattern) for pattern in invoice_patterns]
    table_cells = _Spans(invoice_cells(text))
    candidates: list[_Candidate] = []
    previous: _Candidate | None = None
    for match in _CODE.finditer(masked):
        cell = table_cells.span_at(match.start())
        if cell and candidates and candidates[-1].start >= cell[0]:
            continue  # the cell is one reference, already taken whole
        start, end = cell or (match.start(), match.end())
        candidate = _Candidate(
            start=start,
            end=end,
            text=text[start:end].strip(),
            prefix=match.group("prefix") or "",
            num=match.group("num"),
        )
        if _is_date(candidate.num) and not candidate.prefix and not cell:
            previous = None
            continue
        candidate.kind = _classify(masked, candidate, previous, patterns, table_cells)
        candidates.append(candidate)
        previous = candidate
    _accept_same_shape(candidates)
    if not candidates:
        return References()
    dismissed = _Spans(_sentences_with(_DISMISSAL, masked))
    invoices = [c for c in candidates if c.kind == INVOICE and c.start not in dismissed]
    # "We have A and B, but C never arrived": when some reference is not acknowledged as
    # received, only those are asked for. Alone, "we've received A but the price is wrong" is.
    acknowledged = _Spans(_sentences_with(_ACKNOWLEDGED, masked))
    asked = [c for c in invoices if c.start not in acknowledged]
    pos = [c.text for c in candidates if c.kind == PO]
    chosen = asked or invoices
    bare = [
        c.text
        for c in candidates
        if c.kind is None
        and c.start not in dismissed
        and (_plausible_bare(c.num) or (c.prefix and sum(ch.isdigit() for ch in c.num) >= 3))
    ]
    return References(
        invoices=_unique(c.text for c in chosen),
        purchase_orders=_unique(pos),
        candidates=_unique(bare),
    )


def _classify(
    masked: str,
    candidate: _Candidate,
    previous: _Candidate | None,
    patterns: Sequence[re.Pattern[str]],
    table_cells: _Spans,
) -> str | None:
    window = masked[max(0, candidate.start - 48) : candidate.start]
    cue = _CUE_AT_END.search(window)
    cue_kind = None
    if cue:
        cue_kind = INVOICE if cue.group("inv") else PO if cue.group("po") else OTHER
    if cue_kind == OTHER or _OTHER_AFTER.match(masked, candidate.end, candidate.end + 40):
        return OTHER
    if any(pattern.fullmatch(candidate.text) for pattern in patterns):
        return INVOICE
    if candidate.start in table_cells:
        return INVOICE  # the invoice-number column of a remittance table
    if cue_kind == INVOICE:
        weak = re.search(r"cop(?:y|ies)|kopie", cue.group("inv") or "", re.IGNORECASE)
        digits = sum(ch.isdigit() for ch in candidate.num)
        bare_and_weak = weak and not candidate.prefix and not _plausible_bare(candidate.num)
        if digits < 3 or bare_and_weak:  # "invoices for Q3", "copy of 2"
            return None
    if cue_kind:
        return cue_kind
    series = _series(candidate.prefix)
    if series:
        return series
    if candidate.prefix:
        # An unknown prefix (GS-, PSI-, CN-, Q- ...) needs a cue or a copy request right before it,
        # or continues a list of its own series ("Rechnungen AH-26-0771 und AH-26-0790").
        if _COPY_VERB_AT_END.search(window) and _plausible_bare(candidate.num):
            return INVOICE
        if _continues(masked, previous, candidate) and previous.prefix.upper() == (
            candidate.prefix.upper()
        ):
            return previous.kind
        return None
    if _continues(masked, previous, candidate):
        return previous.kind
    if window.endswith("#") and not _plausible_year(candidate.num):
        return INVOICE
    if _VERB_AT_END.search(window) and _plausible_bare(candidate.num):
        return INVOICE
    after = masked[candidate.end : candidate.end + 48]
    if _COPY_VERB_AFTER.match(after) and _plausible_bare(candidate.num):
        return INVOICE
    return None


def _continues(masked: str, previous: _Candidate | None, candidate: _Candidate) -> bool:
    """The candidate continues a list of references ("invoices 1043, 1047 and 1052")."""
    return (
        previous is not None
        and previous.kind in (INVOICE, PO)
        and bool(_CONNECTOR.match(masked[previous.end : candidate.start]))
    )


def _series(prefix: str) -> str | None:
    """INVOICE or PO when a part of the prefix is a series the ERPs use ("INV-UK", "S-INV")."""
    parts = re.split(r"[-/ ]", prefix.upper()) if prefix else []
    if any(part in PO_PREFIXES for part in parts):
        return PO
    if any(part in INVOICE_PREFIXES for part in parts):
        return INVOICE
    return None


def _accept_same_shape(candidates: list[_Candidate]) -> None:
    """A bare number shaped like an invoice number the sender named is one too."""
    shapes = {_shape(c) for c in candidates if c.kind == INVOICE}
    for candidate in candidates:
        bare = candidate.kind is None and not candidate.prefix
        if bare and _plausible_bare(candidate.num) and _shape(candidate) in shapes:
            candidate.kind = INVOICE


def _shape(candidate: _Candidate) -> str:
    return candidate.prefix.upper() + re.sub(r"\d", "9", candidate.num)


def _plausible_bare(num: str) -> bool:
    digits = sum(ch.isdigit() for ch in num)
    return 4 <= digits <= 12 and not _plausible_year(num)


def _plausible_year(num: str) -> bool:
    return bool(_YEAR.match(num))


def _is_date(num: str) -> bool:
    if len(num) > 10:  # no date is written longer (and int() refuses thousands of digits)
        return False
    parts = re.split(r"[-/.]", num)
    if len(parts) == 2:
        first, second = parts
        if len(first) <= 2 and len(second) <= 2:  # 3/31, 12.10
            return True
        return len(first) <= 2 and len(second) == 4 and 1 <= int(first) <= 12  # 12/2025
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return False
    lengths = [len(part) for part in parts]
    if lengths == [4, 2, 2]:
        return _valid(int(parts[0]), int(parts[1]), int(parts[2]))
    if lengths[0] <= 2 and lengths[1] <= 2 and lengths[2] in (2, 4):
        day, month = int(parts[0]), int(parts[1])
        return _valid(2000, month, day) or _valid(2000, day, month)
    return False


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _mask(text: str) -> str:
    for pattern in _MASKS:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _sentences_with(words: re.Pattern[str], masked: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(masked + "\n"):
        if words.search(masked, start, match.end()):
            spans.append((start, match.end()))
        start = match.end()
    return spans


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item.strip(), None)
    return tuple(seen)
