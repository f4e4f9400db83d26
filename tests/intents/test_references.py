"""Invoice and PO references per language, and the numbers that are not references."""

import pytest

from intents.references import extract


@pytest.mark.parametrize(
    ("text", "invoices"),
    [
        ("Please resend invoice 77120345, it never arrived.", ["77120345"]),
        ("can u resend inv 3318? lost it", ["3318"]),
        ("Could you send copies of invoices 2210, 2214 and 2231?", ["2210", "2214", "2231"]),
        ("Bitte senden Sie uns eine Kopie der Rechnung Nr. 2027-0415.", ["2027-0415"]),
        ("Pourriez-vous nous renvoyer la facture n° F2027/231 du 03/02/2027 ?", ["F2027/231"]),
        ("Les factures n° F2027/0301 et F2027/0322 manquent.", ["F2027/0301", "F2027/0322"]),
        ("¿Me reenviáis la factura 2027/118? No la encuentro.", ["2027/118"]),
        ("Wij missen factuur 2027.0211, kunt u die sturen?", ["2027.0211"]),
        ("Ci servirebbe copia delle fatture n. 415/2027 e n. 432/2027.", ["415/2027", "432/2027"]),
        ("Podem reenviar a fatura FT 2027/0815? Obrigado", ["FT 2027/0815"]),
        ("morning! pls resend SI-20451 and INV-08812", ["SI-20451", "INV-08812"]),
        ("Could you send invoice #55190 to our new address?", ["55190"]),
        ("we never got 81230977 - please send a copy", ["81230977"]),
    ],
)
def test_it_finds_invoice_references_with_a_cue_in_each_language(text, invoices):
    assert list(extract(text).invoices) == invoices


@pytest.mark.parametrize(
    ("text", "pos"),
    [
        ("Please send the invoice for our PO 4500998877.", ["4500998877"]),
        ("Zu unserer Bestellnummer 4500112233 fehlt die Rechnung.", ["4500112233"]),
        ("Notre bon de commande : BC-2027-0099.", ["BC-2027-0099"]),
        ("la factura de nuestro pedido nº 4500661122", ["4500661122"]),
        ("ons ordernummer 77120 graag vermelden", ["77120"]),
        ("referente à nossa encomenda 9921", ["9921"]),
    ],
)
def test_it_finds_purchase_order_references(text, pos):
    assert list(extract(text).purchase_orders) == pos


@pytest.mark.parametrize(
    "text",
    [
        "Call me on +44 (0)1632 960 118 or 01632 960 555.",
        "Our IBAN is DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX.",
        "VAT Reg No. GB 123 4567 89 | USt-IdNr.: DE 123 456 789",
        "Unit 4, Mill Lane, Leeds LS1 4AB and 73430 Aalen",
        "The delivery on 14/03/2027 and the one on 2027-03-21.",
        "We paid $12,480.50 and 3.480,00 € last week.",
        "Lieferschein 80017745 and delivery note DN-22071 arrived.",
        "Please quote ticket #2027031500042 and incident INC0099812.",
        "Our customer number is 200418 and account 55021.",
        "The credit note CN-4410 and quote Q-2027-0051 are attached.",
        "We mailed check #20874 on Monday.",
        "Payment ref: 0000418823",
    ],
)
def test_it_ignores_numbers_that_are_not_references(text):
    assert extract(text).invoices == ()


def test_bare_digits_need_a_cue_or_a_known_format():
    text = "Could you look at 4471 for me?"
    assert extract(text).invoices == ()
    assert extract(text, invoice_patterns=[r"\d{4}"]).invoices == ("4471",)


def test_references_the_sender_dismisses_are_not_requests():
    text = "Please send a copy of invoice 104233. The other one (104198) was already paid."
    assert extract(text).invoices == ("104233",)


def test_remittance_table_rows_under_an_invoice_column_are_references():
    text = (
        "Invoice No.     Invoice Date    Amount Paid\n"
        "71100231        01/05/2027         6,210.00\n"
        "71100248        01/09/2027         4,880.40\n"
    )
    assert extract(text).invoices == ("71100231", "71100248")
