"""Cue words that tell what a number next to them is, in the seven languages.

Kept as data so that adding a language or an ERP's habit is a one-line change. Longer phrases come
first in each list: the alternation takes the first that matches.
"""

from __future__ import annotations

INVOICE_CUES: tuple[str, ...] = (
    # en
    r"invoices? (?:pdf |copy )?(?:for|of)",
    r"invoice copy",
    r"invoiced (?:\w+ ){0,2}on",
    r"invoices?",
    r"inv\.?",
    r"copies of",
    r"copy of",
    r"bills? no\.?",
    # de
    r"rechnungs-?(?:nummer|nr\.?)",
    r"rechnungen",
    r"rechnung",
    r"re\.?-nr\.?",
    r"beleg-?nr\.?",
    r"belegnummer",
    r"kopie (?:der|von)",
    # fr
    r"duplicata de la facture",
    r"duplicata",
    r"factures?",
    r"fact\.",
    # es
    r"facturas?",
    r"fra\.",
    # nl
    r"factuurnummer",
    r"factuurnr\.?",
    r"facturen",
    r"factuur",
    # it
    r"fatture",
    r"fattura",
    r"fatt\.",
    # pt
    r"faturas?",
    r"2ª via da fatura",
)

PO_CUES: tuple[str, ...] = (
    # en
    r"purchase orders?(?: number| no\.?)?",
    r"p\.?o\.?s?(?: number| no\.?)?",
    r"order(?: number| no\.?)?",
    # de
    r"bestellnummer",
    r"bestell-?nr\.?",
    r"bestellung",
    r"auftrags-?(?:nummer|nr\.?)",
    r"auftrag",
    # fr
    r"bons? de commande",
    r"(?:n[°º] de )?commande",
    # es
    r"orden(?:es)? de compra",
    r"pedidos?",
    # nl
    r"inkoopordernummer",
    r"inkooporder",
    r"ordernummer",
    r"bestelnummer",
    r"bestelling",
    # it
    r"ordine(?: d'acquisto)?",
    # pt
    r"nota de encomenda",
    r"encomendas?",
    r"ordem de compra",
)

#: Numbers after these words are something else: ids, tickets, other documents, registrations.
OTHER_CUES: tuple[str, ...] = (
    # identifiers of parties and accounts
    r"customer(?: number| no\.?| id)?",
    r"cust\.?",
    r"client(?: number| no\.?)?",
    r"account(?: number| no\.?)?",
    r"acct\.?",
    r"acc\.?",
    r"vendor(?: number| no\.?| id)?",
    r"supplier(?: number| no\.?| id)?",
    r"kunden-?(?:nummer|nr\.?)",
    r"kundennr\.?",
    r"debitoren-?(?:nummer|nr\.?)",
    r"lieferanten-?(?:nummer|nr\.?)",
    r"debiteurennummer",
    r"klantnummer",
    r"numéro client",
    r"n[°º] client",
    r"cliente",
    r"(?:n[ºo°] de )?proveedor",
    r"fornitore",
    r"fornecedor",
    # payments
    r"payment(?: ref(?:erence)?| number| no\.?| id)?",
    r"ref(?:erence)?",
    r"wire(?: ref)?",
    r"trace",
    r"checks?",
    r"cheques?",
    r"chèques?",
    r"eft",
    r"ach",
    r"referencia",
    r"référence(?: de l'opération)?",
    r"riferimento",
    r"referência",
    r"kenmerk",
    r"verwendungszweck",
    # other documents
    r"tickets?",
    r"incidents?",
    r"case",
    r"delivery (?:note|ticket|receipt)",
    r"packing slip",
    r"bol",
    r"grn",
    r"rma",
    r"shipment",
    r"tracking",
    r"lieferschein",
    r"albar[aá]n",
    r"bon de livraison",
    r"bl",
    r"pakbon",
    r"bolla",
    r"ddt",
    r"guia de remessa",
    r"quotes?",
    r"quotation",
    r"angebot",
    r"devis",
    r"presupuesto",
    r"offerte",
    r"offerta",
    r"orçamento",
    r"credit (?:note|memo)",
    r"gutschrift",
    r"avoir",
    r"abono",
    r"creditnota",
    r"nota di credito",
    r"nota de crédito",
    r"contract",
    r"job",
    r"project",
    # registrations and contact
    r"vat(?: reg)?(?: no\.?| number)?",
    r"tax id",
    r"ust-?idnr\.?",
    r"steuernummer",
    r"hrb",
    r"hra",
    r"kvk",
    r"btw",
    r"siret",
    r"siren",
    r"nif",
    r"cif",
    r"p\.? ?iva",
    r"abn",
    r"gst(?: reg)?(?: no\.?)?",
    r"iban",
    r"tel\.?",
    r"phone",
    r"fax",
    r"mobile",
    r"ext\.?",
    r"section",
    r"clause",
)

#: Prefixes that ERPs put on invoice numbers (INV-00123, SI-7794, FT 2026/0457, R-26-00117 ...).
INVOICE_PREFIXES: frozenset[str] = frozenset(
    {
        "INV",
        "IN",
        "SI",
        "SINV",
        "FTI",
        "FT",
        "FAC",
        "FA",
        "F",
        "FV",
        "FR",
        "R",
        "RE",
        "RG",
        "RN",
        "FAT",
        "FACT",
        "BILL",
        "IV",
        "FC",
        "VF",
    }
)
PO_PREFIXES: frozenset[str] = frozenset({"PO", "PUR", "BC", "NE", "OC", "BE", "OA"})

#: Words that introduce a sentence about references the sender does *not* ask about.
DISMISSALS: tuple[str, ...] = (
    # en
    r"\bno need\b",
    r"\balready (?:have|got|received|paid|booked|sorted|settled)\b",
    r"\bdon'?t need\b",
    r"\bnot needed\b",
    r"\binternally\b",
    r"\bthe other(?: one|s| two)?\b",
    r"\bthe older one\b",
    r"\bwill be paid\b",
    r"\bcan be ignored\b",
    # de
    r"\bintern\b",
    r"\bdie andere[n]?\b",
    r"\bliegt uns (?:bereits|schon) vor\b",
    r"\bbereits (?:bezahlt|erhalten|gebucht)\b",
    # fr
    r"\ben interne\b",
    r"\bles (?:deux )?autres\b",
    r"\bl'autre\b",
    r"\bdéjà (?:payée?s?|reçue?s?)\b",
    r"\bpas besoin\b",
    # es
    r"\bya (?:está|están) (?:contabilizad|pagad|registrad)\w*",
    r"\bla otra\b",
    r"\blas otras\b",
    r"\binternamente\b",
    r"\bno hace falta\b",
    # nl
    r"\bde overige\b",
    r"\bde andere\b",
    r"\bal betaald\b",
    # it
    r"\bl'altra\b",
    r"\ble altre\b",
    r"\bgià (?:pagat|ricevut|registrat)\w*",
    r"\bnon serve\b",
    # pt
    r"\ba outra\b",
    r"\bas outras\b",
    r"\bjá (?:paga|pagas|recebid\w*|temos)\b",
    r"\bnão é necessári[oa]\b",
)

#: Words that acknowledge a document as received. A sentence with them sets its references aside
#: only when the message asks for another one ("we have 3301 and 3305, but 3312 is missing").
ACKNOWLEDGEMENTS: tuple[str, ...] = (
    r"\bwe(?:'ve| have)? (?:already )?(?:received|got)\b",
    r"\b(?:we have|we've got)\b[^.;\n]{0,40}\bon file\b",
    r"\bliegen uns (?:bereits |schon )?vor\b",
    r"\bhaben wir (?:bereits |schon )?(?:erhalten|bekommen)\b",
    r"\bnous avons (?:bien )?reçu\b",
    r"\b(?:ya )?(?:la|las|lo|los) tenemos\b",
    r"\bhebben we (?:al|ontvangen)\b",
    r"\babbiamo (?:già )?ricevut\w*",
    r"\b(?:já )?recebemos\b",
)

#: Verbs asking for a document: they make even a code with an unknown prefix the thing asked about
#: ("please resend GS-2026-0007"). Verbs about payments ("paid", "received") do not.
COPY_VERBS: tuple[str, ...] = (
    r"re-?send(?:ing)?",
    r"send(?:ing)?",
    r"forward",
    r"copy",
    r"copies",
    r"(?:zu)?schicken",
    r"(?:zu)?senden",
    r"mandar",
    r"mandáis",
    r"mandadnos",
    r"mailen",
    r"renvoyer",
    r"envoyer",
    r"reenviar",
    r"enviar",
    r"sturen",
    r"mandare",
    r"inviare",
    r"reinviare",
)

#: Verbs that make a bare number the thing asked about ("can you resend 2026-0487").
REQUEST_VERBS: tuple[str, ...] = (
    *COPY_VERBS,
    r"get",
    r"got",
    r"need",
    r"received?",
    r"paid",
    r"pay(?:ment)? for",
    r"payment on",
    r"email",
    r"missing",
    r"fehlt",
    r"falta",
    r"faltan",
    r"manque",
    r"ontbreekt",
    r"manca",
)
