"""From a message to an `Understanding`: the one entry point the bot calls.

Rules read what rules read well (new text, language, auto-replies, references, periods); the
trained model weighs the intents; thresholds decide, and say `needs_human` when they are unsure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language

from intents import model
from intents.autoreply import is_auto_reply
from intents.formats import requested_format
from intents.language import detect
from intents.newtext import clean, new_text, strip_reply_prefix
from intents.periods import find_period
from intents.references import References, extract
from intents.result import ANSWERABLE, INTENTS, STANDALONE, Understanding

#: An intent is chosen at this probability.
CHOOSE = 0.5
#: Below this, the best intent is a guess: a person should read the message.
CONFIDENT = 0.6
#: An answerable intent this sure is clear enough to answer beside an ambiguous runner-up.
CLEAR = 0.75
#: An answerable intent between these bounds was neither chosen nor ruled out: ambiguous.
AMBIGUOUS = (0.3, CHOOSE)


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


def understand(
    subject: str,
    body: str,
    received: date | None = None,
    channel: str = "email",
    invoice_patterns: Sequence[str] = (),
    nlp: Language | None = None,
) -> Understanding:
    message = Message(
        subject or "", body or "", received or date.today(), channel, tuple(invoice_patterns)
    )
    return understand_many([message], nlp=nlp)[0]


def understand_many(
    messages: Iterable[Message], nlp: Language | None = None, batch_size: int = 256
) -> list[Understanding]:
    """Understand many messages at once; the model runs in batches (nlp.pipe)."""
    batch = list(messages)
    readings = [_read(message) for message in batch]
    probabilities = model.predict((r.model_text for r in readings), nlp=nlp, batch_size=batch_size)
    return [
        _decide(message, reading, cats)
        for message, reading, cats in zip(batch, readings, probabilities, strict=True)
    ]


def _read(message: Message) -> _Reading:
    text = new_text(message.body)
    subject, is_reply = strip_reply_prefix(clean(message.subject))
    # A reply's subject echoes our own mail ("RE: Payment reminder 123"): not the sender's words.
    subject_usable = bool(subject) and not is_reply
    search_text = f"{subject}\n\n{text}" if subject_usable else text
    return _Reading(
        new_text=text,
        model_text=search_text,
        language=detect(f"{subject}\n{text}"),
        auto_reply=is_auto_reply(message.subject, text),
        references=extract(search_text, message.invoice_patterns),
        subject_usable=subject_usable,
        search_text=search_text,
    )


def _decide(message: Message, reading: _Reading, cats: dict[str, float]) -> Understanding:
    confidence = dict(cats)
    if reading.auto_reply:
        confidence["auto_reply"] = max(confidence["auto_reply"], 0.99)
        intents: tuple[str, ...] = ("auto_reply",)
        needs_human = False
    else:
        # The model's auto-reply guess alone never decides: the rules above are the authority.
        confidence["auto_reply"] = min(confidence["auto_reply"], 0.2)
        intents, needs_human = _choose(confidence)
    references = reading.references
    if set(intents) & STANDALONE:
        references = References()
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
        document_format=requested_format(reading.search_text),
    )


def _choose(confidence: dict[str, float]) -> tuple[tuple[str, ...], bool]:
    # Only the rules declare an auto-reply; the model chooses among the other intents.
    candidates = [name for name in INTENTS if name != "auto_reply"]
    ranked = sorted(candidates, key=lambda name: confidence[name], reverse=True)
    best = ranked[0]
    if best in STANDALONE:
        chosen: tuple[str, ...] = (best,)
    else:
        chosen = tuple(
            name for name in INTENTS if confidence[name] >= CHOOSE and name not in STANDALONE
        ) or (best,)
    unsure = confidence[best] < CONFIDENT
    # A runner-up request is only a reason to ask a person when nothing answerable is clear:
    # beside a clear answerable request it is the sender's own data either way.
    clear = any(name in ANSWERABLE and confidence[name] >= CLEAR for name in chosen)
    ambiguous = not clear and any(
        AMBIGUOUS[0] <= confidence[name] < AMBIGUOUS[1] for name in ANSWERABLE if name not in chosen
    )
    # A dispute next to an answerable request: a person should see both before anything is sent.
    mixed = "dispute" in chosen and any(name in ANSWERABLE for name in chosen)
    return chosen, unsure or ambiguous or mixed
