"""Dutch phrase bank for generated training messages (slots as in `en`)."""
# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings

GREETINGS = ["Goedemorgen,", "Goedemiddag,", "Hallo,", "Beste,", "Geachte leverancier,", "Hoi,", ""]
CLOSINGS = ["Met vriendelijke groet,", "Groet,", "Alvast bedankt.", "Bedankt!", "Groetjes,", ""]
FILLERS = [
    "Wij willen graag onze administratie afstemmen.",
    "We zijn overgestapt op een nieuw boekhoudpakket.",
    "Het is voor de maandafsluiting.",
    "",
]
SUBJECTS = {
    "invoice_copy": [
        "Kopie factuur {inv}",
        "Factuur {inv}",
        "Openstaande facturen",
        "Ontbrekende factuur",
    ],
    "statement": ["Verzoek rekeningoverzicht", "Rekeningoverzicht", "Overzicht openstaande posten"],
    "balance": ["Openstaand saldo", "Saldo", "Stand van zaken"],
    "payment_status": ["Betaling factuur {inv}", "Betalingsspecificatie", "Betaling"],
    "dispute": ["Onjuiste factuur {inv}", "Dubbele factuur", "Creditnota gevraagd"],
}
REQUESTS = {
    "invoice_copy": [
        "Wij hebben factuur {inv} niet ontvangen. Kunt u ons een kopie mailen?",
        "Kunnen jullie factuur {inv} nog een keer sturen? Kan hem niet vinden.",
        "Kunt u ons al uw openstaande facturen nogmaals toesturen?",
        "Ik kan factuur {inv} nergens meer vinden. Kunnen jullie hem nog een keer mailen?",
        "Graag ontvangen wij een kopie van de facturen {invs}.",
        "Kunt u de facturen van {month} opnieuw sturen?",
    ],
    "statement": [
        "Kunt u ons een rekeningoverzicht sturen van alle openstaande posten?",
        "Graag ontvangen wij een rekeningoverzicht per {date}.",
        "Mag ik een rekeningoverzicht van dit jaar tot nu toe?",
        "Kunt u ons een overzicht van de openstaande facturen sturen?",
    ],
    "balance": [
        "Kunt u mij laten weten wat ons huidige openstaande saldo bij u is?",
        "Hoeveel staat er in totaal open en hoeveel daarvan is vervallen? Geen overzicht nodig, alleen de bedragen.",
        "Wat is het openstaande bedrag op ons account?",
    ],
    "payment_status": [
        "Wij hebben op {date} factuur {inv} voldaan. Kunt u nagaan of de betaling is ontvangen?",
        "Hierbij ontvangt u de specificatie van onze betaling voor de facturen {invs}.",
        "Is onze betaling van {amount} al bij u binnen?",
        "Hebben jullie onze betaling voor factuur {inv} ontvangen? We hebben vorige week overgemaakt.",
        "Kunt u bevestigen dat de betaling van factuur {inv} is verwerkt?",
    ],
    "dispute": [
        "Factuur {inv} bevat een verkeerde prijs. Graag ontvangen wij een creditnota.",
        "U heeft dezelfde levering twee keer gefactureerd: {invs}.",
        "Het aantal op factuur {inv} klopt niet. Wilt u de factuur corrigeren?",
    ],
}
AUTO_REPLIES = [
    (
        "Automatisch antwoord: {subject}",
        "Bedankt voor uw bericht. Ik ben afwezig tot en met {date} en heb beperkt toegang tot mijn e-mail.",
    ),
    ("Afwezig: {subject}", "Ik ben met vakantie tot {date}. Uw bericht wordt niet doorgestuurd."),
    ("Onbestelbaar: {subject}", "Uw bericht kon niet worden bezorgd bij de ontvanger."),
    ("Gelezen: {subject}", "Uw bericht is gelezen op {date}."),
]
OTHERS = [
    ("Nieuwe bankgegevens", "Graag wijzen wij u op onze nieuwe bankrekening vanaf {date}."),
    (
        "Leveranciersgegevens",
        "Wilt u het bijgevoegde leveranciersformulier invullen en terugsturen?",
    ),
    ("Offerteaanvraag", "Kunt u ons een offerte sturen voor 50 stuks?"),
    (
        "Nieuw factuuradres",
        "Vanaf volgende maand graag alle facturen naar facturen@example.nl sturen.",
    ),
]
