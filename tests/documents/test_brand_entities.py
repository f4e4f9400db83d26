"""Legal entities in the brand file: read whole, and a bad bank detail refuses to start."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from core.config import load_settings
from mailers.brand import EXAMPLE_BRAND_FILE, BrandError, load_brand, read_brand_file
from tests.support.cli import cli_env

EXAMPLE = EXAMPLE_BRAND_FILE.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_brand_is_complete():
    brand = read_brand_file(EXAMPLE_BRAND_FILE)
    german, swiss = brand.legal_entities
    assert brand.legal_entity(None) is german and brand.legal_entity("CH01") is swiss
    assert german.vat_id == "DE123456789" and german.address.city == "München"
    assert german.bank_for("EUR").iban == "DE89 3704 0044 0532 0130 00"
    assert swiss.bank_for("CHF").bic == "UBSWCHZH80A" and swiss.bank_for("EUR") is None
    assert brand.bank == german.banks[0]  # the official account /verify shows
    assert brand.legal_entity("FR09") is None  # never another entity's details


def test_development_without_a_brand_file_shows_the_example(tmp_path):
    settings = load_settings({"ARDESK_ENV": "development", "ARDESK_VAR_DIR": str(tmp_path)},
                             read_dotenv=False)  # fmt: skip
    assert load_brand(settings).legal_entities[0].name == "Northwind Industrial Supplies GmbH"


@pytest.mark.parametrize(
    ("wrong", "right", "message"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 01", "not a valid IBAN"),
        ('bic = "COBADEFFXXX"', 'bic = "COBAXXFFXXX"', "not a valid BIC"),
        ('country_code = "DE"', 'country_code = "Germany"', "two capital letters"),
        ('currencies = ["CHF"]', 'currencies = ["Swiss francs"]', "list of codes"),
    ],
)
def test_a_bad_bank_or_address_detail_refuses_to_start(tmp_path, wrong, right, message):
    assert wrong in EXAMPLE
    with pytest.raises(BrandError, match=message):
        read_brand_file(write(tmp_path, EXAMPLE.replace(wrong, right, 1)))


def test_two_entities_with_one_code_are_refused(tmp_path):
    with pytest.raises(BrandError, match="used twice"):
        read_brand_file(write(tmp_path, EXAMPLE.replace('code = "CH01"', 'code = "DE01"')))


def test_ardesk_refuses_to_start_on_a_mistyped_iban(tmp_path, db):
    bad = write(tmp_path, EXAMPLE.replace("0130 00", "0130 01", 1))
    env = {**cli_env(db.settings, tmp_path), "ARDESK_BRAND_FILE": str(bad)}
    result = CliRunner().invoke(main, ["accounts", "list"], env=env)
    assert result.exit_code == 1
    assert "field 'legal_entities[0].bank[0].iban': is not a valid IBAN" in result.output
    assert "Traceback" not in result.output
