"""The worker answers with the configured model folder (`ARDESK_MODEL_DIR`), loads a newer model
there between messages without a restart, and refuses a broken one, keeping the one in use."""

from __future__ import annotations

import logging
import shutil
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from bot import intent_model
from bot.channels.email.parse import parse_email
from bot.store import store
from bot.worker import Worker
from core.models import InboundMessage
from intents.model import MANIFEST, MODEL_DIR, Manifest
from tests.support.learning import recon_model

RECON = "Could you do a recon for us?"


def request_from(sender: str, body: str, n: int, subject: str = "Request") -> bytes:
    """A request as the bot's MX would pass it on: DMARC passed for the sender's domain."""
    domain = sender.split("@")[1]
    message = EmailMessage()
    message["Authentication-Results"] = (
        f"mx.supplier.example; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; "
        f"dmarc=pass header.from={domain}"
    )
    message["From"] = sender
    message["To"] = "ar@supplier.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 09:00:00 +0000"
    message["Message-ID"] = f"<learn-{n}@{domain}>"
    message.set_content(body + "\n\nThanks\n")
    return message.as_bytes()


def put_model(source, folder) -> None:
    """Copy a model into the folder the way training writes one: the manifest last."""
    shutil.copytree(source, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns(MANIFEST))
    manifest = Manifest.read(source) or Manifest(seed=0, epochs=0, examples=0)
    manifest.write(folder)


def break_model(folder) -> None:
    (folder / "textcat_multilabel" / "model").write_bytes(b"not a model")
    Manifest(seed=0, epochs=0, examples=0, trained_at="broken").write(folder)


def _decision(db, message_id: int) -> dict:
    with db.admin_session() as s:
        return s.scalar(select(InboundMessage.decision).where(InboundMessage.id == message_id))


def test_a_worker_loads_a_newer_model_without_restart_and_refuses_a_broken_one(world, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    world.settings = world.settings.replace(model_dir=folder)
    worker = Worker(world, world.settings, send=lambda row: None)

    def ask(n: int) -> dict:
        raw = request_from("karen.whitlock@brookfield.example", RECON, n)
        message_id, _ = store(world, parse_email(raw))
        assert worker.process_pending() == 1
        return _decision(world, message_id)

    try:
        before = ask(1)  # the shipped model is unsure: a person reads it
        assert before["action"] == "handoff"
        put_model(recon_model(), folder)  # trained on AR's corrections, while the worker runs
        after = ask(2)
        assert after["action"] == "reply"
        assert after["understanding"]["intents"] == ["statement"]
        process = worker.decider._process
        break_model(folder)
        kept = ask(3)  # refused: the model in use answers, the same as before
        assert kept["action"] == "reply"
        assert kept["understanding"]["intents"] == ["statement"]
        assert worker.decider._process is process  # never restarted
    finally:
        worker.close()


def test_a_broken_model_is_refused_with_one_log_line_and_the_old_one_kept(
    tmp_path, settings, caplog
):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    settings = settings.replace(model_dir=folder)
    assert intent_model.refresh(settings) is intent_model.Refresh.loaded
    in_use = intent_model.active(settings)
    break_model(folder)
    with caplog.at_level(logging.INFO, logger="bot.intent_model"):
        assert intent_model.refresh(settings) is intent_model.Refresh.refused
        assert intent_model.refresh(settings) is intent_model.Refresh.unchanged  # not retried
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "refused" in caplog.records[0].getMessage()
    assert "not a model" not in caplog.text
    assert intent_model.active(settings) is in_use
    put_model(MODEL_DIR, folder)  # mended: loaded again
    assert intent_model.refresh(settings) is intent_model.Refresh.loaded


@pytest.fixture
def settings(tmp_path):
    from tests.conftest import make_settings

    return make_settings(tmp_path, f"sqlite:///{tmp_path}/unused.db")
