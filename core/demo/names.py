"""Pools the demo generator draws from: countries, people, company names and a product catalogue.

Everything is precomputed plain data so that generating a million invoices never calls a name
library per row: the generator only indexes into these tuples.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    languages: tuple[str, ...]  # the first is the usual one; English is always possible too
    currency: str
    tax_rates: tuple[str, ...]  # percent, as exact text; the first is the standard rate
    tld: str
    legal_forms: tuple[str, ...]
    cities: tuple[str, ...]
    payment_methods: tuple[str, ...]


COUNTRIES: dict[str, Country] = {
    country.code: country
    for country in (
        Country("DE", ("de",), "EUR", ("19",), "de", ("GmbH", "AG", "GmbH & Co. KG", "KG"),
                ("Hamburg", "München", "Köln", "Stuttgart", "Leipzig"), ("sepa_credit_transfer",)),
        Country("AT", ("de",), "EUR", ("20",), "at", ("GmbH", "AG"),
                ("Wien", "Graz", "Linz"), ("sepa_credit_transfer",)),
        Country("CH", ("de", "fr", "it"), "CHF", ("8.1",), "ch", ("AG", "GmbH", "SA", "Sàrl"),
                ("Zürich", "Basel", "Genève", "Lugano"), ("wire",)),
        Country("FR", ("fr",), "EUR", ("20",), "fr", ("SAS", "SA", "SARL"),
                ("Lyon", "Paris", "Lille", "Nantes", "Toulouse"), ("sepa_credit_transfer",)),
        Country("BE", ("nl", "fr"), "EUR", ("21",), "be", ("NV", "BV", "SA", "SRL"),
                ("Antwerpen", "Gent", "Bruxelles", "Liège"), ("sepa_credit_transfer",)),
        Country("NL", ("nl",), "EUR", ("21",), "nl", ("B.V.", "N.V."),
                ("Rotterdam", "Utrecht", "Eindhoven", "Amsterdam"), ("sepa_credit_transfer",)),
        Country("ES", ("es",), "EUR", ("21",), "es", ("S.L.", "S.A."),
                ("Madrid", "Barcelona", "Valencia", "Bilbao"), ("sepa_credit_transfer",)),
        Country("IT", ("it",), "EUR", ("22",), "it", ("S.r.l.", "S.p.A."),
                ("Milano", "Torino", "Bologna", "Verona"), ("sepa_credit_transfer",)),
        Country("PT", ("pt",), "EUR", ("23",), "pt", ("Lda.", "S.A."),
                ("Lisboa", "Porto", "Braga"), ("sepa_credit_transfer",)),
        Country("GB", ("en",), "GBP", ("20",), "co.uk", ("Ltd", "PLC"),
                ("Manchester", "Leeds", "Bristol", "Glasgow", "London"),
                ("bacs", "faster_payment")),
        Country("IE", ("en",), "EUR", ("23",), "ie", ("Ltd", "DAC"),
                ("Dublin", "Cork", "Galway"), ("sepa_credit_transfer",)),
        Country("US", ("en", "es"), "USD", ("0", "6.25", "7.25", "8.875"), "com",
                ("Inc.", "LLC", "Corp."), ("Chicago", "Houston", "Columbus", "Denver", "Atlanta"),
                ("ach", "wire", "check")),
    )
}

# The first countries go to the first accounts, so even a tiny data set has EUR, USD and GBP.
LEADING_COUNTRIES = ("DE", "US", "GB", "FR", "NL", "ES", "IT", "PT", "CH", "BE")
# How often the others come up: a European supplier with a solid US and UK business.
COUNTRY_WEIGHTS = {"DE": 24, "FR": 12, "NL": 8, "BE": 4, "AT": 5, "CH": 5, "ES": 8, "IT": 8,
                   "PT": 3, "GB": 10, "IE": 2, "US": 11}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Anna", "Jonas", "Katrin", "Lukas", "Sabine", "Matthias", "Julia", "Stefan", "Petra",
           "Felix", "Claudia", "Tobias", "Miriam", "Jürgen", "Lena", "Uwe"),
    "fr": ("Camille", "Julien", "Sophie", "Nicolas", "Élodie", "Mathieu", "Chloé", "Antoine",
           "Isabelle", "Thomas", "Margaux", "Pierre", "Céline", "François"),
    "es": ("Lucía", "Javier", "María", "Alejandro", "Carmen", "Pablo", "Laura", "Sergio", "Marta",
           "Diego", "Elena", "Raúl"),
    "nl": ("Sanne", "Daan", "Lotte", "Bram", "Eva", "Joost", "Femke", "Ruben", "Inge", "Sven",
           "Marloes", "Pieter"),
    "it": ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo",
           "Elisa", "Davide", "Valentina", "Paolo"),
    "pt": ("Inês", "João", "Beatriz", "Tiago", "Mariana", "Rui", "Catarina", "Miguel", "Sofia",
           "Pedro", "Joana", "Nuno"),
    "en": ("Emma", "James", "Olivia", "Michael", "Sarah", "David", "Emily", "Daniel", "Hannah",
           "Robert", "Grace", "Thomas", "Priya", "Kevin", "Aisha", "Liam"),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Garnier"),
    "es": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Ruiz", "Díaz", "Moreno"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
           "de Boer", "Mulder", "Bos", "Vos"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco", "Bruno", "Gallo"),
    "pt": ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
           "Martins", "Sousa", "Fernandes", "Gonçalves", "Marques"),
    "en": ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
           "Patel", "Walker", "Clarke", "Wright", "Murphy", "Nguyen", "Hughes", "Green"),
}

# Company names: a stem, then a trade, then the legal form of the country.
NAME_STEMS: dict[str, tuple[str, ...]] = {
    "de": ("Nordwind", "Rheintal", "Alpenblick", "Elbe", "Brückner", "Hansa", "Sonnenfeld",
           "Weißhorn", "Lindner", "Falkenberg", "Eichwald", "Kranich"),
    "fr": ("Armor", "Lumière", "Belvédère", "Garonne", "Atlantique", "Mistral", "Vallée",
           "Beaulieu", "Rocher", "Provence", "Sologne"),
    "es": ("Ibérica", "Levante", "Costa Azul", "Sierra", "Mediterránea", "Castilla", "Olivar",
           "Galicia", "Puerto"),
    "nl": ("Noordzee", "Polder", "Delta", "Oranje", "Waterland", "Duinrand", "Zuiderkruis",
           "Maasland", "Vlieland"),
    "it": ("Aurora", "Dolomiti", "Laguna", "Vesuvio", "Toscana", "Adriatica", "Fenice", "Lario",
           "Ponente"),
    "pt": ("Atlântico", "Douro", "Lusitânia", "Tejo", "Alvorada", "Minho", "Algarve"),
    "en": ("Summit", "Riverside", "Keystone", "Northgate", "Bluewater", "Oakridge", "Pinnacle",
           "Harbor", "Crescent", "Ironbridge", "Evergreen", "Redwood", "Lakeshore", "Granite"),
}
TRADES: dict[str, tuple[str, ...]] = {
    "de": ("Logistik", "Maschinenbau", "Handel", "Elektrotechnik", "Bau", "Verpackung",
           "Medizintechnik", "Lebensmittel"),
    "fr": ("Transports", "Industries", "Distribution", "Emballages", "Équipements", "Services",
           "Alimentaire"),
    "es": ("Logística", "Industrial", "Distribuciones", "Construcciones", "Suministros",
           "Alimentación"),
    "nl": ("Logistiek", "Techniek", "Groothandel", "Installatie", "Verpakkingen", "Bouw"),
    "it": ("Logistica", "Meccanica", "Distribuzione", "Impianti", "Costruzioni", "Alimentari"),
    "pt": ("Logística", "Indústria", "Distribuição", "Engenharia", "Comércio"),
    "en": ("Logistics", "Manufacturing", "Supplies", "Engineering", "Foods", "Packaging",
           "Industrial", "Healthcare", "Retail Group", "Building Products"),
}

ROLES = ("ap_contact", "finance_approver", "account_manager")
# Local parts of role addresses AP teams actually use.
MAILBOXES = ("ap", "accounts.payable", "invoices", "rechnungen", "factures", "facturas",
             "crediteuren", "fatture", "faturas", "payables")

# sku, description, unit price in cents (EUR), largest usual quantity.
CATALOGUE: tuple[tuple[str, str, int, int], ...] = (
    ("HW-10040", "Hex bolt M8x40, stainless A2, box of 100", 2_450, 60),
    ("HW-10065", "Hex nut M10, galvanised, box of 250", 1_890, 40),
    ("HW-11200", "Anchor plate 120 mm, hot-dip galvanised", 730, 200),
    ("EL-20110", "Cable NYM-J 3x1.5 mm², drum of 100 m", 8_900, 25),
    ("EL-20450", "Circuit breaker B16, 1-pole", 645, 120),
    ("EL-21300", "LED panel 600x600, 36 W, 4000 K", 4_990, 80),
    ("PK-30010", "Corrugated box 400x300x300, bundle of 25", 2_175, 200),
    ("PK-30500", "Stretch film 500 mm x 300 m, 23 µm", 1_420, 96),
    ("PK-31020", "Euro pallet EPAL 1200x800, used grade A", 1_150, 300),
    ("MC-40100", "Hydraulic hose assembly DN12, 1 m", 3_860, 50),
    ("MC-40700", "Ball bearing 6205-2RS", 520, 400),
    ("MC-41100", "Gear motor 0.75 kW, IE3", 48_900, 6),
    ("MD-50020", "Nitrile examination gloves, box of 100", 790, 500),
    ("MD-50310", "Disinfectant surface wipes, pack of 200", 1_260, 150),
    ("FD-60005", "Olive oil extra virgin, 5 l can", 3_450, 80),
    ("FD-60120", "Espresso beans, 1 kg", 1_790, 120),
    ("OF-70001", "Copy paper A4 80 g, box of 5 reams", 2_290, 60),
    ("OF-70220", "Toner cartridge, black, high yield", 8_450, 12),
    ("SV-80010", "On-site installation, per hour", 9_500, 24),
    ("SV-80020", "Engineering consultancy, per hour", 14_500, 40),
    ("SV-80100", "Preventive maintenance visit", 39_000, 4),
    ("SV-80500", "Training day, up to 12 participants", 185_000, 2),
    ("SW-90010", "Fleet tracking licence, monthly per vehicle", 1_900, 250),
    ("SW-90200", "Warehouse software subscription, monthly", 129_000, 1),
    ("FR-99001", "Freight and handling", 8_500, 1),
    ("FR-99002", "Express delivery surcharge", 3_500, 1),
    ("RN-95010", "Forklift rental, per week", 42_000, 4),
    ("RN-95020", "Container rental 20 ft, per month", 16_500, 6),
)

# Rough exchange rates for pricing the catalogue in other currencies (percent of the EUR price).
PRICE_LEVEL = {"EUR": 100, "USD": 108, "GBP": 86, "CHF": 95}


def ascii_slug(text: str, separator: str = "-") -> str:
    """``Müller & Söhne`` → ``muller-sohne``: for e-mail addresses and domains."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", separator, folded.lower()).strip(separator)
