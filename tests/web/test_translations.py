"""Every string of the portal is translated into every language, and the compiled catalogues
are the ones the .po files describe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

import web
from core.documents.pdf import TEMPLATES as PDF_TEMPLATES
from core.documents.pdf import TRANSLATIONS as PDF_TRANSLATIONS
from core.models import LANGUAGES

WEB = Path(web.__file__).parent
TRANSLATIONS = WEB / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s")
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
CONSOLE = ("console/", "templates/console/")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


PDF_METHODS = [("**.html", "jinja2")]


def source_messages(root: Path = WEB, methods=METHODS) -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for file, _line, message, _comments, _context in extract_from_dir(
        str(root), methods, keywords=KEYWORDS
    ):
        if file.startswith(CONSOLE):  # AR's console ships English and German: test_console_i18n
            continue
        found.add(tuple(message) if isinstance(message, tuple | list) else message)
    return found


# The portal's catalogue holds the PDFs' strings too: its pages include the statement body and
# the kind labels from core's templates. The PDFs read core's own catalogue.
CATALOGUES = {
    "portal": (
        TRANSLATIONS,
        lambda: source_messages() | source_messages(PDF_TEMPLATES, PDF_METHODS),
    ),
    "pdf": (PDF_TRANSLATIONS, lambda: source_messages(PDF_TEMPLATES, PDF_METHODS)),
}


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(language: str, catalogue: str) -> None:
    translations, messages = CATALOGUES[catalogue]
    with open(translations / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    compiled = Translations.load(str(translations), [language])
    untranslated = []
    for msgid in sorted(messages(), key=str):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        strings = (
            list(message.string)
            if message and isinstance(message.string, tuple)
            else [message.string if message else ""]
        )
        if message is None or message.fuzzy or not all(strings):
            untranslated.append(msgid)
            continue
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(str(msgid))), text
        if not isinstance(msgid, tuple):
            assert compiled.gettext(msgid) == message.string, f"{language}: recompile the .mo"
    assert untranslated == [], f"untranslated in {language}: {untranslated}"


def test_a_german_visitor_reads_german_dates_and_money(app, client, world):
    from tests.web.conftest import open_portal

    open_portal(app, client, world.alice_contact)
    page = client.get(
        f"/invoices/{world.invoices['A-100']}", headers={"Accept-Language": "de-DE,de;q=0.9"}
    )
    text = page.text.replace("\xa0", " ")
    assert "1.234,56 €" in text and "05.01.2026" in text
    assert "Fälligkeitsdatum" in page.text and 'lang="de"' in page.text


def test_the_contacts_preference_wins_over_the_browser(app, client, db, world):
    from core.models import Contact
    from tests.web.conftest import open_portal

    with db.admin_session() as s:
        s.get(Contact, world.alice_contact).language = "fr"
    open_portal(app, client, world.alice_contact)
    page = client.get("/invoices", headers={"Accept-Language": "de"})
    assert "Factures" in page.text and "1 234,56" in page.text.replace("\u202f", " ").replace(
        "\xa0", " "
    )
