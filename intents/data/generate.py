"""Training messages composed from the phrase banks, deterministically from a seed.

Each example is `{"text", "intents", "language"}` where `text` is what the classifier sees at run
time: the subject line, then the new text of the body (greeting and request, no signature).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from intents.data import de, en, es, fr, it, nl, pt

BANKS: dict[str, ModuleType] = {
    "en": en,
    "de": de,
    "fr": fr,
    "es": es,
    "nl": nl,
    "it": it,
    "pt": pt,
}
HANDWRITTEN = Path(__file__).with_name("handwritten.jsonl")

#: Intent pairs that real senders combine in one message.
PAIRS = [
    ("invoice_copy", "statement"),
    ("balance", "statement"),
    ("dispute", "invoice_copy"),
    ("payment_status", "statement"),
    ("balance", "invoice_copy"),
    ("balance", "payment_status"),
    ("invoice_copy", "payment_status"),
    ("dispute", "statement"),
]
_ANSWERABLE = ("invoice_copy", "statement", "balance", "payment_status", "dispute")

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Sept",
        "Oct",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    "pt": [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
}
_CONNECTORS = {
    "en": ["Also,", "Separately,", "And", "Additionally,", "One more thing:", ""],
    "de": ["Außerdem", "Zusätzlich", "Und", ""],
    "fr": ["Par ailleurs,", "Également,", "Et", ""],
    "es": ["Además,", "También", "Y", ""],
    "nl": ["Daarnaast", "Ook", "En", ""],
    "it": ["Inoltre", "Anche", "E", ""],
    "pt": ["Além disso,", "Também", "E", ""],
}


def invoice_number(rng: random.Random) -> str:
    year = rng.choice(["2025", "2026", "2027"])
    n = rng.randint(1, 99999)
    shapes = [
        f"{rng.randint(90000000, 90099999)}",
        f"INV-{n:05d}",
        f"SI-{rng.randint(1000, 109999)}",
        f"{year}-{n % 10000:04d}",
        f"{year}/{n % 1000:03d}",
        f"F{year}/{n % 1000}",
        f"FT {year}/{n % 10000:04d}",
        f"{rng.randint(1000, 9999)}",
        f"R-{year[2:]}-{n:05d}",
        f"{n % 1000}/{year}",
        f"{year}.{n % 10000:04d}",
        f"INV{rng.randint(10000, 19999)}",
        f"FAC/{year}/{n % 10000:04d}",
        f"{rng.randint(100000, 109999)}",
    ]
    return rng.choice(shapes)


def _fill(template: str, language: str, rng: random.Random) -> str:
    numbers = [invoice_number(rng) for _ in range(rng.randint(2, 3))]
    joiner = {
        "en": " and ",
        "de": " und ",
        "fr": " et ",
        "es": " y ",
        "nl": " en ",
        "it": " e ",
        "pt": " e ",
    }[language]
    values = {
        "inv": invoice_number(rng),
        "invs": ", ".join(numbers[:-1]) + joiner + numbers[-1],
        "po": rng.choice(
            [
                f"4500{rng.randint(100000, 999999)}",
                f"{rng.randint(10000, 99999)}",
                f"PO-{rng.randint(1000, 9999)}",
            ]
        ),
        "month": rng.choice(_MONTHS[language]),
        "amount": rng.choice(
            [
                f"${rng.randint(100, 30000):,}.{rng.randint(0, 99):02d}",
                f"{rng.randint(100, 30000)},{rng.randint(0, 99):02d} €",
                f"£{rng.randint(100, 9000)}.00",
            ]
        ),
        "date": rng.choice(
            [
                f"{rng.randint(1, 28)} {rng.choice(_MONTHS[language])}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026",
                f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2026",
            ]
        ),
        "q": rng.choice(["Q1", "Q2", "Q3", "Q4", "last quarter"]),
        "num": str(rng.randint(100000, 999999)),
        "subject": "",
    }
    return template.format(**values)


def _subject(bank: ModuleType, intent: str, language: str, rng: random.Random) -> str:
    options = bank.SUBJECTS.get(intent) or [""]
    return _fill(rng.choice(options), language, rng)


def _compose(language: str, intents: tuple[str, ...], rng: random.Random, chat: bool) -> str:
    bank = BANKS[language]
    parts: list[str] = []
    if not chat and rng.random() < 0.8:
        parts.append(rng.choice(bank.GREETINGS))
    if rng.random() < 0.3:
        parts.append(rng.choice(bank.FILLERS))
    for index, intent in enumerate(intents):
        request = _fill(rng.choice(bank.REQUESTS[intent]), language, rng)
        if index:
            connector = rng.choice(_CONNECTORS[language])
            request = f"{connector} {request[0].lower()}{request[1:]}" if connector else request
        parts.append(request)
    if rng.random() < 0.3:
        parts.append(rng.choice(bank.FILLERS))
    body = ("\n\n" if not chat else " ").join(part for part in parts if part)
    if chat and rng.random() < 0.4:
        body = body.lower()
    subject = (
        "" if chat else _subject(bank, intents[0], language, rng) if rng.random() < 0.7 else ""
    )
    return f"{subject}\n{body}".strip()


def _standalone(language: str, intent: str, rng: random.Random) -> str:
    bank = BANKS[language]
    subject_template, body_template = rng.choice(
        bank.AUTO_REPLIES if intent == "auto_reply" else bank.OTHERS
    )
    echoed = _subject(bank, rng.choice(_ANSWERABLE), language, rng)
    subject = subject_template.replace("{subject}", echoed)
    greeting = rng.choice(bank.GREETINGS) if rng.random() < 0.4 else ""
    body = _fill(body_template, language, rng)
    return f"{_fill(subject, language, rng)}\n{greeting}\n{body}".replace("\n\n", "\n").strip()


def generate(
    seed: int = 7, per_intent: dict[str, int] | None = None
) -> Iterator[dict[str, object]]:
    """Yield generated examples; `per_intent` gives the count per language (default below)."""
    rng = random.Random(seed)
    counts = per_intent or {"en": 260, "de": 90, "fr": 90, "es": 80, "nl": 70, "it": 70, "pt": 70}
    for language, count in counts.items():
        for intent in _ANSWERABLE:
            for _ in range(count):
                chat = rng.random() < 0.2
                yield {
                    "text": _compose(language, (intent,), rng, chat),
                    "intents": [intent],
                    "language": language,
                }
        for intent in ("auto_reply", "other"):
            for _ in range(count):
                yield {
                    "text": _standalone(language, intent, rng),
                    "intents": [intent],
                    "language": language,
                }
        for _ in range(count):
            pair = rng.choice(PAIRS)
            order = pair if rng.random() < 0.5 else pair[::-1]
            chat = rng.random() < 0.15
            yield {
                "text": _compose(language, order, rng, chat),
                "intents": sorted(pair),
                "language": language,
            }


def handwritten() -> list[dict[str, object]]:
    """Hand-written messages: the cases templates do not produce."""
    if not HANDWRITTEN.exists():
        return []
    with HANDWRITTEN.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def training_examples(seed: int = 7) -> list[dict[str, object]]:
    return list(generate(seed)) + handwritten() * 3
