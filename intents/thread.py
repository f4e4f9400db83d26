"""References the new text points at in the thread ("that one", "the invoice below", "die von
letzter Woche") without naming them.

Numbers only the quoted history names are not requests (`intents.references` reads the new text
alone). When the new text asks about a document by pointing at the thread and names no number
itself, the documents come from the quoted message it answers: the AR team's reminder listing two
overdue invoices and "please send copies of those" ask for both. A time ("the one from last week")
narrows by the dates the quoted text gives (an invoice's own date on its line, or the date the
quoted message was sent). A singular pointer at several documents, or a pointer at more than
`MAX_POINTED`, cannot be tied to specific ones: that is `ambiguous`, for a person, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from intents.newtext import quote_head_length, split_quote
from intents.periods import dates_in
from intents.pointers import EITHER, LANGUAGES, MANY, ONE, TIME_WORDS, TIMES
from intents.references import extract

#: The most quoted history read for the thread's documents, and the most messages in it.
MAX_QUOTED_CHARS = 20_000
_MAX_QUOTED_MESSAGES = 4
#: More documents than this in the message pointed at are not "those": a person decides.
MAX_POINTED = 10

_I = re.IGNORECASE


def _pattern(words: str, number: bool | None) -> tuple[re.Pattern[str], bool | None]:
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", _I), number


def _compile() -> list[tuple[re.Pattern[str], bool | None]]:
    patterns = []
    for code, lang in LANGUAGES.items():
        patterns += [
            _pattern(rf"(?:{lang.this}) (?:{lang.noun})", ONE),
            _pattern(rf"(?:{lang.these}) (?:{lang.nouns})", MANY),
            _pattern(rf"(?:{lang.article_one}) (?:{lang.noun}) (?:{lang.locator})", ONE),
            _pattern(rf"(?:{lang.article_many}) (?:{lang.nouns}) (?:{lang.locator})", MANY),
            _pattern(rf"(?:{lang.one_of}) (?:{TIME_WORDS[code]})", ONE),
            _pattern(rf"(?:{lang.ones_of}) (?:{TIME_WORDS[code]})", MANY),
            *(_pattern(words, number) for words, number in lang.phrases),
        ]
    return patterns


_POINTERS = _compile()
_TIMES = {key: re.compile(rf"(?<!\w)(?:{words})(?!\w)", _I) for key, words in TIMES.items()}
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?){1,10}", re.MULTILINE)
_SENTENCE = re.compile(r"[^.!?\n]{1,400}")


@dataclass(frozen=True, slots=True)
class Pointer:
    """What the new text points at: one document, several, or either; maybe when."""

    many: bool | None
    #: The days a time phrase names ("last week"), or None.
    when: tuple[date, date] | None = None


@dataclass(frozen=True, slots=True)
class ThreadReferences:
    invoices: tuple[str, ...] = ()
    #: The new text points at the thread's documents but cannot be tied to specific ones.
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class _Quoted:
    """One message of the quoted history: when it was sent, its invoices and their dates."""

    sent: date | None
    invoices: tuple[tuple[str, tuple[date, ...]], ...]


def pointer(text: str, received: date) -> Pointer | None:
    """The first pointing phrase of the new text, with the time its sentence names."""
    for sentence in _SENTENCE.finditer(text[:4_000]):
        found = [number for pattern, number in _POINTERS if pattern.search(sentence.group())]
        if not found:
            continue
        numbers = set(found)
        if len(numbers) > 1:
            numbers.discard(EITHER)  # "sie ... die Rechnung": the noun tells the number
        # "These invoices ... that one": a sentence that says both is read as either.
        many = numbers.pop() if len(numbers) == 1 else EITHER
        return Pointer(many=many, when=_when(sentence.group(), received))
    return None


def _when(sentence: str, received: date) -> tuple[date, date] | None:
    monday = received - timedelta(days=received.weekday())
    for key, pattern in _TIMES.items():
        if not pattern.search(sentence):
            continue
        if key == "last_week":
            return monday - timedelta(days=7), monday - timedelta(days=1)
        if key == "yesterday":
            return received - timedelta(days=1), received - timedelta(days=1)
        return monday, received
    return None


def from_thread(
    new: str,
    quoted: str,
    thread_subject: str,
    received: date,
    language: str = "en",
    invoice_patterns: Sequence[str] = (),
) -> ThreadReferences | None:
    """The thread's documents the new text points at; None when it points at none.

    `quoted` is the history quoted under (or above) the new text; `thread_subject` a reply's
    subject ("RE: Invoice 90017950"), which echoes the thread too.
    """
    point = pointer(new, received)
    if point is None:
        return None
    messages = _quoted_messages(quoted, received, language, invoice_patterns)
    if thread_subject:
        subject = extract(thread_subject, invoice_patterns).invoices
        messages.append(_Quoted(None, tuple((number, ()) for number in subject)))
    numbered = [message for message in messages if message.invoices]
    if not numbered:
        return None
    pool = [number for number, _ in numbered[0].invoices]
    if point.when is not None:
        start, end = point.when
        dated = [
            number
            for message in numbered
            for number, days in message.invoices
            if any(start <= day <= end for day in days)
        ]
        sent = [
            number
            for message in numbered
            if message.sent and start <= message.sent <= end
            for number, _ in message.invoices
        ]
        pool = list(dict.fromkeys(dated or sent)) or pool
    if not pool or len(pool) > MAX_POINTED or (point.many is ONE and len(pool) > 1):
        return ThreadReferences(ambiguous=True)
    return ThreadReferences(invoices=tuple(pool))


def _quoted_messages(
    quoted: str, received: date, language: str, invoice_patterns: Sequence[str]
) -> list[_Quoted]:
    """The quoted history's messages, the nearest first."""
    text = _QUOTE_MARKS.sub("", quoted[:MAX_QUOTED_CHARS])
    messages: list[_Quoted] = []
    for _ in range(_MAX_QUOTED_MESSAGES):
        lines = text.split("\n")
        head = quote_head_length(lines)
        body = "\n".join(lines[head:])
        split = split_quote(body)
        sent = dates_in("\n".join(lines[:head]), received, language)
        own = split.new
        invoices = extract(own, invoice_patterns).invoices
        # Dates only where they can tell documents apart: a list this long is handed off anyway.
        dated = invoices if len(invoices) <= MAX_POINTED * 5 else ()
        messages.append(
            _Quoted(
                sent=sent[0][1] if sent else None,
                invoices=tuple(
                    (n, _dates_near(own, n, dated, received, language) if dated else ())
                    for n in invoices
                ),
            )
        )
        if not split.quoted or len(split.quoted) >= len(text):
            break
        text = split.quoted
    return messages


def _dates_near(
    text: str, number: str, others: Sequence[str], received: date, language: str
) -> tuple[date, ...]:
    """The dates beside the number on its line, up to the next document it names ("2026-0610
    del 05/11 y 2026-0644 del 18/11"): an invoice's date in a reminder or a table; the dates
    before it on the line when none follow."""
    at = text.find(number)
    if at < 0:
        return ()
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = end if end >= 0 else len(text)
    for other in others:
        found = text.find(other, at + len(number), end)
        if other != number and found >= 0:
            end = found
    after = dates_in(text[at + len(number) : end], received, language)
    found = after or dates_in(text[start:at], received, language)
    return tuple(day for _, day in found)
