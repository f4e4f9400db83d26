"""The demo data set: what to generate, and the batches of rows that make it.

Generation is deterministic: the same spec (seed and as-of date included) gives the same rows,
whatever the batch size, because every account draws from random streams of its own and ids
and document numbers are handed out in account order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from core.demo.accounts import account_rows, chat_mapping_rows, contact_rows, plan_accounts
from core.demo.batch import Batch
from core.demo.documents import account_documents
from core.demo.numbering import Counters
from core.demo.storage import Storage

DEFAULT_CHUNK = 20_000  # invoices per batch: big enough to load fast, small enough to stream


@dataclass(frozen=True)
class DemoSpec:
    """How much demo data, from which seed, with dates relative to ``as_of``.

    One account (the first) gets ``largest_account`` invoices when given, as a large customer
    would; every other account gets ``invoices_per_account``. Credit notes count as invoices.
    """

    accounts: int
    invoices_per_account: int
    seed: int
    as_of: date
    largest_account: int | None = None

    def __post_init__(self) -> None:
        if self.accounts < 1:
            raise ValueError("at least one account")
        if self.invoices_per_account < 0 or (self.largest_account or 0) < 0:
            raise ValueError("invoice counts cannot be negative")

    @property
    def invoice_count(self) -> int:
        if self.largest_account is None:
            return self.accounts * self.invoices_per_account
        return (self.accounts - 1) * self.invoices_per_account + self.largest_account


def generate(spec: DemoSpec, dialect: str, counters: Counters | None = None,
             chunk: int = DEFAULT_CHUNK) -> Iterator[Batch]:
    """Batches of rows in ``dialect``'s stored form: accounts and contacts first, then documents.

    ``counters`` says where ids and document numbers start (a fresh database: from the start).
    """
    storage = Storage(dialect, spec.as_of)
    counters = counters or Counters()
    plans = plan_accounts(spec.seed, spec.accounts, spec.invoices_per_account,
                          spec.largest_account, counters)
    out = Batch()
    out.accounts = account_rows(plans, storage, spec.seed)
    out.contacts = contact_rows(plans, storage, counters, spec.seed)
    out.chat_mappings = chat_mapping_rows(plans, storage, counters)
    for plan in plans:
        for _pause in account_documents(plan, storage, counters, out, chunk):
            yield out.take()
        if len(out.invoices) >= chunk:
            yield out.take()
    if out:
        yield out.take()
