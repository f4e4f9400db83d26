"""A format asked for in any of the seven languages is understood; an ordinary copy request
asks for none."""

from __future__ import annotations

import pytest

from core.documents.formats import Format
from intents import formats

ASKED = [
    ("Could you send invoice INV-10423 as XRechnung?", formats.XRECHNUNG_UBL),
    ("Bitte die Rechnung 4711 als X-Rechnung im CII-Format", formats.XRECHNUNG_CII),
    ("Können Sie uns die E-Rechnung zu 4711 schicken?", formats.E_INVOICE),
    ("Please send the e-invoice XML for INV-10423", formats.E_INVOICE),
    ("Merci de nous envoyer la facture au format Factur-X", formats.FACTURX),
    ("Pouvez-vous envoyer la facture électronique ?", formats.E_INVOICE),
    ("¿Nos puede enviar la factura electrónica de la 10425?", formats.E_INVOICE),
    ("Graag de e-factuur van factuur 10425", formats.E_INVOICE),
    ("Potete inviarci la fattura elettronica?", formats.E_INVOICE),
    ("Podem enviar a fatura eletrónica?", formats.E_INVOICE),
    ("Bitte als ZUGFeRD", formats.FACTURX),
    ("We need it in UBL via Peppol", formats.UBL),
]
NOT_ASKED = [
    "Please send a copy of invoice INV-10423",
    "Can you send us an electronic copy of the invoice?",
    "Bitte senden Sie uns die Rechnung 4711 erneut",
    "Nous n'avons pas reçu la facture",
]


@pytest.mark.parametrize(("text", "code"), ASKED)
def test_a_format_asked_for_is_recognised(text, code):
    assert formats.requested_format(text) == code


@pytest.mark.parametrize("text", NOT_ASKED)
def test_an_ordinary_copy_request_asks_for_no_format(text):
    assert formats.requested_format(text) is None


def test_the_codes_are_the_formats_the_documents_serve():
    assert set(formats.FORMATS) == {f.value for f in Format}
