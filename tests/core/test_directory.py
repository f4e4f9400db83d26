"""Finding accounts and contacts, and the rules for adding contacts."""

from __future__ import annotations

import pytest

from core.directory import add_contact, contacts_by_email, find_account, find_contact
from core.errors import Ambiguous, InvalidInput, NotFound
from core.permissions import has_permission, permissions_for
from tests.support import builders as b


@pytest.fixture
def shared(db):
    with db.admin_session() as s:
        north = b.account(s, "N-1", "Northwind")
        south = b.account(s, "S-1", "Southwind")
        b.contact(s, north, "ap@shared.example")
        b.contact(s, south, "ap@shared.example", role="finance_approver")
        b.contact(s, south, "gone@south.example", active=False)
    return db


def test_it_refuses_to_guess_between_accounts_sharing_an_address(shared):
    with shared.admin_session() as s:
        with pytest.raises(Ambiguous, match="N-1, S-1"):
            find_contact(s, "AP@Shared.Example")
        assert find_contact(s, "ap@shared.example", "S-1").role == "finance_approver"
        assert [c.account.erp_id for c in contacts_by_email(s, "AP@shared.example")] == [
            "N-1",
            "S-1",
        ]


def test_it_skips_inactive_contacts_when_identifying_senders(shared):
    with shared.admin_session() as s:
        assert contacts_by_email(s, "gone@south.example") == []
        assert find_contact(s, "gone@south.example").active is False


def test_it_says_what_was_not_found(shared):
    with shared.admin_session() as s:
        with pytest.raises(NotFound, match=r"no contact nobody@x\.example on account N-1"):
            find_contact(s, "nobody@x.example", "N-1")
        with pytest.raises(NotFound):
            find_account(s, "Z-9")


def test_it_tells_apart_accounts_of_two_sources_with_the_same_erp_id(db):
    with db.admin_session() as s:
        b.account(s, "1000", "From SAP", source="sap")
        b.account(s, "1000", "From Odoo", source="odoo")
        with pytest.raises(Ambiguous, match="SOURCE:1000"):
            find_account(s, "1000")
        assert find_account(s, "odoo:1000").name == "From Odoo"


@pytest.mark.parametrize(
    ("email", "role", "language", "message"),
    [
        ("bad address", "ap_contact", None, "not an email address"),
        ("a@b", "ap_contact", None, "not an email address"),
        ("x@y.example", "superuser", None, "unknown role"),
        ("x@y.example", "ap_contact", "xx", "unsupported language"),
    ],
)
def test_it_refuses_bad_contacts(shared, email, role, language, message):
    with shared.admin_session() as s, pytest.raises(InvalidInput, match=message):
        add_contact(s, find_account(s, "N-1"), email=email, name="X", role=role, language=language)


def test_it_reads_the_default_permission_matrix(db):
    with db.admin_session() as s:
        assert permissions_for(s, "ap_contact") == {
            "view_invoices",
            "download_documents",
            "view_statements",
            "view_payments",
        }
        assert has_permission(s, "finance_approver", "raise_disputes")
        assert not has_permission(s, "account_manager", "download_documents")
        assert permissions_for(s, "account_manager") == {"view_invoices", "view_statements"}
