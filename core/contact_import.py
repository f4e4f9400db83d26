"""Contacts from a CSV file, for the console's import page and ``ardesk contacts import``.

Every row is checked before anything is written; a file with any wrong row changes nothing, and
its report names each problem by row (as a spreadsheet numbers them: the header is row 1),
column and what is wrong. A file without problems is applied in one transaction. A row whose
address is already a contact of its account updates that contact (name and role; language and
chat identities only where the cell is filled, so re-importing an ERP's list keeps what the bot
learned). Each contact added or changed is one audit event, and the import one more.

The file is bounded (``MAX_BYTES``, ``MAX_ROWS``), must be UTF-8 (a byte-order mark is allowed)
and may be separated by commas, semicolons (Excel in much of Europe) or tabs. Cells are stored
as the text they hold: one starting with ``=`` is a name, never a formula — every CSV ardesk
writes goes through ``core.spreadsheets``.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from core import audit
from core.chat_identities import (
    CHUNK,
    PLATFORMS,
    ChatProblem,
    ChatRefused,
    Wanted,
    identity_conflicts,
)
from core.chat_identities import ENGLISH as CHAT
from core.deflection import chunks
from core.directory import normalise_email, role_names
from core.errors import InvalidInput
from core.models import LANGUAGES, Account, Contact
from core.suppression import Suppression

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
REQUIRED = ("account", "email", "name", "role")
OPTIONAL = ("language", *(f for p in PLATFORMS.values() for f in p.fields))
COLUMNS = REQUIRED + OPTIONAL
DELIMITERS = (",", ";", "\t")


class FileProblem(enum.StrEnum):
    too_big = "too_big"
    binary = "binary"
    not_utf8 = "not_utf8"
    empty = "empty"
    no_header = "no_header"  # no delimiter splits the first line into the columns
    missing_columns = "missing_columns"
    unknown_columns = "unknown_columns"
    too_many_rows = "too_many_rows"
    malformed = "malformed"  # e.g. a quote never closed


class FileRefused(InvalidInput):
    def __init__(self, problem: FileProblem, detail: str = "") -> None:
        self.problem, self.detail = problem, detail
        super().__init__(f"{problem.value.replace('_', ' ')}{': ' + detail if detail else ''}")


class RowProblem(enum.StrEnum):
    unknown_account = "unknown_account"
    ambiguous_account = "ambiguous_account"  # the ERP id exists in several sources
    invalid_email = "invalid_email"
    missing_name = "missing_name"
    name_too_long = "name_too_long"
    unknown_role = "unknown_role"
    unknown_language = "unknown_language"
    duplicate = "duplicate"  # the same address for the same account on an earlier row
    identity_repeated = "identity_repeated"  # an earlier row gives the identity another address
    forgotten = "forgotten"  # forgotten on request: only added again one by one, when asked
    extra_cells = "extra_cells"  # more cells than the header has columns


ENGLISH = {
    RowProblem.unknown_account: "no account with this ERP id",
    RowProblem.ambiguous_account: "this ERP id exists in several sources; write SOURCE:ERP_ID",
    RowProblem.invalid_email: "not an email address",
    RowProblem.missing_name: "a contact needs a name",
    RowProblem.name_too_long: "a name has at most 200 characters",
    RowProblem.unknown_role: "unknown role",
    RowProblem.unknown_language: "unsupported language",
    RowProblem.duplicate: "the same address for the same account as row {detail}",
    RowProblem.identity_repeated: "the same chat identity as row {detail}, another address",
    RowProblem.forgotten: "forgotten on request; add it again only if the person asks",
    RowProblem.extra_cells: "more cells than the header has columns",
}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    problem: RowProblem | ChatProblem
    value: str  # what the cell held, cut to 80 characters
    detail: str = ""  # what it clashes with: an earlier row, another account

    def english(self) -> str:
        text = ENGLISH[self.problem] if isinstance(self.problem, RowProblem) else CHAT[self.problem]
        return text.format(detail=self.detail)


class Outcome(enum.StrEnum):
    add = "add"
    update = "update"
    unchanged = "unchanged"


@dataclass
class _Row:
    number: int
    account: Account
    email: str
    name: str
    role: str
    language: str | None
    identities: dict[str, tuple[str, str]]  # platform name → pair; absent: keep what is on file
    contact: Contact | None = None


@dataclass
class Report:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    applied: bool = False


def read(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (column names, lower case) and the rows of a CSV file, each with its number as
    a spreadsheet shows it (blank rows skipped), or ``FileRefused``."""
    if len(data) > MAX_BYTES:
        raise FileRefused(FileProblem.too_big, f"{len(data):,} bytes, at most {MAX_BYTES:,}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(FileProblem.not_utf8)  # Excel's "Unicode text"
    if b"\x00" in data:
        raise FileRefused(FileProblem.binary)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(FileProblem.not_utf8) from None
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise FileRefused(FileProblem.empty)
    delimiter, header = _header(first)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    seen_header = False
    try:
        for number, record in enumerate(records, start=1):
            if not any(cell.strip() for cell in record):
                continue  # a blank line, or Excel's row of bare delimiters
            if not seen_header:
                seen_header = True
                continue
            if len(rows) == MAX_ROWS:
                raise FileRefused(FileProblem.too_many_rows, f"at most {MAX_ROWS:,}")
            rows.append((number, record))
    except csv.Error as error:
        raise FileRefused(FileProblem.malformed, f"line {records.line_num}: {error}") from None
    return header, rows


def _header(line: str) -> tuple[str, list[str]]:
    best: tuple[int, str, list[str]] | None = None
    for delimiter in DELIMITERS:
        names = [
            n.strip().lower().replace(" ", "_")
            for n in next(csv.reader([line], delimiter=delimiter))
        ]
        known = sum(name in COLUMNS for name in names)
        if best is None or known > best[0]:
            best = (known, delimiter, names)
    assert best is not None
    known, delimiter, names = best
    if known == 0:
        raise FileRefused(FileProblem.no_header, ", ".join(COLUMNS))
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise FileRefused(FileProblem.missing_columns, ", ".join(missing))
    # An empty name is a column Excel left over (a trailing delimiter): its cells must be empty.
    unknown = [n[:40] for n in names if n and (n not in COLUMNS or names.count(n) > 1)]
    if unknown:
        raise FileRefused(FileProblem.unknown_columns, ", ".join(dict.fromkeys(unknown)))
    return delimiter, names


def import_contacts(
    session: Session,
    data: bytes,
    *,
    actor: str,
    apply: bool = True,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Report:
    """Check every row of the file; when none is wrong and ``apply``, write them all (in the
    session's transaction) with one audit event per contact added or changed."""
    header, records = read(data)
    report = Report(rows=len(records))
    planned = _checked(session, header, records, report.errors)
    if report.errors:
        return report
    for row in planned:
        report.outcomes[_outcome(row)] += 1
    if apply:
        events = [_apply(session, row) for row in planned]
        session.flush()
        facts = {"ip": ip, "user_agent": user_agent}
        events = [audit.values(**event(), actor=actor, **facts) for event in events if event]
        added, updated, unchanged = (report.outcomes[o] for o in Outcome)
        events.append(audit.values("contact.import", actor=actor, rows=report.rows, added=added,
                                   updated=updated, unchanged=unchanged, **facts))  # fmt: skip
        audit.write(session, events)
        report.applied = True
    return report


def _cells(header: list[str], record: list[str]) -> dict[str, str]:
    return {name: (record[i] if i < len(record) else "").strip() for i, name in enumerate(header)}


class _Reporter:
    """Collects one row's problems, each with the cell it is about."""

    def __init__(self, errors: list[RowError], number: int, cells: dict[str, str]) -> None:
        self.errors, self.number, self.cells, self.count = errors, number, cells, 0

    def __call__(self, column: str, problem: RowProblem | ChatProblem, detail: str = "") -> None:
        value = self.cells.get(column, "")[:80]
        self.errors.append(RowError(self.number, column, problem, value, detail))
        self.count += 1


def _checked(
    session: Session,
    header: list[str],
    records: list[tuple[int, list[str]]],
    errors: list[RowError],
) -> list[_Row]:
    accounts = _accounts(session, {_cells(header, record)["account"] for _, record in records})
    roles = {name.lower(): name for name in role_names(session)}
    seen: dict[tuple[int, str], int] = {}
    identities: dict[tuple[str, str, str], tuple[int, str]] = {}
    wanted: dict[str, list[tuple[_Reporter, Wanted]]] = {name: [] for name in PLATFORMS}
    good: dict[int, _Row] = {}
    for number, record in records:
        cells = _cells(header, record)
        wrong = _Reporter(errors, number, cells)
        extra = [
            cell
            for i, cell in enumerate(record)
            if cell.strip() and (i >= len(header) or not header[i])
        ]
        if extra:
            errors.append(RowError(number, "", RowProblem.extra_cells, extra[0][:80]))
            wrong.count += 1
        account = accounts.get(cells["account"], RowProblem.unknown_account)
        if not isinstance(account, Account):
            wrong("account", account)
        email = _email(cells["email"])
        if not email:
            wrong("email", RowProblem.invalid_email)
        name = cells["name"]
        if not name or len(name) > 200:
            wrong("name", RowProblem.missing_name if not name else RowProblem.name_too_long)
        role = roles.get(cells["role"].lower())
        if role is None:
            wrong("role", RowProblem.unknown_role)
        language = cells.get("language", "").lower() or None
        if language is not None and language not in LANGUAGES:
            wrong("language", RowProblem.unknown_language)
        pairs: dict[str, tuple[str, str]] = {}
        for platform in PLATFORMS.values():
            try:
                pair = platform.parse(*(cells.get(f, "") for f in platform.fields))
            except ChatRefused as refused:
                wrong(refused.field, refused.problem)
                continue
            if pair is not None:
                pairs[platform.name] = pair
        if isinstance(account, Account) and email:
            key = (account.id, email)
            if key in seen:
                wrong("email", RowProblem.duplicate, str(seen[key]))
            seen.setdefault(key, number)
            for platform_name, pair in pairs.items():
                platform = PLATFORMS[platform_name]
                earlier = identities.setdefault((platform_name, *pair), (number, email))
                if earlier[1] != email:  # another address's, on an earlier row
                    wrong(platform.user.key, RowProblem.identity_repeated, str(earlier[0]))
                    continue
                wanted[platform_name].append((wrong, Wanted(pair, email, account.id)))
        if not wrong.count:
            assert isinstance(account, Account) and role is not None
            good[number] = _Row(number, account, email, name, role, language, pairs)
    for platform_name, asked in wanted.items():
        answers = identity_conflicts(session, PLATFORMS[platform_name], [w for _, w in asked])
        for (wrong, _), refused in zip(asked, answers, strict=True):
            if refused is not None:
                wrong(refused.field, refused.problem, refused.detail)
                good.pop(wrong.number, None)
    return _allowed(session, list(good.values()), errors)


def _allowed(session: Session, good: list[_Row], errors: list[RowError]) -> list[_Row]:
    """The rows left once addresses forgotten on request are refused (existing contacts noted)."""
    _existing(session, good)
    forgotten = Suppression.load(session).suppressed(
        session, [(row.account.id, row.email) for row in good if row.contact is None]
    )
    for row in good:
        if (row.account.id, row.email) in forgotten:
            errors.append(RowError(row.number, "email", RowProblem.forgotten, row.email))
    errors.sort(key=lambda error: error.row)
    return [row for row in good if (row.account.id, row.email) not in forgotten]


def _email(cell: str) -> str:
    try:
        return normalise_email(cell) if len(cell) <= 320 else ""
    except InvalidInput:
        return ""


def _accounts(session: Session, values: set[str]) -> dict[str, Account | RowProblem]:
    """Each ERP id of the file's account column: its account, or why it has none."""
    found: dict[str, Account | RowProblem] = {}
    wanted = sorted(value for value in values if value and len(value) <= 200)
    for chunk in chunks(wanted, CHUNK):
        for account in session.scalars(select(Account).where(Account.erp_id.in_(chunk))):
            found[account.erp_id] = (
                RowProblem.ambiguous_account if account.erp_id in found else account
            )
    qualified = [v for v in wanted if v not in found and ":" in v]
    pairs = [tuple(v.split(":", 1)) for v in qualified]
    for chunk in chunks(pairs, CHUNK):
        query = select(Account).where(tuple_(Account.source, Account.erp_id).in_(chunk))
        for account in session.scalars(query):
            found[f"{account.source}:{account.erp_id}"] = account
    return found


def _existing(session: Session, rows: list[_Row]) -> None:
    """Attach to each row the contact its address already is at its account, if any."""
    by_key = {(row.account.id, row.email): row for row in rows}
    for chunk in chunks(sorted({row.email for row in rows}), CHUNK):
        for contact in session.scalars(select(Contact).where(Contact.email.in_(chunk))):
            row = by_key.get((contact.account_id, contact.email))
            if row is not None:
                row.contact = contact


def _changes(row: _Row) -> dict[str, object]:
    contact = row.contact
    assert contact is not None
    wanted: dict[str, object] = {"name": row.name, "role": row.role}
    if row.language is not None:
        wanted["language"] = row.language
    for platform_name, pair in row.identities.items():
        wanted.update(zip(PLATFORMS[platform_name].fields, pair, strict=True))
    return {key: value for key, value in wanted.items() if getattr(contact, key) != value}


def _outcome(row: _Row) -> Outcome:
    if row.contact is None:
        return Outcome.add
    return Outcome.update if _changes(row) else Outcome.unchanged


def _apply(session: Session, row: _Row):
    """Write one row; returns a maker of its audit event's columns (after the flush that gives a
    new contact its id), or None when nothing changed."""
    if row.contact is None:
        contact = Contact(account_id=row.account.id, email=row.email, name=row.name,
                          role=row.role, language=row.language)  # fmt: skip
        for platform_name, pair in row.identities.items():
            for key, value in zip(PLATFORMS[platform_name].fields, pair, strict=True):
                setattr(contact, key, value)
        session.add(contact)
        action, detail = "contact.add", {}
    else:
        contact = row.contact
        changes = _changes(row)
        if not changes:
            return None
        for key, value in changes.items():
            setattr(contact, key, value)
        action, detail = "contact.edit", {"fields": sorted(changes)}

    def event() -> dict:
        return {"action": action, "target": f"contact:{contact.id}",
                "account_id": contact.account_id, "contact_id": contact.id, **detail,
                "role": contact.role, "language": contact.language, "via": "import"}  # fmt: skip

    return event
