"""German phrase bank for generated training messages (slots as in `en`)."""
# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings

GREETINGS = [
    "Sehr geehrte Damen und Herren,",
    "Hallo,",
    "Guten Tag,",
    "Guten Morgen,",
    "Hallo zusammen,",
    "Liebe Kolleginnen und Kollegen,",
    "Hallo Frau Schneider,",
    "",
]
CLOSINGS = [
    "Mit freundlichen Grüßen",
    "Viele Grüße",
    "Danke und Gruß",
    "Freundliche Grüße",
    "Vielen Dank!",
    "Beste Grüße",
    "",
]
FILLERS = [
    "Wir stellen gerade auf eine neue Buchhaltungssoftware um.",
    "Das benötigen wir für den Monatsabschluss.",
    "Unsere Wirtschaftsprüfer fragen danach.",
    "Vielen Dank im Voraus.",
    "Es ist leider etwas dringend.",
    "",
]
SUBJECTS = {
    "invoice_copy": [
        "Rechnungskopie",
        "Fehlende Rechnung",
        "Rechnung {inv}",
        "Kopie Rechnung {inv}",
        "Rechnungen {month}",
    ],
    "statement": [
        "Kontoauszug",
        "Anforderung Kontoauszug",
        "OP-Liste",
        "Offene Posten Liste",
        "Kontoauszug {month}",
    ],
    "balance": ["Offener Saldo", "Saldo", "Offene Beträge", "Kontostand"],
    "payment_status": ["Zahlungseingang Rechnung {inv}", "Zahlungsavis", "Zahlung", "Überweisung"],
    "dispute": [
        "Reklamation Rechnung {inv}",
        "Einspruch Rechnung {inv}",
        "Rechnung {inv} fehlerhaft",
        "Doppelte Rechnung",
    ],
}
REQUESTS = {
    "invoice_copy": [
        "Bitte senden Sie uns eine Kopie der Rechnung Nr. {inv}.",
        "Könnten Sie uns die Rechnung {inv} noch einmal zusenden? Das Original ist verloren gegangen.",
        "Die Rechnung {inv} liegt uns nicht vor – können Sie mir bitte eine Kopie schicken?",
        "Uns fehlen sämtliche Rechnungen aus dem {month}. Bitte schicken Sie diese als PDF.",
        "Könnt ihr mir die Rechnung {inv} nochmal schicken? Finde sie nicht.",
        "Bitte senden Sie uns die Rechnungen {invs} erneut zu.",
        "Zu unserer Bestellnummer {po} liegt uns noch keine Rechnung vor. Bitte senden Sie uns die Rechnung.",
        "Die PDF-Datei zur Rechnung {inv} lässt sich nicht öffnen. Bitte senden Sie sie noch einmal.",
        "Bitte schicken Sie uns Kopien aller offenen Rechnungen.",
        "Wir benötigen ein Duplikat der Rechnung {inv}.",
    ],
    "statement": [
        "Bitte senden Sie uns einen aktuellen Kontoauszug.",
        "Könnten Sie uns einen Kontoauszug für den Vormonat zukommen lassen?",
        "Bitte übersenden Sie uns eine OP-Liste für das erste Quartal.",
        "Wir benötigen eine Aufstellung aller offenen Posten zum {date}.",
        "Bitte schicken Sie uns eine Saldenbestätigung bzw. einen Kontoauszug per {date}.",
        "Kannst du mir einen Kontoauszug für {month} schicken?",
        "Bitte senden Sie uns eine Liste der offenen Posten für unsere Abstimmung.",
        "Für unseren Jahresabschluss benötigen wir einen Kontoauszug für das gesamte Jahr.",
    ],
    "balance": [
        "Wie hoch ist unser gesamter offener Saldo bei Ihnen aktuell?",
        "Können Sie mir bitte mitteilen, welcher Betrag überfällig ist?",
        "Wie viel schulden wir Ihnen derzeit?",
        "Bitte bestätigen Sie uns den tatsächlichen offenen Betrag.",
        "Welche Beträge sind bei uns noch offen und was davon ist fällig?",
        "Wie hoch ist der offene Betrag auf unserem Kundenkonto?",
        "Was müssen wir zahlen, damit das Konto ausgeglichen ist?",
    ],
    "payment_status": [
        "Können Sie bitte prüfen, ob unsere Überweisung über {amount} für die Rechnung {inv} eingegangen ist?",
        "Ist unsere Zahlung für die {inv} schon bei euch eingegangen?",
        "Wir haben heute folgende Rechnungen zur Zahlung angewiesen: {invs}.",
        "Die Rechnung {inv} haben wir am {date} bezahlt. Bitte bestätigen Sie den Zahlungseingang.",
        "Anbei unser Zahlungsavis über {amount} für die Rechnungen {invs}.",
        "Wurde unsere Zahlung richtig zugeordnet?",
        "Haben Sie unsere Zahlung für die Rechnung {inv} erhalten? Wir haben letzte Woche überwiesen.",
        "Können Sie bestätigen, dass die Zahlung zur Rechnung {inv} verbucht wurde?",
    ],
    "dispute": [
        "Zu Ihrer Rechnung Nr. {inv} müssen wir widersprechen: der Preis entspricht nicht der Bestellung.",
        "In der Rechnung {inv} wurden die Frachtkosten doppelt berechnet. Bitte schicken Sie uns eine Gutschrift.",
        "Die Position Expresszuschlag in Rechnung {inv} wurde nicht beauftragt. Bitte stornieren Sie den Zuschlag.",
        "Die Menge in Rechnung {inv} stimmt nicht, wir haben weniger erhalten. Bitte korrigieren.",
        "Die Rechnungen {invs} betreffen dieselbe Lieferung. Bitte stornieren Sie eine davon.",
        "Die Rechnung {inv} wird bis zur Klärung nicht zur Zahlung freigegeben.",
        "Der vereinbarte Rabatt fehlt auf der Rechnung {inv}. Bitte um Gutschrift.",
    ],
}
AUTO_REPLIES = [
    (
        "Abwesenheitsnotiz: {subject}",
        "Vielen Dank für Ihre Nachricht. Ich bin bis {date} nicht im Büro. Ihre E-Mail wird nicht weitergeleitet.",
    ),
    (
        "Automatische Antwort: {subject}",
        "Guten Tag, ich befinde mich bis zum {date} im Urlaub. In dringenden Fällen wenden Sie sich bitte an buchhaltung@example.de.",
    ),
    (
        "Unzustellbar: {subject}",
        "Die Nachricht konnte nicht zugestellt werden. Der Empfänger wurde nicht gefunden.",
    ),
    ("Gelesen: {subject}", "Ihre Nachricht wurde am {date} gelesen."),
    (
        "Automatische Antwort: {subject}",
        "Frau Müller ist nicht mehr im Unternehmen. Dieses Postfach wird nicht mehr betreut.",
    ),
    (
        "Eingangsbestätigung",
        "Dies ist eine automatisch generierte Eingangsbestätigung. Ihre Nachricht ist bei uns eingegangen. Bitte antworten Sie nicht auf diese E-Mail.",
    ),
]
OTHERS = [
    (
        "Neue Bankverbindung",
        "Bitte beachten Sie, dass sich unsere Bankverbindung ändert. Die Bestätigung der Bank liegt bei.",
    ),
    (
        "Lieferantenstammdaten",
        "Bitte füllen Sie das beigefügte Lieferantenstammblatt aus und senden Sie es unterschrieben zurück.",
    ),
    (
        "Neue Rechnungsadresse",
        "Ab sofort senden Sie Rechnungen bitte ausschließlich an rechnungseingang@example.de.",
    ),
    (
        "Einladung Lieferantentag",
        "Wir laden Sie herzlich zu unserem Lieferantentag ein. Anmeldung unter https://example.de.",
    ),
    ("Anfrage Angebot", "Können Sie uns ein Angebot für 200 Stück Edelstahlschrauben schicken?"),
    (
        "Freistellungsbescheinigung",
        "Bitte senden Sie uns Ihre aktuelle Freistellungsbescheinigung.",
    ),
    (
        "Firmierungsänderung",
        "Unsere Firma firmiert ab dem {date} unter neuem Namen. Bitte passen Sie Ihre Stammdaten an.",
    ),
]
