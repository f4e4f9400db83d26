"""`ardesk corrections export`: AR's corrections as JSONL labelled examples, in the format
`ardesk intents eval` reads (subject, body, received, channel, intents, invoice and PO numbers,
period, language), one line per correction, oldest first; with the request it corrects, when,
and what the bot had understood — what `ardesk intents train|eval --corrections` read."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from ardesk.runtime import clean_errors, pass_runtime
from core.models import Correction


@click.group("corrections")
def corrections() -> None:
    """Corrections of what the bot understood."""


@corrections.command("export")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Corrections from this day.")
@pass_runtime
@clean_errors
def export(runtime, since) -> None:
    """Write every correction as one JSON line (the latest per request wins when training)."""
    query = select(Correction).order_by(Correction.at, Correction.id)
    if since:
        query = query.where(Correction.at >= since.replace(tzinfo=None).astimezone())
    with runtime.db.admin_session() as session:
        for c in session.scalars(query):
            period = (
                {"from": c.period_from.isoformat(), "to": c.period_to.isoformat()}
                if c.period_from and c.period_to
                else None
            )
            row = {
                "id": f"correction-{c.id}",
                "request": c.inbound_message_id,
                "subject": c.subject,
                "body": c.text,
                "received": c.at.date().isoformat(),
                "channel": "email" if c.channel == "email" else "chat",
                "language": c.language,
                "intents": c.intents,
                "invoice_numbers": c.invoice_numbers,
                "po_numbers": c.po_numbers,
                "period": period,
                "corrected_at": c.at.isoformat(),
                "understood": c.understood,
            }
            click.echo(json.dumps(row, ensure_ascii=False))
