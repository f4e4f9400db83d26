"""The sync report: counts per record type, rejected rows, duration; printed and stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors.records import COUNTED, Rejection

# A report lists this many rejected rows; the count beyond is still given.
MAX_LISTED_REJECTIONS = 1000


def _zeros() -> dict[str, int]:
    return dict.fromkeys(COUNTED, 0)


@dataclass
class SyncReport:
    source: str
    inserted: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    unchanged: dict[str, int] = field(default_factory=_zeros)
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    # ERP originals: stored anew, or fetched and found identical to the one stored.
    documents: dict[str, int] = field(default_factory=lambda: {"stored": 0, "unchanged": 0})
    duration_s: float = 0.0
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
        return sum(self.inserted.values()) + sum(self.updated.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "inserted": dict(self.inserted),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "rejected": [r.as_dict() for r in self.rejected],
            "documents": dict(self.documents),
            "duration_s": round(self.duration_s, 3),
        }

    def summary(self) -> str:
        parts = []
        for kind in COUNTED:
            i, u, n = self.inserted[kind], self.updated[kind], self.unchanged[kind]
            if i or u or n:
                parts.append(f"{kind}: {i} new, {u} updated, {n} unchanged")
        if self.documents["stored"] or self.documents["unchanged"]:
            parts.append(
                f"original documents: {self.documents['stored']} stored, "
                f"{self.documents['unchanged']} unchanged"
            )
        rejected = f"{self.rejected_count} rejected"
        prefix = "dry run, nothing written — " if self.dry_run else ""
        body = "; ".join(parts) or "nothing to sync"
        return f"{prefix}{self.source}: {body}; {rejected} ({self.duration_s:.1f} s)"
