"""Customer accounts and their contacts, with what the invoice generator needs to know of each.

Accounts are few next to invoices (thousands, not millions), so this module favours clarity:
every account draws from its own random stream, seeded from the demo seed and its position.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from core.demo.names import (
    CATALOGUE,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    FIRST_NAMES,
    LAST_NAMES,
    LEADING_COUNTRIES,
    MAILBOXES,
    NAME_STEMS,
    TRADES,
    Country,
    ascii_slug,
)
from core.demo.numbering import ERP_STYLES, PO_STYLES, STYLE_WEIGHTS, Counters, ErpStyle
from core.demo.storage import Storage

ACCOUNT_COLUMNS = ("id", "source", "erp_id", "name", "currency", "email_domains", "status",
                   "source_updated_at", "created_at", "updated_at", "tax_id", "address_line1",
                   "postal_code", "city", "country_code", "payment_terms")
CONTACT_COLUMNS = ("id", "account_id", "name", "email", "role", "language", "slack_team_id",
                   "slack_user_id", "teams_tenant_id", "teams_user_id", "active", "source",
                   "erp_id", "created_at", "updated_at")
CHAT_MAPPING_COLUMNS = ("id", "place", "external_id", "account_id", "created_at")

# How customers pay: (share of accounts, days late at best, spread of days late, share of
# invoices left unpaid whatever their age). Together they give an overdue mix in every bucket.
PAYER_PROFILES = (
    ("punctual", 45, -6, 10, 0.004),
    ("steady", 30, 3, 22, 0.01),
    ("slow", 17, 15, 50, 0.03),
    ("delinquent", 8, 40, 120, 0.15),
)
PAYMENT_TERMS = (14, 30, 30, 30, 30, 45, 60, 60, 90)
SECOND_CURRENCY = {"EUR": ("USD", "GBP"), "USD": ("EUR",), "GBP": ("EUR", "USD"),
                   "CHF": ("EUR",)}


@dataclass
class AccountPlan:
    """One customer and how its invoices look and get paid."""

    index: int
    id: int
    style: ErpStyle
    erp_id: str
    name: str
    country: Country
    language: str
    currencies: tuple[str, ...]
    second_currency_share: float
    tax_rate: int  # ten-thousandths of a percent
    terms: int
    profile: str
    delay_min: int
    delay_spread: int
    unpaid_share: float
    run_weekday: int
    po_share: float
    po_style: str
    po_department: str
    domains: list[str]
    invoice_count: int
    seed: str
    group: int = -1  # accounts of one group share an AP service centre
    payment_method: str = "sepa_credit_transfer"
    status: str = "active"
    products: list[int] = field(default_factory=list)
    slack_team: str | None = None  # the customer's own Slack workspace, if it uses Slack
    slack_channel: str | None = None  # a Slack Connect channel it shares with the supplier
    teams_tenant: str | None = None  # its Microsoft 365 tenant, if it uses Teams


def account_rng(seed: int, index: int, purpose: str) -> random.Random:
    """A stream of its own for each account and purpose: changing one never shifts another."""
    return random.Random(f"ardesk-demo:{seed}:{index}:{purpose}")


def plan_accounts(seed: int, accounts: int, invoices_per_account: int,
                  largest_account: int | None, counters: Counters) -> list[AccountPlan]:
    taken_names: set[str] = set()
    taken_domains: set[str] = set()
    plans = []
    countries = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    for index in range(accounts):
        rng = account_rng(seed, index, "account")
        if index < len(LEADING_COUNTRIES):
            country = COUNTRIES[LEADING_COUNTRIES[index]]
        else:
            country = COUNTRIES[rng.choices(countries, weights)[0]]
        if index < len(ERP_STYLES):
            style = ERP_STYLES[index]
        else:
            style = rng.choices(ERP_STYLES, STYLE_WEIGHTS)[0]
        assert counters.accounts is not None
        number = counters.accounts[style.source]
        counters.accounts[style.source] += 1
        language = country.languages[0] if rng.random() < 0.7 else rng.choice(country.languages)
        name, core_name = _company_name(rng, country, language, taken_names)
        domain = _unique_domain(ascii_slug(core_name), country, rng, taken_domains)
        currencies: tuple[str, ...] = (country.currency,)
        # The largest customer is a multinational billed in two currencies; some others are too.
        if index == 0 or rng.random() < 0.08:
            currencies += (rng.choice(SECOND_CURRENCY[country.currency]),)
        profile = rng.choices(PAYER_PROFILES, [p[1] for p in PAYER_PROFILES])[0]
        tax_text = country.tax_rates[0] if country.code != "US" else rng.choice(country.tax_rates)
        if rng.random() < 0.03:
            tax_text = "0"  # tax-exempt or reverse-charge customers
        is_largest = index == 0 and largest_account is not None
        plan = AccountPlan(
            index=index,
            id=counters.account_id,
            style=style,
            erp_id=style.account.format(number),
            name=name,
            country=country,
            language=language,
            currencies=currencies,
            second_currency_share=0.15 + rng.random() * 0.25,
            tax_rate=_ten_thousandths(tax_text),
            terms=60 if is_largest else rng.choice(PAYMENT_TERMS),
            profile=profile[0],
            delay_min=profile[2],
            delay_spread=profile[3],
            unpaid_share=profile[4],
            run_weekday=rng.randrange(5),
            po_share=rng.choice((0.0, 0.5, 0.8, 0.95, 1.0)) if not is_largest else 1.0,
            po_style=rng.choice(PO_STYLES),
            po_department=rng.choice(("A", "B", "LOG", "MNT", "IT", "FAC")),
            domains=[domain],
            invoice_count=largest_account if is_largest else invoices_per_account,
            seed=f"{seed}:{index}",
            payment_method=rng.choice(country.payment_methods),
            products=sorted(rng.sample(range(len(CATALOGUE)), rng.randint(5, 14))),
        )
        if profile[0] == "delinquent" and rng.random() < 0.3:
            plan.status = "on_hold"
        _chat_places(plan, seed)
        counters.account_id += 1
        plans.append(plan)
    _group_shared_services(plans, seed)
    return plans


def _chat_places(plan: AccountPlan, seed: int) -> None:
    """Some customers ask in chat: from their own Slack workspace (some through a Slack Connect
    channel shared with the supplier) or Microsoft 365 tenant; the first account does both.
    Ids carry the account's id, so appending with the same seed never repeats a mapped one."""
    rng = account_rng(seed, plan.index, "chat")
    if plan.index == 0 or rng.random() < 0.4:
        plan.slack_team = f"T{plan.id:05X}{rng.getrandbits(16):04X}"
        if plan.index == 0 or rng.random() < 0.4:
            plan.slack_channel = f"C{plan.id:05X}{rng.getrandbits(16):04X}"
    if plan.index == 0 or rng.random() < 0.35:
        plan.teams_tenant = _object_id(rng, plan.id)


def _object_id(rng: random.Random, unique: int) -> str:
    """An Entra ID-style GUID, random but for its last digits, which are ``unique``."""
    return str(uuid.UUID(int=(rng.getrandbits(80) << 48) | unique))


def chat_mapping_rows(plans: list[AccountPlan], storage: Storage,
                      counters: Counters) -> list[tuple]:
    """Each customer's Slack team, Slack Connect channel and Teams tenant, bound to it (as
    ``ardesk chat map add`` binds them)."""
    rows = []
    for plan in plans:
        places = (("slack_team", plan.slack_team), ("slack_channel", plan.slack_channel),
                  ("teams_tenant", plan.teams_tenant))
        for place, external_id in places:
            if external_id:
                rows.append((counters.chat_mapping_id, place, external_id, plan.id,
                             storage.stamps[plan.index % 300]))
                counters.chat_mapping_id += 1
    return rows


def _ten_thousandths(percent: str) -> int:
    whole, _, fraction = percent.partition(".")
    return int(whole) * 10_000 + int((fraction + "0000")[:4])


def _company_name(rng: random.Random, country: Country, language: str,
                  taken: set[str]) -> tuple[str, str]:
    words = "en" if language not in NAME_STEMS else language
    stem = rng.choice(NAME_STEMS[words])
    trade = rng.choice(TRADES[words])
    last = rng.choice(LAST_NAMES[words])
    pattern = rng.random()
    if pattern < 0.45:
        core_name = f"{stem} {trade}"
    elif pattern < 0.75:
        core_name = f"{last} {trade}"
    elif pattern < 0.9:
        core_name = f"{last} & {rng.choice(LAST_NAMES[words])}"
    else:
        core_name = stem
    form = rng.choice(country.legal_forms)
    name = f"{core_name} {form}"
    if name in taken:
        core_name = f"{core_name} {rng.choice(country.cities)}"
        name = f"{core_name} {form}"
    suffix = 2
    while name in taken:
        name = f"{core_name} {suffix} {form}"
        suffix += 1
    taken.add(name)
    return name, core_name


def _unique_domain(slug: str, country: Country, rng: random.Random, taken: set[str]) -> str:
    domain = f"{slug}.{country.tld}"
    if domain in taken:
        domain = f"{slug}-{ascii_slug(rng.choice(country.cities))}.{country.tld}"
    number = 2
    while domain in taken:
        domain = f"{slug}{number}.{country.tld}"
        number += 1
    taken.add(domain)
    return domain


def _group_shared_services(plans: list[AccountPlan], seed: int) -> None:
    """Put some accounts in groups that pay through one shared AP service centre.

    The subsidiaries accept mail from the group's domain, where the shared mailbox lives. The
    third account always joins the second's group, so every data set has one shared address.
    """
    forced = min(2, len(plans) - 1)
    for plan in plans[1:]:
        rng = account_rng(seed, plan.index, "group")
        if plan.index == forced or rng.random() < 0.05:
            leader = plans[plan.index - 1]
            if leader.group < 0:
                leader.group = leader.index
            plan.group = leader.group
            group_domain = plans[leader.group].domains[0]
            if group_domain not in plan.domains:
                plan.domains.append(group_domain)


# What a complete copy and an e-invoice state of the customer: a street in the account's
# language, the country's postcode shape (# a digit, A a letter) and a VAT id of its shape.
STREETS = {
    "de": ("Hauptstraße {n}", "Industriestraße {n}", "Bahnhofstraße {n}"),
    "fr": ("{n} rue de la République", "{n} avenue Victor Hugo", "{n} boulevard Pasteur"),
    "es": ("Calle Mayor {n}", "Avenida de la Constitución {n}", "Calle de Alcalá {n}"),
    "it": ("Via Roma {n}", "Via Garibaldi {n}", "Corso Italia {n}"),
    "nl": ("Stationsweg {n}", "Kerkstraat {n}", "Industrieweg {n}"),
    "pt": ("Rua Augusta {n}", "Avenida da Liberdade {n}", "Rua do Comércio {n}"),
    "en": ("{n} High Street", "{n} Station Road", "{n} Main Street"),
}
POSTCODES = {"AT": "####", "BE": "####", "CH": "####", "NL": "#### AA", "PT": "####-###",
             "GB": "AA# #AA", "IE": "A## A#A#"}
TAX_IDS = {"DE": "DE#########", "AT": "ATU########", "CH": "CHE-###.###.### MWST",
           "FR": "FR###########", "BE": "BE0#########", "NL": "NL#########B01",
           "ES": "ESB########", "IT": "IT###########", "PT": "PT#########", "GB": "GB#########",
           "IE": "IE#######A", "US": "##-#######"}


def _shaped(rng: random.Random, shape: str) -> str:
    return "".join(
        str(rng.randrange(10)) if c == "#" else rng.choice("ABCDEFGHJKLMNPRSTVWXY") if c == "A"
        else c
        for c in shape
    )


def billing(plan: AccountPlan, seed: int) -> tuple[str, str, str, str, str, str]:
    """Tax id, street, postcode, city, country and terms, from a stream of their own (so adding
    them shifts nothing else the demo draws)."""
    rng = account_rng(seed, plan.index, "billing")
    street = rng.choice(STREETS.get(plan.language, STREETS["en"])).format(n=rng.randint(1, 180))
    country = plan.country
    return (
        _shaped(rng, TAX_IDS.get(country.code, country.code + "#########")),
        street,
        _shaped(rng, POSTCODES.get(country.code, "#####")),
        rng.choice(country.cities),
        country.code,
        f"Net {plan.terms} days",
    )


def account_rows(plans: list[AccountPlan], storage: Storage, seed: int) -> list[tuple]:
    created = storage.stamps[0]
    return [
        (plan.id, plan.style.source, plan.erp_id, plan.name, plan.currencies[0],
         storage.json(plan.domains), plan.status, created, created, created,
         *billing(plan, seed))
        for plan in plans
    ]


def contact_rows(plans: list[AccountPlan], storage: Storage, counters: Counters,
                 seed: int) -> list[tuple]:
    """Every account gets an AP contact and a finance approver, most an account manager too."""
    rows = []
    for plan in plans:
        rng = account_rng(seed, plan.index, "contacts")
        people: list[tuple[str, str, str, str]] = []  # name, email, role, language
        emails: set[str] = set()
        if rng.random() < 0.5:
            mailbox = f"{rng.choice(MAILBOXES)}@{plan.domains[0]}"
            emails.add(mailbox)
            people.append(("Accounts Payable", mailbox, "ap_contact", plan.language))
        else:
            people.append(_person(rng, plan, "ap_contact", emails))
        people.append(_person(rng, plan, "finance_approver", emails))
        if plan.index < 3 or rng.random() < 0.7:
            people.append(_person(rng, plan, "account_manager", emails))
        if rng.random() < 0.4:
            people.append(_person(rng, plan, "ap_contact", emails))
        shared = None
        if plan.group >= 0:
            shared = f"ap.shared@{plans[plan.group].domains[0]}"
            people.append(("Shared Services AP", shared, "ap_contact", "en"))
        created = storage.stamps[plan.index % 300]
        chat = account_rng(seed, plan.index, "chat-contacts")
        for position, (name, email, role, language) in enumerate(people, start=1):
            erp_id = f"{plan.erp_id}-{position:02d}" if rng.random() < 0.5 else None
            # Chat identities as the bot stores them once someone has asked: (team, user) in
            # Slack, (tenant, Entra ID object id) in Teams; the first (AP) contact always has
            # them where the account chats. The shared centre sits in another account's places.
            slack: tuple[str | None, str | None] = (None, None)
            if plan.slack_team and email != shared and (position == 1 or chat.random() < 0.6):
                slack = (plan.slack_team, f"U{counters.contact_id:06X}{chat.getrandbits(16):04X}")
            teams: tuple[str | None, str | None] = (None, None)
            if plan.teams_tenant and email != shared and (position == 1 or chat.random() < 0.6):
                teams = (plan.teams_tenant, _object_id(chat, counters.contact_id))
            rows.append((counters.contact_id, plan.id, name, email, role, language, *slack,
                         *teams, storage.true, plan.style.source, erp_id, created, created))
            counters.contact_id += 1
    return rows


def _person(rng: random.Random, plan: AccountPlan, role: str,
            taken: set[str]) -> tuple[str, str, str, str]:
    """Someone at the customer: a name of their language, an address at the account's domain."""
    language = plan.language if rng.random() < 0.8 else rng.choice(("en", plan.language))
    first = rng.choice(FIRST_NAMES[language])
    last = rng.choice(LAST_NAMES[language])
    local = f"{ascii_slug(first, '.')}.{ascii_slug(last, '.')}"
    email = f"{local}@{plan.domains[0]}"
    number = 2
    while email in taken:
        email = f"{local}{number}@{plan.domains[0]}"
        number += 1
    taken.add(email)
    return f"{first} {last}", email, role, language
