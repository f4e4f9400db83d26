"""The brand file: what a good one gives every email, and how a bad one is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, load_settings
from mailers import compose_reply
from mailers.brand import DEFAULT_BRAND, BrandError, load_brand, read_brand_file
from tests.mailers.samples import BALANCE, INVOICE_COPIES, NOW, reply
from tests.support.production import production_environ

# The smallest PNG there is: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5b5e8dd0000000049454e44ae426082"
)
GOOD = """
name = "Müller Industrietechnik GmbH"
sender_name = "Müller Buchhaltung"
logo = "logo.png"
signature = \"\"\"Debitorenbuchhaltung
Müller Industrietechnik GmbH
+49 89 1234 5678\"\"\"
legal_footer = "Müller Industrietechnik GmbH · Amtsgericht München HRB 123456"

[colours]
primary = "#0b5394"
text = "#1a1a1a"
background = "#fafafa"

[bank]
account_holder = "Müller Industrietechnik GmbH"
iban = "DE89 3704 0044 0532 0130 00"
bic = "COBADEFFXXX"
bank_name = "Commerzbank"
reference_hint = "Please quote the invoice number"
"""


def write_brand(tmp_path: Path, text: str, logo: bytes | None = PIXEL) -> Path:
    if logo is not None:
        (tmp_path / "logo.png").write_bytes(logo)
    path = tmp_path / "brand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def settings(**environ: str):
    base = {"ARDESK_ENV": "test", "ARDESK_SECRET_KEY": "k" * 40}
    return load_settings({**base, **environ}, read_dotenv=False)


def compose(brand, *answers):
    return compose_reply(
        reply("de", *answers),
        brand=brand,
        from_address="ar@mueller.example",
        to_address="anna@customer.example",
        in_reply_to=None,
        references=[],
        subject="Saldo",
        now=NOW,
    )


def test_it_reads_every_field_of_a_good_brand_file(tmp_path):
    brand = load_brand(settings(ARDESK_BRAND_FILE=str(write_brand(tmp_path, GOOD))))
    assert brand.name == "Müller Industrietechnik GmbH"
    assert brand.sender_name == "Müller Buchhaltung"
    assert brand.colours.primary == "#0b5394"
    assert brand.logo is not None and brand.logo.content == PIXEL
    assert brand.logo.mime_type == "image/png"
    assert brand.signature.splitlines()[0] == "Debitorenbuchhaltung"
    assert brand.bank is not None
    assert brand.bank.iban == "DE89 3704 0044 0532 0130 00"
    assert brand.bank.other == (("reference_hint", "Please quote the invoice number"),)


def test_the_email_carries_the_brand(tmp_path):
    brand = read_brand_file(write_brand(tmp_path, GOOD))
    message = compose(brand, BALANCE)
    assert message["From"] == "Müller Buchhaltung <ar@mueller.example>"
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    text = message.get_body(("plain",)).get_content()
    assert "background-color:#fafafa" in html
    assert "color:#1a1a1a" in html
    assert "#0b5394" in html
    assert "+49 89 1234 5678" in text and "Amtsgericht München HRB 123456" in text
    assert "DE89 3704 0044 0532 0130 00" in text  # bank details beside the balance
    assert "Unsere Bankverbindung" in text


def test_an_embedded_logo_is_an_inline_part_the_html_points_to(tmp_path):
    message = compose(read_brand_file(write_brand(tmp_path, GOOD)), INVOICE_COPIES)
    related = message.get_payload()[1]
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    cid = image["Content-ID"].strip("<>")
    assert image.get_content_type() == "image/png"
    assert image.get_content() == PIXEL
    assert f'src="cid:{cid}"' in html.get_content()


def test_a_logo_url_is_linked_not_embedded(tmp_path):
    text = GOOD.replace('logo = "logo.png"', 'logo = "https://cdn.mueller.example/logo.png"')
    message = compose(read_brand_file(write_brand(tmp_path, text, logo=None)), INVOICE_COPIES)
    html = message.get_body(("html",)).get_content()
    assert 'src="https://cdn.mueller.example/logo.png"' in html
    assert "multipart/related" not in message.as_string()


def test_development_without_a_brand_file_gets_the_plain_default():
    assert load_brand(settings()) is DEFAULT_BRAND


def test_production_without_a_brand_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="ARDESK_BRAND_FILE is required"):
        load_settings(production_environ(tmp_path, ARDESK_BRAND_FILE=""))
    with pytest.raises(ConfigError, match="not a readable file"):
        load_settings(production_environ(tmp_path, ARDESK_BRAND_FILE=str(tmp_path / "none")))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('name = "Müller Industrietechnik GmbH"', 'name = ""'), "name"),
        (('primary = "#0b5394"', 'primary = "blue; x: url(evil)"'), "colours.primary"),
        (
            ('iban = "DE89 3704 0044 0532 0130 00"', 'iban = "DE89 3704 0044 0532 0130 01"'),
            "bank.iban",
        ),
        (('bic = "COBADEFFXXX"', 'bic = "COBA"'), "bank.bic"),
        (('bank_name = "Commerzbank"', ""), "bank.bank_name"),
        (('logo = "logo.png"', 'logo = "logo.svg"'), "logo"),
        (('logo = "logo.png"', 'logo = "http://cdn.example/logo.png"'), "logo"),
        (('sender_name = "Müller Buchhaltung"', 'slogan = "We care"'), "slogan"),
        (('text = "#1a1a1a"', "text = 12"), "colours.text"),
    ],
)
def test_a_malformed_field_is_named_with_the_file(tmp_path, change, field):
    path = write_brand(tmp_path, GOOD.replace(*change))
    with pytest.raises(BrandError) as err:
        read_brand_file(path)
    assert str(path) in str(err.value)
    assert f"field {field!r}" in str(err.value)


def test_invalid_toml_names_the_file(tmp_path):
    path = write_brand(tmp_path, 'name = "unterminated')
    with pytest.raises(BrandError, match="not valid TOML") as err:
        read_brand_file(path)
    assert str(path) in str(err.value)


def test_a_missing_brand_file_is_named(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(BrandError, match="not found") as err:
        load_brand(settings(ARDESK_BRAND_FILE=str(missing)))
    assert str(missing) in str(err.value)


def test_a_changed_brand_file_is_read_again(tmp_path):
    path = write_brand(tmp_path, GOOD)
    first = load_brand(settings(ARDESK_BRAND_FILE=str(path)))
    path.write_text(GOOD.replace("Commerzbank", "Commerzbank AG") + "\n", encoding="utf-8")
    second = load_brand(settings(ARDESK_BRAND_FILE=str(path)))
    assert first.bank.bank_name == "Commerzbank"
    assert second.bank.bank_name == "Commerzbank AG"
