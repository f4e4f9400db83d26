"""Request understanding: what an AP contact asks for, in seven languages, from real-world mail.

    from intents import understand
    result = understand("Copy of invoice 90014872", "Could you resend it?", date(2026, 1, 14))
    result.to_json()

Pure functions: no database, no network. The trained model ships in `intents/model/`.
"""

from intents.result import ANSWERABLE, INTENTS, LANGUAGES, Period, Understanding
from intents.understand import Message, understand, understand_many

__all__ = [
    "ANSWERABLE",
    "INTENTS",
    "LANGUAGES",
    "Message",
    "Period",
    "Understanding",
    "understand",
    "understand_many",
]
