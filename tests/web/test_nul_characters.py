"""A NUL character in a query string or form field is refused with 400: PostgreSQL cannot store
one in text, and a sign-in address carrying one failed the request with a 500 there. Uploaded
files (a PDF to verify is binary) are not form text and pass."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from core.models import AuditEvent, LoginRequest
from tests.web.conftest import csrf_token, open_portal


def test_a_sign_in_address_with_a_nul_or_a_space_is_refused_and_nothing_is_queued(app, client, db):
    token = csrf_token(client.get("/login").text)
    for address, status in (("ap@alice.example\x00", 400), ("ap @alice.example", 400),
                            ("ap@alice.example\u200b", 400)):  # fmt: skip
        assert client.post("/login", data={"csrf_token": token, "email": address}).status_code == (
            status
        ), repr(address)
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(LoginRequest)) == 0


def test_a_nul_in_a_query_string_is_refused(app, client, world):
    open_portal(app, client, world.alice_contact)
    assert client.get("/invoices?q=A%00").status_code == 400
    assert client.get("/invoices?q=A").status_code == 200


def test_a_binary_upload_is_not_taken_for_form_text(app, client):
    token = csrf_token(client.get("/verify").text)
    pdf = io.BytesIO(b"%PDF-1.4\n\x00\x00\x00\n%%EOF\n")
    response = client.post(
        "/verify",
        data={"csrf_token": token, "file": (pdf, "copy.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code not in (400,) and response.status_code < 500


def test_a_nul_in_the_user_agent_is_audited_as_a_replacement_character(app, client, db, world):
    """gunicorn refuses the header; a server that passes it on must not fail the download on
    PostgreSQL, whose text cannot hold a NUL."""
    open_portal(app, client, world.alice_contact)
    pdf = f"/invoices/{world.invoices['A-100']}/pdf"
    assert client.get(pdf, headers={"User-Agent": "agent\x00x"}).status_code == 200
    with db.admin_session() as s:
        agent = s.scalar(
            select(AuditEvent.user_agent)
            .where(AuditEvent.action == "document.download")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    assert agent == "agent\ufffdx"
