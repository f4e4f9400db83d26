"""An OData entity set as the vendors serve it, for the fake ERP servers: the query options are
parsed and applied (``$filter``, ``$select``, ``$expand``, ``$orderby``, ``$top``/``$skip``,
server-driven paging by ``$skiptoken`` and a next link), and what a real server refuses is refused
with the vendor's error body: an unknown property, a filter that does not parse, an option the
vendor requires (the stricter fakes require what the preset must send, so a preset that drops its
filter or its ordering fails its tests).

Filters understand what the presets send: comparisons (eq ne gt ge lt le) of a property with a
literal ('text', numbers, true/false/null, ISO times, v2's datetime'…' and datetimeoffset'…'),
joined by and / or, with not and parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from tests.connectors.fake_erp import Reply, Request


class ODataRefusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


TOKEN = re.compile(
    r"\s*(?:(?P<open>\()|(?P<close>\))|(?P<typed>(?:datetimeoffset|datetime|guid)'[^']*')"
    r"|(?P<text>'(?:[^']|'')*')|(?P<stamp>\d{4}-\d\d-\d\d(?:T[\d:.]+(?:Z|[+-]\d\d:\d\d)?)?)"
    r"|(?P<number>-?\d+(?:\.\d+)?[mMdD]?)|(?P<word>[A-Za-z_][\w/.]*))"
)
OPERATORS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}
Predicate = Callable[[dict], bool]


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text.rstrip()):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ODataRefusal(400, f"Syntax error at position {position} in '{text}'.")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def _literal(kind: str, text: str) -> Any:
    if kind == "text":
        return text[1:-1].replace("''", "'")
    if kind == "typed":
        return _moment(text.split("'")[1])
    if kind == "stamp":
        return _moment(text)
    if kind == "number":
        return Decimal(text.rstrip("mMdD"))
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    raise ODataRefusal(400, f"'{text}' is not a literal.")


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _comparable(value: Any, like: Any) -> Any:
    """A row's value in the literal's type: ERP JSON gives times and decimals as text."""
    if value is None or like is None:
        return value
    if isinstance(like, datetime):
        if isinstance(value, str) and value.startswith("/Date("):
            millis = re.match(r"/Date\((-?\d+)", value)
            return datetime.fromtimestamp(int(millis.group(1)) / 1000, UTC) if millis else None
        if isinstance(value, str):
            return _moment(value if "T" in value else value + "T00:00:00")
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(like, Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


class _Parser:
    def __init__(self, text: str, known: Callable[[str], None]) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.known = known

    def parse(self) -> Predicate:
        predicate = self._or()
        if self.at != len(self.tokens):
            raise ODataRefusal(400, f"Syntax error: unexpected '{self.tokens[self.at][1]}'.")
        return predicate

    def _next(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ODataRefusal(400, "Syntax error: the expression ends too early.")
        self.at += 1
        return self.tokens[self.at - 1]

    def _peek_word(self, word: str) -> bool:
        return self.at < len(self.tokens) and self.tokens[self.at] == ("word", word)

    def _or(self) -> Predicate:
        left = self._and()
        while self._peek_word("or"):
            self.at += 1
            right, first = self._and(), left
            left = lambda row, a=first, b=right: a(row) or b(row)  # noqa: E731
        return left

    def _and(self) -> Predicate:
        left = self._term()
        while self._peek_word("and"):
            self.at += 1
            right, first = self._term(), left
            left = lambda row, a=first, b=right: a(row) and b(row)  # noqa: E731
        return left

    def _term(self) -> Predicate:
        kind, text = self._next()
        if kind == "open":
            inner = self._or()
            if self._next()[0] != "close":
                raise ODataRefusal(400, "Syntax error: ')' expected.")
            return inner
        if (kind, text) == ("word", "not"):
            inner = self._term()
            return lambda row: not inner(row)
        if kind != "word":
            raise ODataRefusal(400, f"Syntax error: a property expected at '{text}'.")
        self.known(text)
        operator = self._next()[1]
        if operator not in OPERATORS:
            raise ODataRefusal(400, f"Syntax error: unknown operator '{operator}'.")
        literal = _literal(*self._next())
        compare = OPERATORS[operator]
        return lambda row: compare(_comparable(row.get(text), literal), literal)


@dataclass
class EntitySet:
    """Rows of one entity set and the rules its server applies to queries.

    ``properties``: what $filter/$select/$orderby may name (default: every key of the rows);
    ``navigation``: what $expand may name (the rows' nested lists, left out unless expanded);
    ``page_size``: server-driven paging (a next link with ``$skiptoken``); ``required``: query
    options the fake refuses to go without; ``v2``: SAP's OData v2 envelope (``d.results``,
    ``d.__next``) and error shape.
    """

    rows: list[dict]
    properties: Iterable[str] = ()
    navigation: Iterable[str] = ()
    # The navigation properties of expanded entities ({"to_Item": ["to_PricingElement"]}): left
    # out of them unless the path is expanded too ($expand=to_Item/to_PricingElement).
    nested: dict[str, Iterable[str]] = field(default_factory=dict)
    page_size: int | None = None
    required: Iterable[str] = ()
    v2: bool = False
    # Headers the server checks before anything else (an API key), and the vendor's own error
    # body where it is not OData's.
    headers: dict[str, str] = field(default_factory=dict)
    error_body: Callable[[ODataRefusal], dict] | None = None
    requests: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: Request) -> Reply:
        self.requests.append(request.query)
        try:
            for name, value in self.headers.items():
                if request.headers.get(name.lower()) != value:
                    raise ODataRefusal(401, f"{name} is missing or wrong")
            return Reply(200, self.answer(request))
        except ODataRefusal as refusal:
            return Reply(refusal.status, self.error(refusal))

    def error(self, refusal: ODataRefusal) -> dict:
        if self.error_body is not None:
            return self.error_body(refusal)
        if self.v2:
            code = "/IWBEP/CM_MGW_RT/022" if refusal.status == 400 else "/IWBEP/CM_MGW_RT/000"
            return {"error": {"code": code, "message": {"lang": "en", "value": str(refusal)}}}
        return {"error": {"code": "BadRequest", "message": str(refusal)}}

    def answer(self, request: Request) -> dict:
        query = request.query
        navigation = set(self.navigation)
        properties = set(self.properties) or {
            k for row in self.rows for k in row if k not in navigation
        }

        def known(name: str) -> None:
            if name not in properties:
                raise ODataRefusal(400, f"Could not find a property named '{name}'.")

        for option in self.required:
            if not query.get(option):
                raise ODataRefusal(400, f"This service requires the {option} query option.")
        rows = list(self.rows)
        if query.get("$filter"):
            predicate = _Parser(query["$filter"], known).parse()
            rows = [row for row in rows if predicate(row)]
        for clause in reversed([c.strip() for c in query.get("$orderby", "").split(",") if c]):
            name, _, direction = clause.partition(" ")
            known(name)
            rows.sort(key=lambda r, n=name: (r.get(n) is not None, r.get(n) or 0))
            if direction.strip() == "desc":
                rows.reverse()
        expanded = {e.strip() for e in query.get("$expand", "").split(",") if e.strip()}
        for path in expanded:
            head, _, rest = path.partition("/")
            if head not in navigation or (rest and rest not in self.nested.get(head, ())):
                raise ODataRefusal(400, f"Could not find a navigation property named '{path}'.")
        selected = [s.strip() for s in query.get("$select", "").split(",") if s.strip()]
        for name in selected:
            known(name)
        skip = int(query.get("$skip") or 0) + int(query.get("$skiptoken") or 0)
        top = int(query["$top"]) if query.get("$top") else None
        rows = rows[skip:]
        limit = top if self.page_size is None else min(top or self.page_size, self.page_size)
        more = limit is not None and len(rows) > limit and self.page_size is not None
        rows = rows[:limit] if limit is not None else rows
        shaped = [self._shape(row, selected, expanded, navigation) for row in rows]
        next_link = None
        if more:
            rest = {k: v for k, v in query.items() if k not in ("$skiptoken", "$skip")}
            rest["$skiptoken"] = str(skip + len(rows))
            next_link = f"{request.base}{request.path}?{urlencode(rest)}"
        if self.v2:
            body: dict[str, Any] = {"results": shaped}
            if next_link:
                body["__next"] = next_link
            return {"d": body}
        answer: dict[str, Any] = {"@odata.context": "$metadata", "value": shaped}
        if next_link:
            answer["@odata.nextLink"] = next_link
        return answer

    def _shape(self, row: dict, selected: list[str], expanded: set[str], navigation: set[str]):
        shaped = {
            k: v for k, v in row.items() if k not in navigation and (not selected or k in selected)
        }
        for name in {path.partition("/")[0] for path in expanded}:
            hidden = {n for n in self.nested.get(name, ()) if f"{name}/{n}" not in expanded}
            value = row.get(name, [])
            if isinstance(value, list):
                value = self._wrap([self._inner(r, hidden) for r in value])
            elif isinstance(value, dict):
                value = self._inner(value, hidden)
            shaped[name] = value  # a single entity, or null where there is none
        return shaped

    def _inner(self, row: dict, hidden: set[str]) -> dict:
        """An expanded entity: its own collections as v2 writes them, unexpanded ones left out."""
        return {
            k: self._wrap(v) if isinstance(v, list) else v
            for k, v in row.items()
            if k not in hidden
        }

    def _wrap(self, rows: list) -> Any:
        # v2 wraps an expanded collection in "results"; a single entity comes as it is.
        return {"results": rows} if self.v2 else rows
