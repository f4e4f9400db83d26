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


@pytest.mark.parametrize(
    ("table", "invoices"),
    [
        (
            "Invoice #    Invoice date    Paid\nUK-7781       01/11/2026      1,020.00\n"
            "UK-7790       04/11/2026        96.50",
            ["UK-7781", "UK-7790"],
        ),
        (
            "Datum      | Rechnungsnr. | Skonto | Zahlbetrag\n"
            "03.11.2026 | 4471         | 12,00  | 588,00\n"
            "05.11.2026 | 4479         | 0,00   | 210,00",
            ["4471", "4479"],
        ),
        (
            "| Numéro de facture | Échéance   | Montant  |\n|---|---|---|\n"
            "| 26 0412           | 30/11/2026 | 850,00 € |",
            ["26 0412"],
        ),
        ("Nº factura\tFecha\tImporte\nV-26/3381\t02/11/2026\t1.089,00", ["V-26/3381"]),
        ("Factuurnummer   Vervaldatum   Bedrag\n20264471        30-11-2026    99,00", ["20264471"]),
        ("Numero fattura | Scadenza | Importo\n77/PA | 30/11/2026 | 1.200,00", ["77/PA"]),
        (
            "Fatura         Vencimento    Valor\nFT B/2026/77   30-11-2026    410,00",
            ["FT B/2026/77"],
        ),
    ],
)
def test_every_number_in_a_remittance_tables_invoice_column_is_a_reference(table, invoices):
    text = f"Good morning,\n\nwe paid today:\n\n{table}\n\nTotal as above.\n"
    assert list(extract(text).invoices) == invoices


@pytest.mark.parametrize(
    ("text", "invoices"),
    [
        ("Please resend invoice INV-UK-5001.", ["INV-UK-5001"]),
        ("Kopie der Rechnung RE-2026-0102 bitte.", ["RE-2026-0102"]),
        ("pls resend re-2026-0102", ["re-2026-0102"]),
        ("Can I get S-INV104211 again?", ["S-INV104211"]),
        ("Merci de renvoyer la facture FR 2025B/118.", ["FR 2025B/118"]),
        ("necesitamos la factura 2026/A/0091", ["2026/A/0091"]),
        ("Bitte die Rechnung 2026 0481 nochmal senden.", ["2026 0481"]),
        ("please resend GS-2026-0007", ["GS-2026-0007"]),
        ("kannst du mir die 88210 nochmal schicken?", ["88210"]),
    ],
)
def test_numbering_with_series_spaces_and_letters_is_found_whole(text, invoices):
    assert list(extract(text).invoices) == invoices


@pytest.mark.parametrize(
    "text",
    [
        "Our payment (cheque 004417) covers invoice 55021.",
        "Payment document 1500023417 (payment run of 20 Nov) settles invoice 55021.",
        "Die Belegnummer 1400031877 (Zahlungsbeleg) gehört zur Rechnung 55021.",
        "About ticket [TCK-5521]: please resend invoice 55021.",
    ],
)
def test_numbers_that_name_payments_and_tickets_are_not_references(text):
    assert list(extract(text).invoices) == ["55021"]


def test_documents_acknowledged_as_received_are_not_asked_for_again():
    text = "We have 88120 and 88121 on file, but 88135 never arrived - could you send that one?"
    assert list(extract(text).invoices) == ["88135"]
    spanish = "La factura 2026-0510 ya la tenemos, pero nos falta la 2026-0522."
    assert list(extract(spanish).invoices) == ["2026-0522"]


def test_an_acknowledged_invoice_is_still_the_subject_when_nothing_else_is_named():
    text = "We've received INV-00931 but the unit price is wrong. Please correct it."
    assert list(extract(text).invoices) == ["INV-00931"]
