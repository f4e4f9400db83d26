"""The sync report: counts per record type, rejected rows, duration; printed and stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connectors.records import COUNTED, Rejection

# A report lists this many rejected rows; the count beyond is still given.
MAX_LISTED_REJECTIONS = 1000


@dataclass(frozen=True, slots=True)
class BalanceDifference:
    """An account whose open balance in ardesk is not the ERP's: a missed change, unapplied
    cash the ERP counts, or open items in a currency the ERP's figure does not cover."""

    account: str  # the account's ERP id
    currency: str
    erp: Decimal
    ardesk: Decimal | None  # None: open items in several currencies, no one sum to compare

    def as_dict(self) -> dict[str, str | None]:
        return {
            "account": self.account,
            "currency": self.currency,
            "erp": str(self.erp),
            "ardesk": None if self.ardesk is None else str(self.ardesk),
        }


def _zeros() -> dict[str, int]:
    return dict.fromkeys(COUNTED, 0)


@dataclass
class SyncReport:
    source: str
    inserted: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    unchanged: dict[str, int] = field(default_factory=_zeros)
    # Deleted in the ERP, so deleted here (invoices, payments); accounts and contacts are closed
    # or deactivated instead, which counts as updated.
    removed: dict[str, int] = field(default_factory=_zeros)
    # Rows of addresses forgotten on request (core.suppression): skipped, as the person asked.
    suppressed: dict[str, int] = field(default_factory=lambda: {"contacts": 0})
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    # ERP originals: stored anew, or fetched and found identical to the one stored.
    documents: dict[str, int] = field(default_factory=lambda: {"stored": 0, "unchanged": 0})
    duration_s: float = 0.0
    # Accounts whose open balance in ardesk differs from the ERP's own figure (reconcile.py).
    differences: list[BalanceDifference] = field(default_factory=list)
    reconciled: int = 0  # accounts compared and found equal
    dry_run: bool = False
    full: bool = False

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED_REJECTIONS:
            self.rejected.append(rejection)

    def rejected_types(self) -> set[str]:
        return {r.record for r in self.rejected}

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values()) + sum(self.removed.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "inserted": dict(self.inserted),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "removed": dict(self.removed),
            "suppressed": dict(self.suppressed),
            "rejected": [r.as_dict() for r in self.rejected],
            "documents": dict(self.documents),
            "reconciliation": {
                "equal": self.reconciled,
                "differences": [d.as_dict() for d in self.differences],
            },
            "duration_s": round(self.duration_s, 3),
        }

    def summary(self) -> str:
        parts = []
        for kind in COUNTED:
            i, u, n = self.inserted[kind], self.updated[kind], self.unchanged[kind]
            r = self.removed[kind]
            if i or u or n or r:
                gone = f", {r} removed" if r else ""
                parts.append(f"{kind}: {i} new, {u} updated, {n} unchanged{gone}")
        if self.documents["stored"] or self.documents["unchanged"]:
            parts.append(
                f"original documents: {self.documents['stored']} stored, "
                f"{self.documents['unchanged']} unchanged"
            )
        if self.suppressed["contacts"]:
            parts.append(f"{self.suppressed['contacts']} contacts skipped (forgotten on request)")
        if self.reconciled or self.differences:
            parts.append(
                f"balances: {self.reconciled} equal to the ERP's, {len(self.differences)} different"
            )
        rejected = f"{self.rejected_count} rejected"
        prefix = "dry run, nothing written — " if self.dry_run else ""
        body = "; ".join(parts) or "nothing to sync"
        return f"{prefix}{self.source}: {body}; {rejected} ({self.duration_s:.1f} s)"
