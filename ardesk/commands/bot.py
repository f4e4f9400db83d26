"""`ardesk handle-eml`, `ardesk worker`, `ardesk smtpd`: the email bot from the command line."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json
from core.decisions import Decision
from core.errors import InvalidInput
from core.heartbeats import IntakeHealth, beating
from core.metrics.exposition import serve as serve_metrics
from core.models import ProcessKind


@click.command("handle-eml")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option(
    "--dry-run", is_flag=True, help="Store nothing, send nothing; show what would happen."
)
@click.option("--json", "as_json", is_flag=True, help="Print the decision record.")
@pass_runtime
@clean_errors
def handle_eml(runtime: Runtime, path: Path, dry_run: bool, as_json: bool) -> None:
    """Run one raw message (.eml, or - for stdin) through the whole pipeline."""
    from bot.channels.email.parse import parse_email
    from bot.process import decide
    from bot.store import claim_one, store

    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        raise InvalidInput(f"{path} is empty")
    db, settings = runtime.db, runtime.settings
    inbound = parse_email(raw)
    if dry_run:
        decision = decide(db, settings, inbound, inbound_id=None, dry_run=True)
    else:
        message_id, created = store(db, inbound)
        if not created:
            raise InvalidInput(f"this message was already received (inbox id {message_id})")
        claim_one(db, message_id)
        decision = decide(db, settings, inbound, inbound_id=message_id)
    if as_json:
        print_json(decision)
        return
    record = Decision.read(decision)
    sender = record.sender
    if sender is not None:
        click.echo(f"sender   {sender.email} ({sender.status}, account {sender.account or '-'})")
    intents = record.understood.intents if record.understood else ()
    click.echo(f"intents  {', '.join(intents or ['-'])}")
    held = [g for g in record.guards if g.verdict == "hold"]
    if held:
        click.echo(f"guard    {held[0].rule}: {held[0].reason}")
    click.echo(f"action   {record.action}{' + hand-off to AR' if record.handoff else ''}")
    if record.attached_to is not None:
        click.echo(f"attached to request {record.attached_to} (a follow-up to its open hand-off)")
    for link in record.links:
        click.echo(f"link     {link.scope} {link.url}{'  (dry run)' if dry_run else ''}")
    if not dry_run:
        queued = len(record.replies)  # the hand-off email to AR is one of them
        click.echo(f"queued   {queued} message(s) in the outbox; `ardesk worker` delivers them")


@click.command()
@click.option("--once", is_flag=True, help="Process what is waiting, deliver the outbox, exit.")
@click.option("--no-intake", is_flag=True, help="Do not read the IMAP mailbox.")
@pass_runtime
@clean_errors
def worker(runtime: Runtime, once: bool, no_intake: bool) -> None:
    """Run intake (IMAP IDLE or polling), the pipeline and outbox delivery."""
    from bot.worker import Worker

    runtime.start_logging()
    bot_worker = Worker(runtime.db, runtime.settings)
    if once:
        processed, report = bot_worker.run_once(intake=not no_intake)
        click.echo(
            f"processed {processed}; sent {report.sent}, retrying {report.retried}, "
            f"failed {report.failed}, unknown {report.unknown}"
        )
        return
    with beating(runtime.db, ProcessKind.worker, health=bot_worker.health) as beat:
        beat.stop_on_signals(bot_worker.stop)
        serve_metrics(runtime.settings, runtime.db)
        bot_worker.run(intake=not no_intake)


@click.command()
@click.option("--host", help="Listen address (default from ARDESK_SMTP_INTAKE).")
@click.option("--port", type=int, help="Listen port (default from ARDESK_SMTP_INTAKE).")
@pass_runtime
@clean_errors
def smtpd(runtime: Runtime, host: str | None, port: int | None) -> None:
    """Receive mail over SMTP into the inbox (for mail routed or forwarded to ardesk)."""
    from bot.channels.email.smtpd import make_controller

    runtime.start_logging()
    health = IntakeHealth()
    controller = make_controller(runtime.db, runtime.settings, host=host, port=port, health=health)
    serve_metrics(runtime.settings, runtime.db)
    stop = threading.Event()
    with beating(runtime.db, ProcessKind.smtpd, health=health) as beat:
        beat.stop_on_signals(stop.set)
        controller.start()
        click.echo(f"SMTP intake listening on {controller.hostname}:{controller.port}")
        try:
            stop.wait()
        finally:
            controller.stop()  # a session cut before its 250 is retried by the sending server
