"""The log set-up: JSON or text lines, bound context, and masking of what slips into a record."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest

from core import logs
from core.links import LinkSigner

TOKEN = LinkSigner("k" * 40).sign("a-link-id-0123456789")


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What a handler set up like every ardesk process's writes, in JSON."""
    out = io.StringIO()
    handler = logs.prepare(logging.StreamHandler(out), "json")
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield out
    logger.removeHandler(handler)


def records(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_time_level_logger_event_and_the_bound_ids(lines):
    log = logging.getLogger("tests.logs")
    with logs.bound(request_id="req-0001abcd", message_id=7):
        with logs.bound(outbox_id=3):
            log.info("delivery", extra={"result": "sent"})
        log.warning("after")
    log.info("outside")
    delivery, after, outside = records(lines)
    assert delivery["level"] == "INFO" and delivery["logger"] == "tests.logs"
    assert delivery["event"] == "delivery" and delivery["result"] == "sent"
    assert (delivery["request_id"], delivery["message_id"], delivery["outbox_id"]) == (
        "req-0001abcd",
        7,
        3,
    )
    assert delivery["time"].endswith("+00:00")
    assert after["message_id"] == 7 and "outbox_id" not in after
    assert "request_id" not in outside and "message_id" not in outside


def test_addresses_become_their_domain_and_tokens_disappear_everywhere_in_a_record(lines):
    log = logging.getLogger("tests.logs")
    try:
        raise ValueError(f"550 <Karen.Whitlock@Brookfield.example> refused /l/{TOKEN}")
    except ValueError:
        log.exception(
            "failed for %s at https://billing.example/l/%s?code=ABCD-EFGH",
            "s.krueger@muehlbauer.example",
            TOKEN,
            extra={
                "who": ["ap@shared.example"],
                "auth": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
            },
        )
    log.info("slack said xoxb-1234-5678-abcdef and the bare token %s", TOKEN)
    log.warning('"GET /verify?code=WXYZ-1234 HTTP/1.1" 400')
    text = lines.getvalue()
    for secret in (
        "Karen.Whitlock",
        "s.krueger",
        "ap@shared",
        TOKEN,
        "ABCD-EFGH",
        "eyJhbGciOiJIUzI1NiJ9",
        "xoxb-1234",
        "WXYZ-1234",
    ):
        assert secret not in text
    failed, slack, request = records(lines)
    assert "…@muehlbauer.example" in failed["event"] and "/l/…" in failed["event"]
    assert "…@Brookfield.example" in failed["exception"] and "ValueError" in failed["exception"]
    assert failed["who"] == ["…@shared.example"] and failed["auth"] == "Bearer …"
    assert "the bare token …" in slack["event"]
    assert request["event"] == '"GET /verify?… HTTP/1.1" 400'


def test_the_text_format_shows_the_bound_ids_after_the_message():
    out = io.StringIO()
    handler = logs.prepare(logging.StreamHandler(out), "text")
    record = logging.LogRecord("bot.worker", logging.INFO, __file__, 1, "decided", None, None)
    with logs.bound(message_id=12):
        handler.handle(record)
    assert out.getvalue().rstrip().endswith("INFO bot.worker decided [message_id=12]")


def test_an_inbound_request_id_is_kept_only_when_it_is_a_short_safe_token():
    assert logs.accept_request_id("proxy-4f1c2a9e.1") == "proxy-4f1c2a9e.1"
    for unsafe in (None, "", "short", "karen@brookfield.example", "a" * 65, "x y z 1234", "é" * 10):
        replaced = logs.accept_request_id(unsafe)
        assert replaced != unsafe and len(replaced) == 32


def test_configure_replaces_its_own_handler_and_follows_the_settings(tmp_path):
    from core.config import load_settings

    root = logging.getLogger()
    before = list(root.handlers)
    settings = load_settings({"ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(tmp_path)})
    assert settings.log_format_in_effect == "text"
    assert settings.replace(env="production").log_format_in_effect == "json"
    chosen = settings.replace(log_format="json", log_level="WARNING")
    logs.configure_from(chosen)
    logs.configure_from(chosen)
    added = [h for h in root.handlers if h not in before]
    assert len(added) == 1 and root.level == logging.WARNING
    assert logs.configured() == logs.LogSetup("json", "WARNING")
    logs.unconfigure()
    assert root.handlers == before and logs.configured() is None


def test_a_percent_encoded_token_address_or_query_is_masked_as_its_plain_spelling(lines):
    # A link spelt so that no pattern for /l/<token> sees it: "l" and some token characters
    # escaped, the slash escaped, or the whole of it encoded twice.
    spelt = "".join(f"%{ord(c):02X}" if i % 3 == 0 else c for i, c in enumerate(TOKEN))
    log = logging.getLogger("tests.logs")
    log.info('"GET /%%6c/%s HTTP/1.1" 200', spelt)
    log.info("GET /l%%2F%s and %%252Fl%%252F%s", TOKEN, quote(quote(TOKEN, safe=""), safe=""))
    log.info("refused ann%40brookfield.example%0AERROR forged at /verify%3Fcode%3DABCD-EFGH")
    log.info("100% done, /static/a%20b.css")
    text = lines.getvalue()
    for shown in (text, unquote(text), unquote(unquote(text))):
        assert TOKEN not in shown and "ann@" not in shown and "ABCD-EFGH" not in shown
    request, slash, refused, harmless = records(lines)
    assert request["event"] == '"GET /l/… HTTP/1.1" 200'
    assert slash["event"] == "GET /l/… and /l/…"
    # Decoded to be masked, a line break stays escaped: it never starts a forged line.
    assert refused["event"] == "refused …@brookfield.example%0AERROR forged at /verify?…"
    # Text with escapes that hide nothing stays as it was written.
    assert harmless["event"] == "100% done, /static/a%20b.css"
