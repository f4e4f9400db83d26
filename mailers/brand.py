"""The sender's brand: name, logo, colours, signature, legal footer, bank details and the legal
entities that issue invoices (address, VAT and registration ids, contact, bank accounts).

Read from the TOML file named by ``ARDESK_BRAND_FILE`` (format in docs/mailers.md and
docs/documents.md). Development without a brand file gets the complete demo brand
``deploy/brand.example.toml`` (tests get a plain default); production requires the file,
because customers should see the company they wrote to, not a placeholder. IBANs and BICs are
checked (schwifty) when the file is read: a typo in the bank details refuses to start rather
than reach customers.
"""

from __future__ import annotations

import mimetypes
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from schwifty import BIC, IBAN

from core.config import ConfigError, Settings
from core.documents.letterhead import Letterhead, data_uri
from core.documents.parties import BankDetails, LegalEntity, PostalAddress

# Colours go into inline style attributes: only plain hex colours, so a brand file cannot
# inject CSS (or anything else) into every email.
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Mail clients show PNG, JPEG and GIF inline; SVG is blocked by most of them.
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}
MAX_LOGO_BYTES = 512 * 1024
_BANK_NAMES = {"account_holder", "iban", "bic", "bank_name", "currencies"}
_ENTITY_TEXT = {
    "vat_id", "registration_id", "electronic_address", "contact_name", "contact_phone",
    "contact_email",
}  # fmt: skip
_ADDRESS_NAMES = {"address_line1", "address_line2", "postal_code", "city", "region", "country_code"}
_ENTITY_NAMES = {"code", "name", "bank", *_ENTITY_TEXT, *_ADDRESS_NAMES}
# The complete demo brand: what development shows when no brand file is configured.
EXAMPLE_BRAND_FILE = Path(__file__).resolve().parent.parent / "deploy" / "brand.example.toml"
_KNOWN_KEYS = {
    "name",
    "sender_name",
    "logo",
    "logo_alt",
    "colours",
    "colors",
    "signature",
    "legal_footer",
    "bank",
    "legal_entities",
}


class BrandError(ConfigError):
    """The brand file is missing or malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Colours:
    primary: str = "#1f4e79"
    text: str = "#222222"
    background: str = "#ffffff"


@dataclass(frozen=True)
class Logo:
    """Either embedded bytes (sent as an inline CID part) or an https URL."""

    alt: str
    content: bytes | None = field(default=None, repr=False)
    mime_type: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Brand:
    name: str
    sender_name: str
    colours: Colours = Colours()
    logo: Logo | None = None
    signature: str = ""
    legal_footer: str = ""
    bank: BankDetails | None = None
    # The first is the default issuer; accounts and invoices may name another by its code.
    legal_entities: tuple[LegalEntity, ...] = ()

    def legal_entity(self, code: str | None) -> LegalEntity | None:
        """The entity an invoice or account names, else the default; None if the code is
        unknown (a copy must not name the wrong issuer)."""
        if not self.legal_entities:
            return None
        if not code:
            return self.legal_entities[0]
        return next((e for e in self.legal_entities if e.code == code), None)

    @cached_property
    def letterhead(self) -> Letterhead:
        """What the PDFs show of the brand (worked out once per brand object: the logo's
        data URI is up to 700 KB of text)."""
        logo = self.logo
        embedded = logo is not None and logo.content is not None and logo.mime_type is not None
        return Letterhead(
            name=self.name,
            primary_colour=self.colours.primary,
            text_colour=self.colours.text,
            legal_footer=self.legal_footer,
            logo_uri=data_uri(logo.content, logo.mime_type) if embedded else None,  # type: ignore[union-attr,arg-type]
            logo_alt=logo.alt if logo else "",
            fallback_bank=self.bank,
            has_entities=bool(self.legal_entities),
        )


DEFAULT_BRAND = Brand(name="ardesk", sender_name="ardesk accounts receivable")


def load_brand(settings: Settings) -> Brand:
    """The brand configured in ``settings`` (``ARDESK_BRAND_FILE``)."""
    brand_path = settings.brand_file
    if brand_path is None:
        if settings.is_production:
            raise BrandError("ARDESK_BRAND_FILE is required in production (see docs/mailers.md)")
        # Tests name the brand they use; an installed copy may have no deploy/ folder.
        if not settings.is_development or not EXAMPLE_BRAND_FILE.is_file():
            return DEFAULT_BRAND
        brand_path = EXAMPLE_BRAND_FILE
    try:
        stat = brand_path.stat()
    except OSError:
        raise BrandError(f"brand file {brand_path}: not found") from None
    # Every reply loads the brand: read the file once, and again only when it changes.
    return _cached_brand(str(brand_path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _cached_brand(path: str, _mtime_ns: int, _size: int) -> Brand:
    return read_brand_file(Path(path))


def read_brand_file(path: Path) -> Brand:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BrandError(f"brand file {path}: not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BrandError(f"brand file {path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BrandError(f"brand file {path}: not valid TOML ({exc})") from None
    return _Reader(path, data).brand()


class _Reader:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, name: str, problem: str) -> BrandError:
        return BrandError(f"brand file {self.path}: field {name!r}: {problem}")

    def text(self, table: dict[str, Any], key: str, name: str, *, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return ""
        if not isinstance(value, str):
            raise self.fail(name, "must be a string")
        value = value.strip()
        if required and not value:
            raise self.fail(name, "must not be empty")
        return value

    def brand(self) -> Brand:
        unknown = sorted(set(self.data) - _KNOWN_KEYS)
        if unknown:
            raise self.fail(
                unknown[0], f"is not a brand field (known: {', '.join(sorted(_KNOWN_KEYS))})"
            )
        name = self.text(self.data, "name", "name", required=True)
        entities = self.legal_entities()
        bank = self.bank(self.data.get("bank"), "bank")
        if bank is None and entities and entities[0].banks:
            bank = entities[0].banks[0]  # the default issuer's account is the official one
        return Brand(
            name=name,
            sender_name=self.text(self.data, "sender_name", "sender_name") or name,
            colours=self.colours(),
            logo=self.logo(name),
            signature=self.text(self.data, "signature", "signature"),
            legal_footer=self.text(self.data, "legal_footer", "legal_footer"),
            bank=bank,
            legal_entities=entities,
        )

    def colours(self) -> Colours:
        key = "colours" if "colours" in self.data else "colors"
        table = self.data.get(key, {})
        if not isinstance(table, dict):
            raise self.fail(key, "must be a table: [colours] with primary, text, background")
        values = {}
        for name in ("primary", "text", "background"):
            value = self.text(table, name, f"{key}.{name}")
            if value and not _HEX_COLOUR.match(value):
                raise self.fail(
                    f"{key}.{name}", f"must be a hex colour like #1f4e79, not {value!r}"
                )
            if value:
                values[name] = value
        extra = sorted(set(table) - {"primary", "text", "background"})
        if extra:
            raise self.fail(f"{key}.{extra[0]}", "is not a colour (primary, text, background)")
        return Colours(**values)

    def logo(self, brand_name: str) -> Logo | None:
        source = self.text(self.data, "logo", "logo")
        if not source:
            return None
        alt = self.text(self.data, "logo_alt", "logo_alt") or brand_name
        if source.startswith("https://"):
            return Logo(alt=alt, url=source)
        if "://" in source:
            raise self.fail("logo", "must be a file path or an https:// URL")
        logo_path = Path(source).expanduser()
        if not logo_path.is_absolute():
            logo_path = self.path.parent / logo_path  # relative to the brand file, not the cwd
        mime_type = mimetypes.guess_type(logo_path.name)[0]
        if mime_type not in LOGO_TYPES:
            raise self.fail("logo", f"{logo_path.name} must be a PNG, JPEG or GIF image")
        try:
            content = logo_path.read_bytes()
        except OSError:
            raise self.fail("logo", f"cannot read {logo_path}") from None
        if len(content) > MAX_LOGO_BYTES:
            raise self.fail("logo", f"{logo_path} is larger than {MAX_LOGO_BYTES // 1024} KiB")
        return Logo(alt=alt, content=content, mime_type=mime_type)

    def legal_entities(self) -> tuple[LegalEntity, ...]:
        tables = self.data.get("legal_entities", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise self.fail("legal_entities", "must be an array of tables: [[legal_entities]]")
        entities, codes = [], set()
        for index, table in enumerate(tables):
            where = f"legal_entities[{index}]"
            extra = sorted(set(table) - _ENTITY_NAMES)
            if extra:
                raise self.fail(f"{where}.{extra[0]}", "is not a legal entity field")
            code = self.text(table, "code", f"{where}.code", required=True)
            if code in codes:
                raise self.fail(f"{where}.code", f"{code!r} is used twice")
            codes.add(code)
            country = self.text(table, "country_code", f"{where}.country_code", required=True)
            if not re.fullmatch(r"[A-Z]{2}", country):
                raise self.fail(f"{where}.country_code", "must be two capital letters (ISO 3166)")
            banks = table.get("bank", [])
            if isinstance(banks, dict):
                banks = [banks]
            if not isinstance(banks, list):
                raise self.fail(f"{where}.bank", "must be a table or an array of tables")
            address = PostalAddress(
                line1=self.text(table, "address_line1", f"{where}.address_line1", required=True),
                line2=self.text(table, "address_line2", f"{where}.address_line2"),
                postal_code=self.text(table, "postal_code", f"{where}.postal_code"),
                city=self.text(table, "city", f"{where}.city", required=True),
                region=self.text(table, "region", f"{where}.region"),
                country_code=country,
            )
            texts = {key: self.text(table, key, f"{where}.{key}") for key in _ENTITY_TEXT}
            entities.append(
                LegalEntity(
                    code=code,
                    name=self.text(table, "name", f"{where}.name", required=True),
                    address=address,
                    banks=tuple(
                        self.bank(bank, f"{where}.bank[{i}]") for i, bank in enumerate(banks)
                    ),
                    **texts,
                )
            )
        return tuple(entities)

    def bank(self, table: Any, where: str) -> BankDetails | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table with account_holder, iban, bic, bank_name")
        try:
            iban = IBAN(self.text(table, "iban", f"{where}.iban", required=True))
        except ValueError as exc:
            raise self.fail(f"{where}.iban", f"is not a valid IBAN ({exc})") from None
        try:
            bic = BIC(self.text(table, "bic", f"{where}.bic", required=True))
        except ValueError as exc:
            raise self.fail(f"{where}.bic", f"is not a valid BIC ({exc})") from None
        currencies = table.get("currencies", [])
        if not isinstance(currencies, list) or not all(
            isinstance(c, str) and re.fullmatch(r"[A-Z]{3}", c) for c in currencies
        ):
            raise self.fail(f"{where}.currencies", 'must be a list of codes like ["EUR"]')
        other = []
        for key in table:
            if key not in _BANK_NAMES:
                value = table[key]
                if not isinstance(value, str | int):
                    raise self.fail(f"{where}.{key}", "must be a string")
                other.append((key, str(value).strip()))
        return BankDetails(
            account_holder=self.text(
                table, "account_holder", f"{where}.account_holder", required=True
            ),
            iban=iban.formatted,
            bic=str(bic),
            bank_name=self.text(table, "bank_name", f"{where}.bank_name", required=True),
            other=tuple(other),
            currencies=tuple(currencies),
        )
