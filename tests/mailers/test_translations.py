"""The catalogues are complete, not fuzzy, compiled, and cover every string in the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from mailers.i18n import DEFAULT_LANGUAGE, LOCALES, TRANSLATIONS_DIR

REPOSITORY = Path(__file__).resolve().parents[2]
TRANSLATED = sorted(set(LOCALES) - {DEFAULT_LANGUAGE})


def catalogue(language: str, suffix: str):
    path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"messages.{suffix}"
    assert path.exists(), f"{path} is missing (see docs/mailers.md: add or update a translation)"
    with path.open("rb") as handle:
        return read_po(handle, locale=language) if suffix == "po" else read_mo(handle)


def key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def freeze(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def source_messages() -> set[str]:
    found = extract_from_dir(
        REPOSITORY / "mailers",
        method_map=[("**.py", "python")],
    )
    return {
        (message[0] if isinstance(message, tuple) else message)
        for _file, _line, message, _comments, _context in found
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language, "po")
    untranslated = [
        key(m)
        for m in po
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [key(m) for m in po if m.id and m.fuzzy]
    assert untranslated == [], f"{language}: untranslated messages"
    assert fuzzy == [], f"{language}: fuzzy messages (review them and remove the flag)"
    assert not po.fuzzy, f"{language}: the catalogue header is marked fuzzy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    po = catalogue(language, "po")
    problems = [(key(message), errors) for message, errors in po.check() if errors]
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(language):
    po = catalogue(language, "po")
    mo = catalogue(language, "mo")
    expected = {freeze(m.id): freeze(m.string) for m in po if m.id and not m.fuzzy}
    compiled = {freeze(m.id): freeze(m.string) for m in mo if m.id}
    assert compiled == expected, (
        f"{language}: messages.mo is stale; run `.venv/bin/pybabel compile -d mailers/translations`"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_in_the_code_is_in_the_catalogue(language):
    in_catalogue = {key(m) for m in catalogue(language, "po") if m.id}
    missing = sorted(source_messages() - in_catalogue)
    assert missing == [], f"{language}: extract and update the catalogues (docs/mailers.md)"


def test_the_catalogues_hold_no_obsolete_strings():
    in_code = source_messages()
    for language in TRANSLATED:
        obsolete = sorted({key(m) for m in catalogue(language, "po") if m.id} - in_code)
        assert obsolete == [], f"{language}: strings no longer in the code"
