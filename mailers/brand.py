"""The sender's brand: name, logo, colours, signature, legal footer and bank details.

Read from the TOML file named by ``ARDESK_BRAND_FILE`` (format in docs/mailers.md). Development
without a brand file gets a plain default; production requires the file, because customers
should see the company they wrote to, not a placeholder.
"""

from __future__ import annotations

import mimetypes
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.config import ConfigError, Settings

# Colours go into inline style attributes: only plain hex colours, so a brand file cannot
# inject CSS (or anything else) into every email.
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Mail clients show PNG, JPEG and GIF inline; SVG is blocked by most of them.
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}
MAX_LOGO_BYTES = 512 * 1024
_BANK_NAMES = {"account_holder", "iban", "bic", "bank_name"}
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
class BankDetails:
    account_holder: str
    iban: str
    bic: str
    bank_name: str
    other: tuple[tuple[str, str], ...] = ()  # further fields, in file order (e.g. sort code)


@dataclass(frozen=True)
class Brand:
    name: str
    sender_name: str
    colours: Colours = Colours()
    logo: Logo | None = None
    signature: str = ""
    legal_footer: str = ""
    bank: BankDetails | None = None


DEFAULT_BRAND = Brand(name="ardesk", sender_name="ardesk accounts receivable")


def load_brand(settings: Settings) -> Brand:
    """The brand configured in ``settings`` (``ARDESK_BRAND_FILE``)."""
    brand_path = settings.brand_file
    if brand_path is None:
        if settings.is_production:
            raise BrandError("ARDESK_BRAND_FILE is required in production (see docs/mailers.md)")
        return DEFAULT_BRAND
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
        return Brand(
            name=name,
            sender_name=self.text(self.data, "sender_name", "sender_name") or name,
            colours=self.colours(),
            logo=self.logo(name),
            signature=self.text(self.data, "signature", "signature"),
            legal_footer=self.text(self.data, "legal_footer", "legal_footer"),
            bank=self.bank(),
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

    def bank(self) -> BankDetails | None:
        table = self.data.get("bank")
        if table is None:
            return None
        if not isinstance(table, dict):
            raise self.fail(
                "bank", "must be a table: [bank] with account_holder, iban, bic, bank_name"
            )
        iban = self.text(table, "iban", "bank.iban", required=True).replace(" ", "").upper()
        if not iban_is_valid(iban):
            raise self.fail("bank.iban", "is not a valid IBAN (its check digits do not match)")
        bic = self.text(table, "bic", "bank.bic", required=True).replace(" ", "").upper()
        if not re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?", bic):
            raise self.fail("bank.bic", "is not a BIC (8 or 11 letters and digits)")
        other = []
        for key in table:
            if key not in _BANK_NAMES:
                value = table[key]
                if not isinstance(value, str | int):
                    raise self.fail(f"bank.{key}", "must be a string")
                other.append((key, str(value).strip()))
        return BankDetails(
            account_holder=self.text(table, "account_holder", "bank.account_holder", required=True),
            iban=format_iban(iban),
            bic=bic,
            bank_name=self.text(table, "bank_name", "bank.bank_name", required=True),
            other=tuple(other),
        )


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 check digits (mod 97): a typo in the bank details must not reach customers."""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def format_iban(iban: str) -> str:
    """Groups of four, as printed on invoices."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
