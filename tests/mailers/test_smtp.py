"""Delivering stored bytes to a real SMTP server, and sorting failures into retry or give up."""

from __future__ import annotations

import random
import socket
import threading
from datetime import timedelta

import pytest

from core.config import ConfigError, load_settings
from mailers.smtp import (
    PermanentDeliveryError,
    SmtpConfig,
    SmtpTransport,
    TransientDeliveryError,
    classify,
    next_attempt_delay,
    parse_smtp_url,
)
from tests.support.smtp_server import SmtpTestServer

SENDER = "ar@supplier.example"
PAYLOAD = (
    b"From: ar@supplier.example\r\nTo: anna@customer.example\r\nSubject: Re: Invoice 10423\r\n"
    b"Message-ID: <1@supplier.example>\r\n\r\nThe secret body of the message.\r\n"
)


def transport_for(server: SmtpTestServer) -> SmtpTransport:
    return SmtpTransport(parse_smtp_url(server.url, envelope_sender=SENDER, timeout=5))


def test_it_delivers_the_stored_bytes_with_our_envelope_sender(smtp_server):
    with transport_for(smtp_server) as transport:
        transport.send(PAYLOAD, "anna@customer.example")

    [captured] = smtp_server.messages
    assert captured.mail_from == SENDER
    assert captured.rcpt_tos == ("anna@customer.example",)
    assert captured.data.replace(b"\r\n", b"\n") == PAYLOAD.replace(b"\r\n", b"\n")
    assert captured.message["Subject"] == "Re: Invoice 10423"


def test_it_reuses_one_connection_for_several_messages(smtp_server):
    with transport_for(smtp_server) as transport:
        for n in range(3):
            transport.send(PAYLOAD, f"contact{n}@customer.example")
    assert [m.rcpt_tos for m in smtp_server.messages] == [
        (f"contact{n}@customer.example",) for n in range(3)
    ]


def test_it_turns_bare_line_feeds_into_crlf_on_the_wire(smtp_server):
    with transport_for(smtp_server) as transport:
        transport.send(PAYLOAD.replace(b"\r\n", b"\n"), "anna@customer.example")
    assert smtp_server.messages[0].message["Message-ID"] == "<1@supplier.example>"


@pytest.mark.parametrize("code", [421, 450])
def test_a_4xx_reply_is_transient_and_carries_the_code(smtp_server, code):
    smtp_server.fail_next(code)
    with transport_for(smtp_server) as transport, pytest.raises(TransientDeliveryError) as err:
        transport.send(PAYLOAD, "anna@customer.example")
    assert err.value.code == code
    assert not err.value.permanent
    assert "secret body" not in str(err.value)
    assert smtp_server.messages == []


def test_a_5xx_reply_is_permanent(smtp_server):
    smtp_server.fail_next(550)
    with transport_for(smtp_server) as transport, pytest.raises(PermanentDeliveryError) as err:
        transport.send(PAYLOAD, "nobody@customer.example")
    assert err.value.code == 550
    assert err.value.permanent
    assert "Mailbox unavailable" in err.value.reason
    assert "secret body" not in err.value.reason


@pytest.mark.parametrize(
    ("code", "error"), [(450, TransientDeliveryError), (550, PermanentDeliveryError)]
)
def test_a_refused_recipient_is_classified_by_its_code(smtp_server, code, error):
    smtp_server.fail_next(code, stage="rcpt")
    with transport_for(smtp_server) as transport, pytest.raises(error) as err:
        transport.send(PAYLOAD, "anna@customer.example")
    assert err.value.code == code
    assert smtp_server.messages == []


def test_after_a_failure_the_next_message_goes_through(smtp_server):
    smtp_server.fail_next(450, times=2)
    with transport_for(smtp_server) as transport:
        for _ in range(2):
            with pytest.raises(TransientDeliveryError):
                transport.send(PAYLOAD, "anna@customer.example")
        transport.send(PAYLOAD, "anna@customer.example")
    assert len(smtp_server.messages) == 1


def test_a_refused_connection_is_transient():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        transport = SmtpTransport(
            parse_smtp_url(f"smtp://127.0.0.1:{port}", envelope_sender=SENDER, timeout=5)
        )
        with pytest.raises(TransientDeliveryError) as err:
            transport.send(PAYLOAD, "anna@customer.example")
    assert err.value.code is None
    assert "refused" in err.value.reason.lower()


def test_it_reads_the_url_forms():
    plain = parse_smtp_url("smtp://mail.example.com", envelope_sender=SENDER)
    assert (plain.scheme, plain.host, plain.port, plain.username) == (
        "smtp",
        "mail.example.com",
        25,
        None,
    )
    starttls = parse_smtp_url(
        "smtp+starttls://ar%40x.com:p%40ss%2Fw@mail.example.com", envelope_sender=SENDER
    )
    assert (starttls.port, starttls.username, starttls.password) == (587, "ar@x.com", "p@ss/w")
    implicit = parse_smtp_url("smtps://u:p@mail.example.com:2465", envelope_sender=SENDER)
    assert (implicit.scheme, implicit.port) == ("smtps", 2465)


def test_the_password_variable_supplies_the_password_and_never_shows_in_repr():
    settings = load_settings(
        {
            "ARDESK_ENV": "test",
            "ARDESK_SECRET_KEY": "k" * 40,
            "ARDESK_SMTP_URL": "smtp+starttls://ar@mail.example.com:587",
            "ARDESK_SMTP_PASSWORD": "s3cret",
            "ARDESK_FROM_ADDRESS": SENDER,
            "ARDESK_SMTP_TIMEOUT": "12",
        },
        read_dotenv=False,
    )
    config = SmtpConfig.from_settings(settings)
    assert (config.password, config.timeout, config.envelope_sender) == ("s3cret", 12.0, SENDER)
    assert "s3cret" not in repr(config)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example.com", "must start with"),
        ("smtp://user:pw@mail.example.com", "only over"),
        ("smtp+starttls://mail.example.com:port", "not a number"),
        ("smtps://", "names no host"),
    ],
)
def test_a_bad_url_is_a_clear_configuration_error(url, problem):
    with pytest.raises(ConfigError, match=problem):
        parse_smtp_url(url, envelope_sender=SENDER)


def test_backoff_doubles_from_a_minute_up_to_a_cap():
    delays = [next_attempt_delay(n) for n in range(1, 11)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=4)
    assert next_attempt_delay(0) == timedelta(0)
    assert next_attempt_delay(1000) == timedelta(hours=4)


def test_backoff_jitter_stays_within_bounds_and_repeats_with_a_seed():
    first = [next_attempt_delay(3, jitter=0.25, rng=random.Random(7)) for _ in range(1)]
    again = [next_attempt_delay(3, jitter=0.25, rng=random.Random(7)) for _ in range(1)]
    assert first == again
    rng = random.Random(1)
    for _ in range(50):
        delay = next_attempt_delay(3, jitter=0.25, rng=rng)
        assert timedelta(minutes=3) <= delay <= timedelta(minutes=5)


def test_a_server_that_turns_us_away_at_the_greeting_is_transient_even_with_5xx():
    # A 554 greeting means "no service here now", not "this message is bad".
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def greet_and_close() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.sendall(b"554 5.3.2 No service for you\r\n")

        thread = threading.Thread(target=greet_and_close)
        thread.start()
        transport = SmtpTransport(
            parse_smtp_url(f"smtp://127.0.0.1:{port}", envelope_sender=SENDER, timeout=5)
        )
        with pytest.raises(TransientDeliveryError) as err:
            transport.send(PAYLOAD, "anna@customer.example")
        thread.join()
    assert err.value.code == 554


@pytest.mark.parametrize(
    ("code", "permanent"), [(421, False), (451, False), (500, True), (554, True), (-1, False)]
)
def test_reply_codes_sort_into_transient_and_permanent(code, permanent):
    error = classify(code, b"some reply\r\nover two lines")
    assert error.permanent is permanent
    assert error.reason == "some reply over two lines"


def test_production_refuses_plain_smtp_across_a_network_but_allows_a_local_relay(tmp_path):
    from tests.support.production import production_environ

    def config(url: str) -> SmtpConfig:
        return SmtpConfig.from_settings(
            load_settings(production_environ(tmp_path, ARDESK_SMTP_URL=url), read_dotenv=False)
        )

    with pytest.raises(ConfigError, match="must use TLS"):
        config("smtp://relay.example.com:25")
    assert config("smtp://127.0.0.1:25").host == "127.0.0.1"
    assert config("smtp://localhost:25").scheme == "smtp"
    assert config("smtp+starttls://relay.example.com:587").scheme == "smtp+starttls"
