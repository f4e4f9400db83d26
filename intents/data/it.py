"""Italian phrase bank for generated training messages (slots as in `en`)."""
# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings

GREETINGS = ["Buongiorno,", "Gentili signori,", "Spett.le fornitore,", "Ciao,", "Buonasera,", ""]
CLOSINGS = ["Cordiali saluti", "Distinti saluti", "Grazie,", "Grazie mille,", "Saluti,", ""]
FILLERS = [
    "Ci serve per la riconciliazione.",
    "Dobbiamo pianificare i pagamenti di fine mese.",
    "È per le verifiche di fine mese.",
    "",
]
SUBJECTS = {
    "invoice_copy": [
        "Richiesta copia fattura",
        "Copia fattura {inv}",
        "Fattura {inv} non ricevuta",
    ],
    "statement": ["Richiesta estratto conto", "Estratto conto", "Estratto conto {month}"],
    "balance": ["Situazione debitoria", "Saldo", "Importo scaduto"],
    "payment_status": [
        "Avviso di pagamento",
        "Conferma ricezione pagamento",
        "Bonifico fattura {inv}",
    ],
    "dispute": ["Contestazione fattura {inv}", "Errore fattura {inv}", "Fattura doppia"],
}
REQUESTS = {
    "invoice_copy": [
        "Vi chiediamo copia della fattura n. {inv}.",
        "Mi mandi la fattura {inv}? Non mi è arrivata.",
        "Ci servirebbe copia delle fatture {invs}, che non risultano registrate.",
        "La fattura {inv} non ci è arrivata tramite SDI. Potete mandarci copia in PDF?",
        "Potreste inviarci tutte le fatture di {month}?",
    ],
    "statement": [
        "Vi chiediamo cortesemente di inviarci l'estratto conto della nostra posizione.",
        "Potreste inviarci l'estratto conto relativo al mese scorso?",
        "Ci inviate l'estratto conto al {date} con evidenza delle partite aperte?",
        "Vi chiediamo l'estratto conto aggiornato.",
    ],
    "balance": [
        "Potreste comunicarci l'importo complessivo ancora da saldare e quanto risulta già scaduto?",
        "Qual è il saldo a debito della nostra posizione?",
        "Quanto vi dobbiamo ad oggi?",
    ],
    "payment_status": [
        "Vi chiediamo di confermarci la ricezione del bonifico a saldo della fattura n. {inv}.",
        "Abbiamo disposto bonifico bancario a saldo delle seguenti fatture: {invs}.",
        "Il pagamento della fattura {inv} è arrivato?",
        "Avete ricevuto il nostro pagamento della fattura {inv}? Il bonifico è partito la settimana scorsa.",
        "Potete verificare se il pagamento della fattura {inv} risulta registrato?",
    ],
    "dispute": [
        "La fattura n. {inv} riporta un prezzo errato. Vi chiediamo di emettere nota di credito.",
        "La fattura {inv} riporta IVA al 22% ma l'operazione è non imponibile. Riemettete la fattura corretta.",
        "Contestiamo la fattura {inv}: le quantità non corrispondono.",
    ],
}
AUTO_REPLIES = [
    (
        "Risposta automatica: {subject}",
        "Sarò assente dall'ufficio fino al {date} con accesso limitato alla posta elettronica.",
    ),
    (
        "Risposta automatica: {subject}",
        "Sono in ferie fino al {date}. Per urgenze scrivere a amministrazione@example.it.",
    ),
    ("Fuori ufficio", "Sono fuori ufficio e rientrerò il {date}."),
    ("Non recapitabile: {subject}", "Impossibile recapitare il messaggio al destinatario."),
]
OTHERS = [
    (
        "Variazione coordinate bancarie",
        "Vi comunichiamo le nuove coordinate bancarie a partire dal {date}.",
    ),
    ("Richiesta offerta", "Potete inviarci un'offerta per 100 pezzi?"),
    (
        "Codice SDI",
        "Vi comunichiamo il nostro nuovo codice destinatario SDI per la fatturazione elettronica.",
    ),
    ("Documentazione fornitore", "Vi chiediamo di inviarci il DURC aggiornato."),
]
