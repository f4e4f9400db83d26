"""Invoices, credit notes, lines, payments and allocations of one account.

This is the loop that runs a million times, so it works in integers of cents and day numbers,
keeps everything it touches in local variables and draws with ``random()`` alone; the stored
forms come from precomputed tables (``core.demo.storage``). Every amount is exact:

* a line's net is quantity × unit price, its tax rounds half up to the cent, the invoice's
  subtotal and tax are the sums of its lines and ``total = subtotal + tax``;
* credit notes carry negative amounts;
* a payment covers the invoices its customer paid in one payment run (one weekday a week),
  each through an allocation; ``amount_paid`` of a document is the sum of its allocations and
  its status follows (``core.models.status_for``); a payment may exceed its allocations
  (unapplied cash), a credit note is applied by a negative allocation inside a payment;
* a void invoice keeps its lines, subtotal and tax, and owes nothing: its total, amount paid and
  balance are zero.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator

from core.demo.accounts import AccountPlan
from core.demo.batch import Batch
from core.demo.names import CATALOGUE, PRICE_LEVEL
from core.demo.numbering import ADVICE_STYLES, PAYMENT_PHRASES, Counters
from core.demo.storage import HISTORY_DAYS, MAX_QUANTITY, Storage

CREDIT_NOTE_SHARE = 0.04
VOID_SHARE = 0.015
PARTIAL_SHARE = 0.04  # of the invoices paid: short payments that leave a balance open
SETTLED_SHARE = 0.7  # of the short payments: the rest follows in a later payment run
CREDIT_APPLIED_SHARE = 0.85  # of the credit notes a later payment can absorb
OVERPAYMENT_SHARE = 0.02  # of the payments: more than they allocate
ON_ACCOUNT_SHARE = 0.01  # a payment run followed by a payment nobody says what it is for
# Lines per invoice: mostly one to three, sometimes many (mean 2.5).
LINE_COUNTS = (1,) * 34 + (2,) * 26 + (3,) * 17 + (4,) * 11 + (5,) * 7 + (6,) * 3 + (8,) * 2
_GROUP_KEY = 4  # payment runs are keyed day × 4 + currency position


def account_documents(plan: AccountPlan, storage: Storage, counters: Counters, out: Batch,
                      chunk: int) -> Iterator[None]:
    """Append the account's documents to ``out``; pause whenever it holds ``chunk`` invoices.

    The caller takes the batch at each pause (``Batch.take``); payments, allocations and credit
    notes (whose amount paid is known only at the end) follow with the account's last batch.
    """
    rng = random.Random(f"ardesk-demo:{plan.seed}:documents")
    draw = rng.random
    money = storage.money
    dates, stamps, years = storage.dates, storage.stamps, storage.years
    quantities, negative_quantities = storage.quantities, storage.negative_quantities
    today = storage.today
    zero = money(0)
    account_id = plan.id
    style = plan.style
    source = style.source
    invoice_number = style.invoice.format
    credit_number = style.credit_note.format
    shared_series = style.first_credit_note is None
    rate_e4 = plan.tax_rate
    rate = storage.rate(rate_e4)
    # The VAT category an e-invoice states per line (UNTDID 5305): standard, or zero-rated.
    category = "S" if rate_e4 else "Z"
    terms = plan.terms
    delay_min, delay_spread = plan.delay_min, plan.delay_spread
    unpaid_share = plan.unpaid_share
    run_weekday = plan.run_weekday - storage.first_weekday
    po_share, po_number, department = plan.po_share, plan.po_style.format, plan.po_department
    currencies = plan.currencies
    second_share = plan.second_currency_share if len(currencies) > 1 else 0.0
    catalogues = [_price_list(plan, currency, storage) for currency in currencies]
    product_count = len(catalogues[0])

    assert counters.invoices is not None and counters.credit_notes is not None
    invoice_id, line_id = counters.invoice_id, counters.line_id
    next_invoice = counters.invoices[source]
    next_credit = counters.credit_notes[source]
    # Odoo-style series restart every year: number → next number, per year.
    yearly = style.yearly
    invoices_by_year = _yearly(counters.invoices, source)
    credits_by_year = _yearly(counters.credit_notes, source)
    next_po = rng.randrange(1_000, 90_000)

    days = sorted(int(draw() * (HISTORY_DAYS + 1)) for _ in range(plan.invoice_count))
    runs: dict[int, list[tuple[int, int, str]]] = {}  # run key → (document id, cents, number)
    waiting_credits: list[deque[list]] = [deque() for _ in currencies]
    credits: list[list] = []  # [id, number, day, currency position, subtotal, tax, total,
    #                            paid, last day]
    # Credit notes and their lines wait for the account's end (their amount paid is known only
    # then), so a line never reaches the database before its document.
    credit_lines: list[tuple] = []
    invoices, lines = out.invoices, out.invoice_lines
    for day in days:
        kind_draw = draw()
        position = 1 if second_share and draw() < second_share else 0
        catalogue = catalogues[position]
        subtotal = tax = 0
        if kind_draw < CREDIT_NOTE_SHARE:
            # A return or a price correction: one or two lines, a few units.
            for line_no in range(1, 2 if draw() < 0.6 else 3):
                sku, description, price, stored_price, most = catalogue[int(draw() * product_count)]
                quantity = 1 + int(draw() * (most if most < 5 else 5))
                net = quantity * price
                line_tax = (net * rate_e4 + 500_000) // 1_000_000
                subtotal += net
                tax += line_tax
                credit_lines.append((line_id, invoice_id, line_no, sku, description,
                                     negative_quantities[quantity], stored_price, rate,
                                     money(-net), money(-line_tax), category, account_id))
                line_id += 1
            year = years[day]
            if shared_series:
                number = invoice_number(next_invoice, year)
                next_invoice += 1
            elif yearly:
                serial = credits_by_year.get(year, next_credit)
                credits_by_year[year] = serial + 1
                number = credit_number(serial, year)
            else:
                number = credit_number(next_credit, year)
                next_credit += 1
            credit = [invoice_id, number, day, position, -subtotal, -tax, -subtotal - tax, 0, day]
            credits.append(credit)
            waiting_credits[position].append(credit)
            invoice_id += 1
            continue

        for line_no in range(1, LINE_COUNTS[int(draw() * 100)] + 1):
            sku, description, price, stored_price, most = catalogue[int(draw() * product_count)]
            quantity = 1 + int(draw() * most)
            net = quantity * price
            line_tax = (net * rate_e4 + 500_000) // 1_000_000
            subtotal += net
            tax += line_tax
            lines.append((line_id, invoice_id, line_no, sku, description, quantities[quantity],
                          stored_price, rate, money(net), money(line_tax), category,
                          account_id))
            line_id += 1
        total = subtotal + tax
        if yearly:
            serial = invoices_by_year.get(years[day], next_invoice)
            invoices_by_year[years[day]] = serial + 1
            number = invoice_number(serial, years[day])
        else:
            number = invoice_number(next_invoice, years[day])
            next_invoice += 1
        if draw() < po_share:
            po = po_number(next_po, years[day], department)
            next_po += 1
        else:
            po = None
        due = day + terms

        if kind_draw > 1.0 - VOID_SHARE:
            voided = day + 2 if day + 2 <= today else today
            invoices.append((invoice_id, source, number, number, "invoice", dates[day],
                             dates[due], currencies[position], money(subtotal), money(tax), zero,
                             zero, zero, "void", po, stamps[voided], stamps[day], stamps[voided],
                             account_id))
        else:
            paid = 0
            updated = day
            run = due + delay_min + int(draw() * delay_spread)
            run += (run_weekday - run) % 7  # the customer's next payment run
            if run <= today and draw() >= unpaid_share:
                paid = first_payment = total
                updated = run
                if draw() < PARTIAL_SHARE:
                    short = total * (20 + int(draw() * 60)) // 100
                    short -= short % 100  # customers short-pay round amounts
                    if short > 0:
                        paid = first_payment = short
                        # Most short payments are settled weeks later, once the query is solved.
                        settled = run + 14 + 7 * int(draw() * 8)
                        if settled <= today and draw() < SETTLED_SHARE:
                            key = settled * _GROUP_KEY + position
                            run_entries = runs.get(key)
                            if run_entries is None:
                                run_entries = runs[key] = []
                            run_entries.append((invoice_id, total - short, number))
                            paid, updated = total, settled
                key = run * _GROUP_KEY + position
                run_entries = runs.get(key)
                if run_entries is None:
                    run_entries = runs[key] = []
                run_entries.append((invoice_id, first_payment, number))
                waiting = waiting_credits[position]
                # A credit note rides along with a payment in full of a larger invoice.
                if waiting and first_payment == total:
                    credit = waiting[0]
                    if credit[2] + 5 <= run and total + credit[6] > 0:
                        waiting.popleft()
                        if draw() < CREDIT_APPLIED_SHARE:
                            credit[7], credit[8] = credit[6], run
                            run_entries.append((credit[0], credit[6], credit[1]))
            if paid == 0:
                status = "open"
            elif paid == total:
                status = "paid"
            else:
                status = "partially_paid"
            invoices.append((invoice_id, source, number, number, "invoice", dates[day],
                             dates[due], currencies[position], money(subtotal), money(tax),
                             money(total), money(paid), money(total - paid), status, po,
                             stamps[updated], stamps[day], stamps[updated], account_id))
        invoice_id += 1
        if len(invoices) >= chunk:
            yield
            invoices, lines = out.invoices, out.invoice_lines

    for credit_id, number, day, position, subtotal, tax, total, paid, updated in credits:
        invoices.append((credit_id, source, number, number, "credit_note", dates[day],
                         dates[day], currencies[position], money(subtotal), money(tax),
                         money(total), money(paid), money(total - paid),
                         "paid" if paid == total else "open", None, stamps[updated],
                         stamps[day], stamps[updated], account_id))
    lines.extend(credit_lines)
    counters.invoice_id, counters.line_id = invoice_id, line_id
    counters.invoices[source] = next_invoice
    counters.credit_notes[source] = next_credit
    _store_yearly(counters.invoices, source, invoices_by_year)
    _store_yearly(counters.credit_notes, source, credits_by_year)
    _payments(plan, storage, counters, out, runs, draw)


def _yearly(series: dict[str, int], source: str) -> dict[int, int]:
    prefix = f"{source}:"
    return {int(key[len(prefix):]): n for key, n in series.items() if key.startswith(prefix)}


def _store_yearly(series: dict[str, int], source: str, by_year: dict[int, int]) -> None:
    for year, serial in by_year.items():
        series[f"{source}:{year}"] = serial


def _price_list(plan: AccountPlan, currency: str,
                storage: Storage) -> list[tuple[str, str, int, int | str, int]]:
    """The products this customer buys, priced in ``currency`` at its negotiated level."""
    rng = random.Random(f"ardesk-demo:{plan.seed}:prices:{currency}")
    level = PRICE_LEVEL.get(currency, 100) * rng.randint(85, 120)
    products = []
    for index in plan.products:
        sku, description, euro_cents, most = CATALOGUE[index]
        price = max(1, euro_cents * level // 10_000)
        products.append((sku, description, price, storage.money(price), min(most, MAX_QUANTITY)))
    return products


def _payments(plan: AccountPlan, storage: Storage, counters: Counters, out: Batch,
              runs: dict[int, list[tuple[int, int, str]]], draw) -> None:
    money, dates, stamps, years = storage.money, storage.dates, storage.stamps, storage.years
    assert counters.payments is not None
    source = plan.style.source
    payment_number = plan.style.payment.format
    next_number = counters.payments[source]
    by_year = _yearly(counters.payments, source)
    payment_id, allocation_id = counters.payment_id, counters.allocation_id
    method = plan.payment_method
    phrase = PAYMENT_PHRASES.get(plan.language, PAYMENT_PHRASES["en"]).format
    advice_styles = ADVICE_STYLES[method]
    advice = 1 + int(draw() * 9_000)  # the customer's own remittance advice numbers
    account_id = plan.id
    payments, allocations = out.payments, out.payment_allocations

    def erp_id(run: int) -> str:
        nonlocal next_number
        if plan.style.yearly:
            serial = by_year.get(years[run], next_number)
            by_year[years[run]] = serial + 1
            return payment_number(serial, years[run])
        next_number += 1
        return payment_number(next_number - 1, years[run])

    # The largest account always has one over-payment, so every data set shows unapplied cash.
    overpay_first = plan.index == 0
    for key in sorted(runs):
        run, position = divmod(key, _GROUP_KEY)
        currency = plan.currencies[position]
        entries = runs[key]
        amount = sum(entry[1] for entry in entries)
        if overpay_first or draw() < OVERPAYMENT_SHARE:
            overpay_first = False
            amount += max(100, amount * (1 + int(draw() * 10)) // 100)
        if len(entries) == 1 and draw() < 0.6:
            reference = phrase(entries[0][2])
        else:
            style = advice_styles[int(draw() * len(advice_styles))]
            reference = style.format(advice, storage.compact_dates[run])
            if reference.startswith("RF"):
                reference = creditor_reference(reference[2:])
            advice += 1
        payments.append((payment_id, source, erp_id(run), reference, dates[run], method,
                         currency, money(amount), stamps[run], stamps[run], account_id))
        for document_id, applied, _number in entries:
            allocations.append((allocation_id, payment_id, document_id, money(applied),
                                dates[run], account_id))
            allocation_id += 1
        payment_id += 1
        if draw() < ON_ACCOUNT_SHARE:
            amount = (1 + int(draw() * 50)) * 10_000
            reference = f"ON ACCOUNT {storage.compact_dates[run]}"
            payments.append((payment_id, source, erp_id(run), reference, dates[run], method,
                             currency, money(amount), stamps[run], stamps[run], account_id))
            payment_id += 1
    counters.payments[source] = next_number
    _store_yearly(counters.payments, source, by_year)
    counters.payment_id, counters.allocation_id = payment_id, allocation_id


def creditor_reference(reference: str) -> str:
    """An ISO 11649 creditor reference (``RF`` and two check digits) for ``reference``."""
    digits = "".join(str(int(c, 36)) for c in reference.upper() + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{reference}"
