"""The console ships in English and German: every string of its pages and messages has a German
translation, and a German browser reads the console in German."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

from tests.web.test_translations import CONSOLE, KEYWORDS, METHODS, TRANSLATIONS, WEB


def test_every_console_message_has_a_german_translation() -> None:
    with open(TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    compiled = Translations.load(str(TRANSLATIONS), ["de"])
    messages = {
        message
        for file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), METHODS, keywords=KEYWORDS
        )
        if file.startswith(CONSOLE)
    }
    assert len(messages) > 100
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []
    assert all(compiled.gettext(m) == catalog.get(m).string for m in messages), "recompile"


def test_a_german_browser_reads_the_console_in_german(admin) -> None:
    page = admin.get("/ar/requests", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert "Anfragen" in page and "Warteschlange" in page and "Prüfprotokoll" in page
    english = admin.get("/ar/requests", headers={"Accept-Language": "en"}).text
    assert "Audit trail" in english
