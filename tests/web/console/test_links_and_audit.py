"""Links and the audit trail: what AR does when a customer's mailbox is compromised, and how
they read back who did what."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from core.audit import record
from core.models import AccessLink, AuditEvent, LinkScope
from tests.web.conftest import csrf_token, follow, issue_link


def _post(client, path: str):
    token = csrf_token(client.get("/ar/accounts").text)
    return client.post(path, data={"csrf_token": token})


def _customer(app, contact_id: int, scope=LinkScope.portal):
    """A customer's browser holding a portal session opened from a fresh link."""
    browser = app.test_client()
    browser.environ_base["wsgi.url_scheme"] = "https"
    link = issue_link(app, contact_id, scope)
    assert follow(browser, link.token).status_code == 303
    assert browser.get("/invoices").status_code == 200
    return browser, link


def test_revoking_one_link_refuses_its_customer_and_no_other(app, admin, world):
    ann, anns_link = _customer(app, world.alice_contact)
    manager, _ = _customer(app, world.manager)
    page = admin.get(f"/ar/accounts/{world.alice}")
    assert "Ann Alice" in page.text and anns_link.id in page.text
    _post(admin, f"/ar/accounts/{world.alice}/links/{anns_link.id}/revoke")
    assert ann.get("/invoices").status_code != 200
    assert manager.get("/invoices").status_code == 200


def test_revoking_a_contacts_links_leaves_colleagues_alone(app, admin, world):
    first, _ = _customer(app, world.alice_contact)
    second, _ = _customer(app, world.alice_contact)
    manager, _ = _customer(app, world.manager)
    response = _post(admin, f"/ar/accounts/{world.alice}/contacts/{world.alice_contact}/revoke")
    assert response.status_code == 303
    assert first.get("/invoices").status_code != 200
    assert second.get("/invoices").status_code != 200
    assert manager.get("/invoices").status_code == 200


def test_revoking_an_account_ends_every_session_of_it_and_only_it(db, app, admin, world):
    ann, _ = _customer(app, world.alice_contact)
    manager, _ = _customer(app, world.manager)
    bob, _ = _customer(app, world.bob_contact)
    _post(admin, f"/ar/accounts/{world.alice}/revoke")
    assert ann.get("/invoices").status_code != 200
    assert manager.get("/invoices").status_code != 200
    assert bob.get("/invoices").status_code == 200
    assert "2 link(s) revoked" in admin.get(f"/ar/accounts/{world.alice}").text
    with db.admin_session() as s:
        revokers = set(
            s.scalars(select(AccessLink.revoked_by).where(AccessLink.revoked_by.is_not(None)))
        )
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.action == "link.revoke")))
    assert revokers == actors == {"ar:ada@supplier.example"}


def test_an_agent_finds_accounts_by_name_or_erp_id(agent, world):
    assert "Alice Manufacturing" in agent.get("/ar/accounts?q=alice").text
    found = agent.get("/ar/accounts?q=B1").text
    assert "Bob Logistics" in found and "Alice Manufacturing" not in found


def test_the_audit_trail_filters_by_action_prefix_actor_and_account(app, admin, world):
    _customer(app, world.alice_contact)
    _customer(app, world.bob_contact)
    _post(admin, f"/ar/accounts/{world.alice}/revoke")
    revokes = admin.get("/ar/audit?action=link.revoke").text
    assert revokes.count("<td>link.revoke</td>") == 1
    links = admin.get("/ar/audit?action=link.").text
    assert "<td>link.revoke</td>" in links and "<td>link.issue</td>" in links
    by_ada = admin.get("/ar/audit?actor=ar:ada@supplier.example").text
    assert "<td>ar.sign_in</td>" in by_ada and "<td>link.revoke</td>" in by_ada
    bobs = admin.get("/ar/audit?account=B1").text
    assert "<td>B1</td>" in bobs and "<td>A1</td>" not in bobs


def test_the_audit_export_escapes_formulas_and_is_itself_audited(db, admin, world):
    with db.admin_session() as s:
        record(s, "document.download", actor="contact:1", account_id=world.alice,
               target='=HYPERLINK("http://evil.example/","Details")')  # fmt: skip
    response = admin.get("/ar/audit.csv?account=A1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["id", "at", "action", "actor", "account", "contact_id", "link_id",
                       "target", "ip"]  # fmt: skip
    (download,) = [r for r in rows[1:] if r[2] == "document.download"]
    assert download[7] == '\'=HYPERLINK("http://evil.example/","Details")'
    with db.admin_session() as s:
        export = s.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert export.actor == "ar:ada@supplier.example"
    assert export.detail == {"rows": len(rows) - 1, "filters": {"account": "A1"}}


def _exported(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.text)))[1:]


def test_the_audit_export_filtered_by_action_holds_only_that_action(app, admin, world):
    _customer(app, world.alice_contact)
    _post(admin, f"/ar/accounts/{world.alice}/revoke")
    revokes = _exported(admin.get("/ar/audit.csv?action=link.revoke"))
    assert revokes and {row[2] for row in revokes} == {"link.revoke"}
    links = _exported(admin.get("/ar/audit.csv?action=link."))
    assert {"link.issue", "link.revoke"} <= {row[2] for row in links}
    assert all(row[2].startswith("link.") for row in links)


def test_the_audit_export_is_recorded_as_its_exporter_whatever_it_filters(db, admin):
    filters = {"action": "ar.sign_in", "actor": "ar:gus@supplier.example", "target": "ar_user:2"}
    _exported(admin.get("/ar/audit.csv", query_string=filters))
    with db.admin_session() as s:
        export = s.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert (export.actor, export.target) == ("ar:ada@supplier.example", None)
    assert export.detail["filters"] == filters


def test_the_audit_trail_takes_dates_at_the_ends_of_the_calendar(admin):
    whole = "since=0001-01-01&until=9999-12-31"
    page = admin.get(f"/ar/audit?{whole}")
    assert page.status_code == 200 and "<td>ar.sign_in</td>" in page.text
    assert "ar.sign_in" in {row[2] for row in _exported(admin.get(f"/ar/audit.csv?{whole}"))}


def test_the_audit_trail_has_no_way_to_change_it(admin):
    token = csrf_token(admin.get("/ar/audit").text)
    assert admin.post("/ar/audit", data={"csrf_token": token}).status_code == 405
    assert admin.delete("/ar/audit").status_code in (400, 405)
