"""Where a reply's quote begins: the line a mail client writes above the quoted message.

Clients write it in many shapes: "On <date>, <name> wrote:", "X <addr> schrieb am <date>:",
"In data … ha scritto", "Op … schreef" with the address on the next line, Gmail's dated
"2014-03-20 8:48 GMT+01:00 Name <addr>:", "---- On … wrote ----" (Zoho, Android), Outlook's
header blocks with "From:" / "Sent:" or "Date:" first. A line is read alone and then joined with
the one or two lines that follow it, because clients wrap long attributions.

Each rule asks for two signs, so that an ordinary sentence ending in a colon ("these invoices we
sent on 3 May:") is not taken for one: a verb of writing and a date or an address, or an address
in angle brackets and a date.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

_VERB = (
    r"wrote|a wrote|schrieb|a écrit|escribió|escribio|schreef|het volgende geschreven|geschreven"
    r"|ha scritto|scritto|escreveu"
)
_VERB_STEMS = (
    "wrote",
    "schrieb",
    "écrit",
    "escribi",
    "schreef",
    "geschreven",
    "scritto",
    "escreveu",
)
_HAS_VERB = re.compile(rf"(?:^|\W)(?:{_VERB})(?:\W|$)", _I)
_ENDS_WITH_VERB = re.compile(rf"(?:^|\W)(?:{_VERB})\W{{0,6}}$", _I)
_SENT_TO_COLON = re.compile(r"\bsent\s*:$", _I)
_ADDRESS = re.compile(r"[^\s<>@]{1,64}@[^\s<>@]{1,255}")
_BRACKETED_ADDRESS = re.compile(r"<(?:mailto:)?[^\s<>@]{1,64}@[^\s<>@]{1,255}>")
_DATE_OR_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d\d\b|\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"
)
_STARTS_WITH_DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}\b")
# Words an attribution line opens with in the seven languages ("On", "Am", "Le", "El", "Op", "Il",
# "Em", "In data", "Den").
_OPENING = re.compile(r"^(?:on|am|le|el|op|il|in data|em|den)\b", _I)
_SENTENCE_END = re.compile(r"[.!?]$")
_DECORATION = " \t>*=_-"
#: Longer than this, a line is a paragraph, not an attribution.
_MAX_LENGTH = 350

# Outlook-style header blocks: a "From:" line followed closely by a "Sent:"/"Date:" line, or a
# "Date:" line followed closely by a "From:" line. "From:" and "To:" alone are a remittance's
# payer and payee, not a quote.
_FROM_LINE = re.compile(r"^[ \t>*]*(?:from|von|de|van|da|fra)\s?\*?\s?:", _I)
_SENT_LINE = re.compile(
    r"^[ \t>*]*(?:sent|date|gesendet|datum|envoyé(?: le)?|message du|enviado(?: el)?|fecha"
    r"|verzonden|inviato|data|enviada|verstuurd)\s?\*?\s?:",
    _I,
)


def is_attribution(lines: list[str], index: int) -> int:
    """How many lines (1 to 3) the attribution starting at `index` takes; 0 when it is none."""
    first = lines[index].strip()
    if not first or len(first) > _MAX_LENGTH or not _could_start(first):
        return 0
    if _is_attribution_text(first, decorated=_decorated(lines[index])):
        return 1
    # A wrapped attribution starts like one and does not end like a sentence.
    if _SENTENCE_END.search(first) or not (
        _OPENING.match(first.lstrip(_DECORATION)) or "<" in first or "@" in first
    ):
        return 0
    joined = first
    for extra in (1, 2):
        if index + extra >= len(lines) or not lines[index + extra].strip():
            return 0
        joined = f"{joined} {lines[index + extra].strip()}"
        if len(joined) > _MAX_LENGTH:
            return 0
        if _is_attribution_text(joined, decorated=False):
            return extra + 1
    return 0


def _could_start(line: str) -> bool:
    """A cheap look before the rules: every attribution has one of these (most lines none)."""
    lowered = line.lower()
    return (
        ":" in line
        or "<" in line
        or "@" in line
        or "--" in line
        or line[0].isdigit()
        or any(verb in lowered for verb in _VERB_STEMS)
        or bool(_OPENING.match(line.lstrip(_DECORATION)))
    )


def _decorated(line: str) -> bool:
    """ "---- John Smith wrote ----": dashes on both sides mark it even without a date."""
    stripped = line.strip()
    return stripped.startswith("--") and stripped.endswith("--")


def _is_attribution_text(text: str, decorated: bool) -> bool:
    text = text.strip(_DECORATION)
    if not text:
        return False
    has_date = bool(_DATE_OR_TIME.search(text))
    has_address = bool(_ADDRESS.search(text))
    if text.endswith(":"):
        if _HAS_VERB.search(text) and (has_date or has_address):
            return True
        if _SENT_TO_COLON.search(text) and has_address:
            return True
        if _BRACKETED_ADDRESS.search(text) and has_date:
            return True  # Gmail's dated form
    signed = decorated or has_address or (_OPENING.match(text) and has_date)
    if signed and _ENDS_WITH_VERB.search(text):
        return True
    return bool(_STARTS_WITH_DATE.match(text) and _BRACKETED_ADDRESS.search(text))


def is_header_block(lines: list[str], index: int) -> bool:
    """A "From:" line with a "Sent:"/"Date:" line among the next three, or the other way round."""
    line = lines[index]
    window = lines[index + 1 : index + 4]
    if _FROM_LINE.match(line):
        return any(_SENT_LINE.match(other) for other in window)
    if _SENT_LINE.match(line):
        return any(_FROM_LINE.match(other) for other in window)
    return False
