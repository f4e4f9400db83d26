"""A complete production environment for tests that check what production does."""

from __future__ import annotations

from pathlib import Path

BRAND = """
name = "Supplier GmbH"
sender_name = "Supplier Accounts Receivable"
legal_footer = "Supplier GmbH · Amtsgericht München HRB 1"
"""


def production_environ(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Every variable production requires, valid; ``overrides`` replace or remove (``""``) some."""
    brand = tmp_path / "brand.toml"
    brand.write_text(BRAND, encoding="utf-8")
    environ = {
        "ARDESK_ENV": "production",
        "ARDESK_SECRET_KEY": "p" * 40,
        "ARDESK_VAR_DIR": str(tmp_path),
        "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/ardesk.db",
        "ARDESK_BASE_URL": "https://billing.supplier.example",
        "ARDESK_FROM_ADDRESS": "billing@supplier.example",
        "ARDESK_AR_ADDRESS": "ar-team@supplier.example",
        "ARDESK_BRAND_FILE": str(brand),
    }
    environ.update(overrides)
    return {name: value for name, value in environ.items() if value != ""}
