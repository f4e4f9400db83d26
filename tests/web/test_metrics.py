"""``/metrics`` in one process: who may read it, and the figures an operator alerts on — outbox
depth from the database, link refusals by reason, documents downloaded."""

from __future__ import annotations

from datetime import timedelta

from core import links
from core.metrics.database import read_figures
from core.models import Contact, LinkScope, OutboundMessage, OutboundStatus, utcnow
from tests.support.metrics import samples, total, value
from tests.web.conftest import follow, issue_link, open_portal, portal_settings
from web import create_app


def scrape(client, **headers: str) -> dict:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.status_code
    return samples(response.text)


def test_only_the_machine_itself_reads_metrics_without_a_token(app, client):
    assert client.get("/metrics").status_code == 200
    # Through a proxy the request is a stranger's, whatever address it arrives from.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404


def test_with_a_token_metrics_need_it(db):
    app = create_app(portal_settings(db.settings, metrics_token="scrape-token-123"))
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = {"Authorization": "Bearer scrape-token-124"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    right = {"Authorization": "Bearer scrape-token-123"}
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", headers=right, environ_base=remote).status_code == 200
    app.extensions["ardesk.db"].dispose()


def test_metrics_off_means_no_endpoint(db):
    app = create_app(portal_settings(db.settings, metrics=False))
    assert app.test_client().get("/metrics").status_code == 404
    app.extensions["ardesk.db"].dispose()


def test_the_outbox_depth_follows_the_rows_in_the_database(app, client, db):
    assert value(scrape(client), "ardesk_outbox_depth") == 0
    created = utcnow() - timedelta(minutes=30)
    with db.admin_session() as s:
        for status in (OutboundStatus.pending, OutboundStatus.sending, OutboundStatus.sent):
            s.add(
                OutboundMessage(
                    channel="email", recipient="ap@alice.example", payload=b"x", status=status,
                    created_at=created, next_attempt_at=created,
                )
            )  # fmt: skip
    scraped = scrape(client)
    assert value(scraped, "ardesk_outbox_depth") == 2  # the sent one is done
    assert 30 * 60 <= value(scraped, "ardesk_outbox_oldest_age_seconds") < 60 * 60
    with db.admin_session() as s:
        for row in s.query(OutboundMessage):
            row.status = OutboundStatus.sent
    scraped = scrape(client)
    assert value(scraped, "ardesk_outbox_depth") == 0
    assert value(scraped, "ardesk_outbox_oldest_age_seconds") == 0
    assert value(scraped, "ardesk_database_scrape_ok") == 1
    assert read_figures(db).outbox_depth == 0


def test_link_refusals_are_counted_by_reason(app, client, world):
    before = scrape(client)
    old = issue_link(
        app, world.alice_contact, LinkScope.portal, ttl=timedelta(hours=1),
        now=utcnow() - timedelta(hours=3),
    )  # fmt: skip
    assert client.get(f"/l/{old.token}").status_code == 410
    assert client.get("/l/not-a-real-token").status_code == 404
    fresh = issue_link(app, world.alice_contact, LinkScope.portal)
    assert follow(client, fresh.token).status_code == 303
    after = scrape(client)

    def grew(**labels: str) -> float:
        name = "ardesk_link_events_total"
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew(event="refused", reason="expired") == 1
    assert grew(event="refused", reason="tampered") == 1
    assert grew(event="refused", reason="revoked") == 0
    assert grew(event="issued", reason="") == 2
    assert grew(event="opened", reason="") == 1


def test_a_document_download_is_counted_by_kind(app, client, world):
    open_portal(app, client, world.alice_contact)
    name = "ardesk_document_downloads_total"
    before = value(scrape(client), name, kind="rendered_invoice")
    assert client.get(f"/invoices/{world.invoices['A-100']}/pdf").status_code == 200
    after = scrape(client)
    assert value(after, name, kind="rendered_invoice") == before + 1
    assert total(after, "ardesk_http_requests_total", blueprint="documents", status="200") >= 1


def test_a_link_issued_in_a_rolled_back_transaction_is_not_counted(app, client, world):
    """A dry run issues links and rolls back: they never existed, and are not counted."""
    name, labels = "ardesk_link_events_total", {"event": "issued", "reason": ""}
    before = value(scrape(client), name, **labels)
    db = app.extensions["ardesk.db"]
    with db.admin_session() as s:
        contact = s.get(Contact, world.alice_contact)
        links.issue(
            s, app.extensions["ardesk.signer"], "https://x.example", contact, LinkScope.portal,
            ttl=timedelta(hours=1),
        )  # fmt: skip
        s.rollback()
    assert value(scrape(client), name, **labels) == before
