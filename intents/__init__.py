"""Request understanding: what an AP contact asks for, in seven languages, from real-world mail.

    from intents import understand
    result = understand("Copy of invoice 90014872", "Could you resend it?", date(2026, 1, 14))
    result.to_json()

Pure functions: no database, no network. The trained model ships in `intents/model/`.

Work is bounded in the input's size: at most MAX_BODY_CHARS of a body and MAX_SUBJECT_CHARS of a
subject are read, at most MAX_NEW_TEXT_CHARS of new text is understood, and every pattern runs in
time linear in its input.
"""

from intents.newtext import MAX_BODY_CHARS, MAX_NEW_TEXT_CHARS
from intents.result import ANSWERABLE, INTENTS, LANGUAGES, Period, Understanding
from intents.understand import MAX_SUBJECT_CHARS, Message, understand, understand_many

__all__ = [
    "ANSWERABLE",
    "INTENTS",
    "LANGUAGES",
    "MAX_BODY_CHARS",
    "MAX_NEW_TEXT_CHARS",
    "MAX_SUBJECT_CHARS",
    "Message",
    "Period",
    "Understanding",
    "understand",
    "understand_many",
]
