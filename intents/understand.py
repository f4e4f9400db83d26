"""From a message to an `Understanding`: the one entry point the bot calls.

Rules read what rules read well (new text, language, auto-replies, references, periods); the
trained model weighs the intents; thresholds decide, and say `needs_human` when they are unsure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language

from intents import model
from intents.autoreply import is_auto_reply
from intents.formats import requested_format
from intents.language import detect
from intents.newtext import clean, read_body, strip_reply_prefix
from intents.notices import changes_bank_details, points_to_attachment
from intents.periods import find_period
from intents.references import References, extract
from intents.result import ANSWERABLE, INTENTS, STANDALONE, Understanding
from intents.thread import from_thread
from intents.thresholds import Thresholds
from intents.thresholds import load as load_thresholds

#: The most of a subject line that is read; no real subject comes near it.
MAX_SUBJECT_CHARS = 1_000

# Clauses of a compound request: sentences, lines, and "…, and …" / "außerdem" / "además" parts.
# The break keeps a clause's own "?" (a split after it), so a question can be told from a remark.
_CLAUSE_BREAK = re.compile(
    r"(?<=[.?!;\n])|,[ \t]{0,3}(?=(?:and|und|et|y|en|e|plus|also)\b)"
    r"|\b(?:außerdem|ausserdem|además|inoltre|également|ook|também|also)\b",
    re.IGNORECASE,
)
# A clause counts as a request of its own when it asks: a question, or a request word in one of
# the seven languages. A remark ("the agreed price was 12.50, not 14.00") is not one.
_ASKS = re.compile(
    r"\?|\b(?:please|pls|plz|could|can|would|need|let me know|send|kindly"
    r"|bitte|können|könnten|könnt|kannst|benötigen|brauchen|schicken|senden"
    r"|s'il vous pla[iî]t|merci de|pouvez|pourriez|besoin|envoyer|renvoyer"
    r"|por favor|podéis|podrían|pueden|podrías|necesit\w*|enviar|mandar|reenviar"
    r"|graag|kunnen|kunt|kun je|sturen|nodig"
    r"|per favore|potete|potreste|ci serv\w*|inviare|mandare"
    r"|podem|poderiam|gostar\w*|precis\w*)\b",
    re.IGNORECASE,
)
_MIN_CLAUSE_WORDS = 3
_MAX_CLAUSES = 4
#: Intents whose documents a reply may name by pointing at the thread ("that one was paid").
THREAD_INTENTS = frozenset({"invoice_copy", "payment_status", "dispute"})
#: Below this, the best intent is a guess: a person should read the message.
CONFIDENT = 0.6
#: An answerable intent this sure is clear enough to answer beside an ambiguous runner-up.
CLEAR = 0.75
#: An answerable intent from this probability up to its threshold was neither chosen nor ruled
#: out: ambiguous.
AMBIGUOUS = 0.3


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str
    received: date
    channel: str = "email"
    invoice_patterns: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the rules found before the model runs."""

    new_text: str
    model_text: str
    language: str
    auto_reply: bool
    references: References
    subject_usable: bool
    search_text: str
    #: The history quoted with the new text, and a reply's subject: the thread it answers.
    quoted: str = ""
    thread_subject: str = ""


def understand(
    subject: str,
    body: str,
    received: date | None = None,
    channel: str = "email",
    invoice_patterns: Sequence[str] = (),
    nlp: Language | None = None,
    thresholds: Thresholds | None = None,
) -> Understanding:
    """Understand one message, with the shipped model and thresholds unless given others."""
    message = Message(
        subject or "", body or "", received or date.today(), channel, tuple(invoice_patterns)
    )
    return understand_many([message], nlp=nlp, thresholds=thresholds)[0]


def understand_many(
    messages: Iterable[Message],
    nlp: Language | None = None,
    batch_size: int = 256,
    thresholds: Thresholds | None = None,
) -> list[Understanding]:
    """Understand many messages at once; the model runs in batches (nlp.pipe)."""
    batch = list(messages)
    limits = thresholds or load_thresholds(str(model.MODEL_DIR))
    return [
        decide(message, scored, limits)
        for message, scored in zip(batch, score_many(batch, nlp, batch_size), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Scored:
    """What the rules found and what the model says, before thresholds decide."""

    reading: _Reading
    whole: dict[str, float]
    best_clause: dict[str, float]


def score_many(
    messages: Sequence[Message], nlp: Language | None = None, batch_size: int = 256
) -> list[Scored]:
    readings = [_read(message) for message in messages]
    wholes = list(model.predict((r.model_text for r in readings), nlp=nlp, batch_size=batch_size))
    # Clauses only where they can change the decision: not for an auto-reply (the rules decide)
    # nor when "other" leads (it stands alone whatever a clause says).
    clauses = [
        [] if reading.auto_reply or _leader(whole) == "other" else _clauses(reading.model_text)
        for reading, whole in zip(readings, wholes, strict=True)
    ]
    flat = [text for own in clauses for text in own]
    scores = iter(model.predict(flat, nlp=nlp, batch_size=batch_size))
    scored = []
    for reading, whole, own in zip(readings, wholes, clauses, strict=True):
        best_clause = dict.fromkeys(INTENTS, 0.0)
        for _ in own:
            for name, value in next(scores).items():
                best_clause[name] = max(best_clause[name], value)
        scored.append(Scored(reading, whole, best_clause))
    return scored


def model_text(message: Message) -> str:
    """What the classifier reads of a message: its usable subject and its new text."""
    return _read(message).model_text


def _leader(confidence: dict[str, float]) -> str:
    """The most likely intent the model may choose (auto-replies are the rules' to declare)."""
    return max((name for name in INTENTS if name != "auto_reply"), key=lambda n: confidence[n])


def _clauses(text: str) -> list[str]:
    """The request's clauses, when it has several: where a compound request puts each part."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(text) if part]
    parts = [part for part in parts if len(part.split()) >= _MIN_CLAUSE_WORDS]
    if len(parts) < 2:
        return []
    return [part for part in parts if _ASKS.search(part)][:_MAX_CLAUSES]


def _read(message: Message) -> _Reading:
    body = read_body(message.body)
    text = body.new
    subject, is_reply = strip_reply_prefix(clean(message.subject[:MAX_SUBJECT_CHARS]))
    # A reply's subject echoes our own mail ("RE: Payment reminder 123"): not the sender's words.
    subject_usable = bool(subject) and not is_reply
    search_text = f"{subject}\n\n{text}" if subject_usable else text
    return _Reading(
        new_text=text,
        model_text=search_text,
        language=detect(f"{subject}\n{text}"),
        auto_reply=is_auto_reply(message.subject[:MAX_SUBJECT_CHARS], text),
        references=extract(search_text, message.invoice_patterns),
        subject_usable=subject_usable,
        search_text=search_text,
        quoted=body.quoted,
        thread_subject=subject if is_reply else "",
    )


def decide(message: Message, scored: Scored, thresholds: Thresholds) -> Understanding:
    reading = scored.reading
    confidence = dict(scored.whole)
    if reading.auto_reply:
        confidence["auto_reply"] = max(confidence["auto_reply"], 0.99)
        intents: tuple[str, ...] = ("auto_reply",)
        needs_human = False
    else:
        # The model's auto-reply guess alone never decides: the rules above are the authority.
        confidence["auto_reply"] = min(confidence["auto_reply"], 0.2)
        intents, needs_human = _choose(confidence, scored.best_clause, thresholds)
    if changes_bank_details(reading.new_text):
        # A fraud pattern: always a person, never an answer, whatever else the message asks.
        confidence["other"] = max(confidence["other"], 0.99)
        intents, needs_human = ("other",), True
    references = reading.references
    if set(intents) & STANDALONE:
        references = References()
    thread = None
    if set(intents) & THREAD_INTENTS and not references.invoices and not references.candidates:
        # "Please send copies of those": the new text names no number but points at the thread.
        thread = from_thread(
            reading.new_text,
            reading.quoted,
            reading.thread_subject,
            message.received,
            reading.language,
            message.invoice_patterns,
        )
        if thread and thread.invoices:
            references = References(thread.invoices, references.purchase_orders)
        elif thread and thread.ambiguous:
            needs_human = True  # it cannot be tied to specific documents: never a guess
    period = None
    wants_list = "statement" in intents or ("invoice_copy" in intents and not references.invoices)
    if wants_list:
        period = find_period(reading.search_text, message.received, reading.language)
    return Understanding(
        language=reading.language,
        intents=intents,
        confidence=confidence,
        invoice_numbers=references.invoices,
        po_numbers=references.purchase_orders,
        period=period,
        needs_human=needs_human,
        new_text=reading.new_text,
        candidates=references.candidates if not references.invoices else (),
        numbers_in_attachment=(
            "auto_reply" not in intents
            and not references.invoices
            and points_to_attachment(reading.new_text)
        ),
        document_format=requested_format(reading.search_text),
        references_from_thread=bool(thread and thread.invoices),
        thread_ambiguous=bool(thread and thread.ambiguous),
    )


def _choose(
    confidence: dict[str, float], best_clause: dict[str, float], thresholds: Thresholds
) -> tuple[tuple[str, ...], bool]:
    # Only the rules declare an auto-reply; the model chooses among the other intents.
    best = _leader(confidence)
    if best in STANDALONE:
        chosen: tuple[str, ...] = (best,)
    else:
        chosen = tuple(
            name
            for name in INTENTS
            if name not in STANDALONE
            and (
                confidence[name] >= thresholds.choose[name]
                or best_clause[name] >= thresholds.clause[name]
            )
        ) or (best,)
    unsure = confidence[best] < CONFIDENT
    # A runner-up request is only a reason to ask a person when nothing answerable is clear:
    # beside a clear answerable request it is the sender's own data either way.
    clear = any(name in ANSWERABLE and confidence[name] >= CLEAR for name in chosen)
    ambiguous = not clear and any(
        AMBIGUOUS <= confidence[name] < thresholds.choose[name]
        for name in ANSWERABLE
        if name not in chosen
    )
    # A dispute next to an answerable request: a person should see both before anything is sent.
    mixed = "dispute" in chosen and any(name in ANSWERABLE for name in chosen)
    return chosen, unsure or ambiguous or mixed
