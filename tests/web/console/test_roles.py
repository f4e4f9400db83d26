"""The role → permission matrix, edited by admins in the console: one audit event per cell
changed, nonsense refused, and the portal applies a change on the customer's next request."""

from __future__ import annotations

from sqlalchemy import select

from core.models import AuditEvent, RolePermission
from tests.web.conftest import csrf_token, https_client, open_portal


def _matrix(db) -> set[tuple[str, str]]:
    with db.admin_session() as s:
        return set(s.execute(select(RolePermission.role, RolePermission.permission)).all())


def _save(client, ticked: set[tuple[str, str]], shown: set[tuple[str, str]] | None = None):
    page = client.get("/ar/roles").text
    form = {
        "csrf_token": csrf_token(page),
        "grant": [f"{r}:{p}" for r, p in sorted(ticked)],
        "shown": [f"{r}:{p}" for r, p in sorted(shown if shown is not None else ticked)],
    }
    return client.post("/ar/roles", data=form)


def _events(db) -> list[AuditEvent]:
    with db.admin_session() as s:
        query = select(AuditEvent).where(AuditEvent.action.startswith("role."))
        return s.scalars(query.order_by(AuditEvent.id)).all()


def test_revoking_download_documents_refuses_the_next_pdf(db, app, admin, world):
    customer = https_client(app)
    open_portal(app, customer, world.alice_contact)  # Ann, ap_contact
    pdf = f"/invoices/{world.invoices['A-100']}/pdf"
    assert customer.get(pdf).status_code == 200

    page = admin.get("/ar/roles").text
    assert 'value="ap_contact:download_documents" aria-label' in page
    before = _matrix(db)
    assert ("ap_contact", "download_documents") in before
    saved = _save(admin, before - {("ap_contact", "download_documents")}, before)
    assert saved.status_code == 303
    assert _matrix(db) == before - {("ap_contact", "download_documents")}
    [event] = _events(db)
    assert (event.action, event.actor, event.target) == (
        "role.revoke",
        "ar:ada@supplier.example",
        "role:ap_contact",
    )
    assert event.detail == {"role": "ap_contact", "permission": "download_documents"}

    # The same session, its next request: refused.
    assert customer.get(pdf).status_code == 403

    # Granted again (one event), the PDF comes back.
    after = _matrix(db)
    _save(admin, after | {("ap_contact", "download_documents")}, after)
    assert [e.action for e in _events(db)] == ["role.revoke", "role.grant"]
    assert customer.get(pdf).status_code == 200


def test_a_colleagues_change_to_another_cell_stands(db, admin):
    seen = _matrix(db)
    with db.admin_session() as s:  # meanwhile, another admin grants raise_disputes
        s.add(RolePermission(role="account_manager", permission="raise_disputes"))
    _save(admin, seen - {("ap_contact", "view_payments")}, seen)
    matrix = _matrix(db)
    assert ("account_manager", "raise_disputes") in matrix
    assert ("ap_contact", "view_payments") not in matrix
    assert len(_events(db)) == 1


def test_an_unknown_role_or_permission_is_refused_and_nothing_changes(db, admin):
    before = _matrix(db)
    for cell in (("boss", "view_invoices"), ("ap_contact", "delete_everything")):
        refused = _save(admin, before | {cell}, before | {("ap_contact", "view_invoices")})
        assert refused.status_code == 303
        assert "Not saved" in admin.get("/ar/roles").text
    page = admin.get("/ar/roles").text
    token = csrf_token(page)
    assert (
        admin.post("/ar/roles", data={"csrf_token": token, "grant": "no-colon"}).status_code == 400
    )
    assert _matrix(db) == before and _events(db) == []


def test_agents_may_not_see_or_change_the_matrix(db, agent):
    assert agent.get("/ar/roles").status_code == 403
    token = csrf_token(agent.get("/ar/requests").text)
    posted = agent.post("/ar/roles", data={"csrf_token": token, "grant": []})
    assert posted.status_code == 403
    assert ("ap_contact", "view_invoices") in _matrix(db)


def test_a_change_without_the_csrf_token_is_refused(db, admin):
    before = _matrix(db)
    assert admin.post("/ar/roles", data={"grant": []}).status_code == 400
    assert _matrix(db) == before
