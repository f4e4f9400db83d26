"""The date range a sender names for a statement or an invoice list, resolved against `received`.

Conventions (shared with the labelled corpus): a statement "as of" / "as at" / "per" a date D covers
the month that ends on D; "since D" runs to the received date; a month, quarter or half without a
year is the most recent one that has started by the received date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from intents.calendar_words import (
    AS_OF,
    END_OF,
    HALF_WORDS,
    LAST_MONTH,
    LAST_QUARTER,
    LAST_YEAR,
    MONTHS,
    ORDINALS,
    QUARTER_WORDS,
    RANGE_JOIN,
    RANGE_START,
    SINCE,
    YEAR_TO_DATE,
    YEAR_WORDS,
)
from intents.result import Period

_ORDINAL_ALT = "|".join(re.escape(word) for word in sorted(ORDINALS, key=len, reverse=True))
_MONTH_ALT = "|".join(sorted((re.escape(word) for word in MONTHS), key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_ALT})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|e|º|°|ᵉʳ|\.)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_I = re.IGNORECASE

_DAY_MONTH = re.compile(
    rf"(?<!\d){_DAY}(?:\s+de|\s+of)?\s+{_MONTH}(?:,?\s+(?:de\s+)?{_YEAR})?\b", _I
)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:-|–|to)\s*\d)(?:,?\s+{_YEAR})?", _I)
_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})(?:[./-](?P<y>\d{4}|\d{2}))?(?![\w/]|[.-]\d)"
)
_ISO = re.compile(r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w/.-])")
_MONTH_ONLY = re.compile(rf"\b{_MONTH}(?:\s+(?:de\s+|of\s+)?{_YEAR})?\b", _I)
# Month words that are also ordinary words ("may", "mar", "set", "out") need a date-ish neighbour.
_AMBIGUOUS = {"may", "mar", "set", "out", "ago", "gen", "mag", "dec", "jun", "jul", "sep", "mai"}

_QUARTER = (
    re.compile(rf"\b(?:q|t|k)(?P<n>[1-4])(?:\s*[/-]?\s*{_YEAR})?\b", _I),
    re.compile(
        rf"\b(?P<ord>{_ORDINAL_ALT})\s+(?:{'|'.join(QUARTER_WORDS)})"
        rf"(?:\s+(?:of\s+|de\s+|del\s+)?{_YEAR})?",
        _I,
    ),
)
_HALF = (
    re.compile(rf"\bh(?P<n>[12])(?:\s*[/-]?\s*{_YEAR})?\b", _I),
    re.compile(
        rf"\b(?P<ord>{_ORDINAL_ALT})\s+(?:{'|'.join(HALF_WORDS)})(?:\s+(?:of\s+the\s+year"
        rf"|de\s+l'année|del\s+año|dell'anno|do\s+ano|van\s+het\s+jaar))?"
        rf"(?:\s+(?:of\s+|de\s+|del\s+)?{_YEAR})?",
        _I,
    ),
)
_YEAR_PHRASE = re.compile(rf"\b(?:{'|'.join(YEAR_WORDS)})\s+(?:de\s+|of\s+)?{_YEAR}\b", _I)
_YTD = re.compile("|".join(YEAR_TO_DATE), _I)
_LAST_MONTH = re.compile("|".join(LAST_MONTH), _I)
_LAST_QUARTER = re.compile("|".join(LAST_QUARTER), _I)
_LAST_YEAR = re.compile("|".join(LAST_YEAR), _I)
_AS_OF_BEFORE = re.compile(
    rf"(?:{'|'.join(AS_OF)})\s*(?:the\s+|le\s+|el\s+|den\s+|il\s+|o\s+)?\Z", _I
)
_SINCE_BEFORE = re.compile(
    rf"(?:{'|'.join(SINCE)})\s*(?:the\s+|le\s+|el\s+|den\s+|il\s+|o\s+)?\Z", _I
)
_END_OF_BEFORE = re.compile(rf"(?:{'|'.join(END_OF)})\s*\Z", _I)
_RANGE_JOIN = re.compile(
    rf"\A\s*(?:{'|'.join(RANGE_JOIN)})\s*(?:the\s+|le\s+|el\s+|den\s+|il\s+|o\s+)?\Z", _I
)
_RANGE_START = re.compile(rf"(?:{'|'.join(RANGE_START)})\s*(?:the\s+|le\s+|el\s+|den\s+)?\Z", _I)
_END_OF_LAST_MONTH = re.compile(rf"(?:{'|'.join(END_OF)})\s*(?:{'|'.join(LAST_MONTH)})", _I)


_MONTH_INTRO = re.compile(
    r"(?:\b(?:mois|mes|mês|mese|maand|monat)\s+(?:de\s+|di\s+)?"
    r"|\b(?:in|im|aus dem|for|from|of|du|em|di|del|van|von|since|depuis|desde|until|to)\s+)\Z",
    _I,
)


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    day: int | None
    month: int
    year: int | None


def find_period(text: str, received: date, language: str = "en") -> Period | None:
    """The first period the text names, by precedence: as-of, range, since, year-to-date,
    quarter/half, year, relative month, single month."""
    mentions = _mentions(text, language)
    for finder in (_range, _as_of, _since):
        period = finder(text, mentions, received)
        if period:
            return period
    return _named(text, mentions, received)


def _as_of(text: str, mentions: list[_Mention], received: date) -> Period | None:
    if _END_OF_LAST_MONTH.search(text):
        return _month_period(*_previous_month(received))
    for mention in mentions:
        before = text[max(0, mention.start - 30) : mention.start]
        if _AS_OF_BEFORE.search(before) or _END_OF_BEFORE.search(before):
            year = mention.year or _resolve_year(mention.month, mention.day or 1, received)
            if mention.day:
                end = _safe_date(year, mention.month, mention.day)
                return Period(start=end.replace(day=1), end=end) if end else None
            return _month_period(year, mention.month)
    return None


def _range(text: str, mentions: list[_Mention], received: date) -> Period | None:
    for first, second in pairwise(mentions):
        between = text[first.end : second.start]
        if not _RANGE_JOIN.match(between):
            continue
        both_months = first.day is None and second.day is None
        before = text[max(0, first.start - 20) : first.start]
        if not (both_months or (first.day and second.day) or _RANGE_START.search(before)):
            continue
        if between.strip().lower() in ("and", "und", "et", "y", "e", "en") and not both_months:
            continue
        end_year = second.year or _resolve_year(second.month, second.day or 1, received)
        start_year = first.year or (end_year if first.month <= second.month else end_year - 1)
        start = _safe_date(start_year, first.month, first.day or 1)
        if second.day:
            end = _safe_date(end_year, second.month, second.day)
        else:
            end = _last_day(end_year, second.month)
        if start and end and start <= end:
            return Period(start=start, end=end)
    return None


def _since(text: str, mentions: list[_Mention], received: date) -> Period | None:
    for mention in mentions:
        before = text[max(0, mention.start - 20) : mention.start]
        if _SINCE_BEFORE.search(before):
            year = mention.year or _resolve_year(mention.month, mention.day or 1, received)
            start = _safe_date(year, mention.month, mention.day or 1)
            if start and start <= received:
                return Period(start=start, end=received)
    return None


def _named(text: str, mentions: list[_Mention], received: date) -> Period | None:
    if _YTD.search(text):
        return Period(start=date(received.year, 1, 1), end=received)
    quarter, year = _numbered(_QUARTER, text)
    if 1 <= quarter <= 4:
        return _quarter_period(quarter, year, received)
    if _LAST_QUARTER.search(text):
        quarter = (received.month - 1) // 3  # the previous quarter, 0 meaning Q4 of last year
        year = received.year if quarter else received.year - 1
        return _quarter_period(quarter or 4, year, received)
    half, year = _numbered(_HALF, text)
    if half in (1, 2):
        explicit = year is not None
        year = year or received.year
        if half == 2 and not explicit and received.month < 7:
            year -= 1
        start_month = 1 if half == 1 else 7
        return Period(date(year, start_month, 1), _last_day(year, start_month + 5))
    if match := _YEAR_PHRASE.search(text):
        year = int(match.group("year"))
        return Period(date(year, 1, 1), date(year, 12, 31))
    if _LAST_YEAR.search(text):
        return Period(date(received.year - 1, 1, 1), date(received.year - 1, 12, 31))
    if _LAST_MONTH.search(text):
        return _month_period(*_previous_month(received))
    for mention in mentions:
        if mention.day is None:
            year = mention.year or _resolve_year(mention.month, 1, received)
            return _month_period(year, mention.month)
    return None


def _numbered(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[int, int | None]:
    """(n, year) of "Q3 2025" / "third quarter" style mentions; (0, None) when there is none."""
    for pattern in patterns:
        if match := pattern.search(text):
            groups = match.groupdict()
            number = int(groups["n"]) if groups.get("n") else ORDINALS.get(groups["ord"].lower(), 0)
            return number, _int(groups.get("year"))
    return 0, None


def _mentions(text: str, language: str) -> list[_Mention]:
    """Dates and months named in the text, in order, without overlaps."""
    found: list[_Mention] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, day: int | None, month: int, year: int | None) -> None:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            return
        taken.append((start, end))
        found.append(_Mention(start, end, day, month, year))

    for match in _ISO.finditer(text):
        add(match.start(), match.end(), int(match["d"]), int(match["m"]), int(match["y"]))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            month = _month_number(match, text)
            if month:
                add(match.start(), match.end(), int(match["day"]), month, _int(match["year"]))
    for match in _NUMERIC.finditer(text):
        day, month = _day_month(int(match["a"]), int(match["b"]), language)
        year = _int(match["y"])
        if year is not None and year < 100:
            year += 2000
        if match["y"] is None and "." in match.group(0) and not match.group(0).endswith("."):
            continue  # "2.5" is a number, not a date
        add(match.start(), match.end(), day, month, year)
    for match in _MONTH_ONLY.finditer(text):
        month = _month_number(match, text)
        if month:
            add(match.start(), match.end(), None, month, _int(match["year"]))
    return sorted(found, key=lambda mention: mention.start)


def _month_number(match: re.Match[str], text: str) -> int | None:
    word = match["month"].lower()
    if word in _AMBIGUOUS:
        written = match["month"]
        neighbour = text[max(0, match.start() - 12) : match.end() + 14]
        dated = match.groupdict().get("day") or match.groupdict().get("year")
        ranged = re.search(r"[-–]|\b(?:to|and|through|invoices|statement)\b", neighbour, _I)
        introduced = _MONTH_INTRO.search(text[max(0, match.start() - 20) : match.start()])
        capital = written[0].isupper() and word not in ("may", "set", "out")
        if not (dated or ranged or introduced or capital):
            return None
        if word == "may" and not (dated or written == "May"):
            return None
    return MONTHS.get(word)


def _day_month(first: int, second: int, language: str) -> tuple[int, int]:
    if first > 12:
        return first, second
    if second > 12:
        return second, first
    return (second, first) if language == "en" else (first, second)


def _resolve_year(month: int, day: int, received: date) -> int:
    """The most recent year in which month/day is not after the received date."""
    candidate = _safe_date(received.year, month, min(day, 28))
    return received.year if candidate and candidate <= received else received.year - 1


def _quarter_period(quarter: int, year: int | None, received: date) -> Period:
    start_month = 3 * (quarter - 1) + 1
    if year is None:
        year = (
            received.year if date(received.year, start_month, 1) <= received else received.year - 1
        )
    return Period(date(year, start_month, 1), _last_day(year, start_month + 2))


def _month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _last_day(year, month))


def _previous_month(received: date) -> tuple[int, int]:
    return (received.year, received.month - 1) if received.month > 1 else (received.year - 1, 12)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def dates_in(text: str, received: date, language: str = "en") -> list[tuple[int, date]]:
    """The whole dates (a day, a month, a year or not) the text names, with their offsets; a date
    without a year is the most recent one by the received date."""
    found = []
    for mention in _mentions(text, language):
        if mention.day is None:
            continue
        year = mention.year or _resolve_year(mention.month, mention.day, received)
        day = _safe_date(year, mention.month, mention.day)
        if day is not None:
            found.append((mention.start, day))
    return found
