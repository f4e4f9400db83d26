"""Delivery over STARTTLS and implicit TLS with a login, against a self-signed loopback server."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from mailers.smtp import SmtpTransport, TransientDeliveryError, parse_smtp_url
from tests.support.smtp_server import SmtpTestServer

SENDER = "ar@supplier.example"
PAYLOAD = b"From: ar@supplier.example\r\nSubject: Re: Invoice\r\n\r\nHello\r\n"
USER, PASSWORD = "ar@supplier.example", "p@ss:w/rd"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made here; the tests skip when nothing can make one."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        from cryptography import x509  # noqa: F401
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("TLS tests need the cryptography package or the openssl command")
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        return cert, key
    return _with_cryptography(cert, key)


def _with_cryptography(cert: Path, key: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path)


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


ENCODED_PASSWORD = "p%40ss%3Aw%2Frd"  # PASSWORD, URL-encoded


def url_with_login(server: SmtpTestServer, password: str = ENCODED_PASSWORD) -> str:
    scheme, rest = server.url.split("://")
    return f"{scheme}://ar%40supplier.example:{password}@{rest}"


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_it_logs_in_over_tls_with_a_url_encoded_password(certificate, implicit):
    with SmtpTestServer(
        tls_context=server_context(certificate),
        implicit_tls=implicit,
        credentials=(USER, PASSWORD),
    ) as server:
        config = parse_smtp_url(url_with_login(server), envelope_sender=SENDER, timeout=5)
        with SmtpTransport(config, client_context(certificate)) as transport:
            transport.send(PAYLOAD, "anna@customer.example")
        assert [m.rcpt_tos for m in server.messages] == [("anna@customer.example",)]


def test_a_wrong_password_is_transient_and_says_so_without_the_password(certificate):
    with SmtpTestServer(
        tls_context=server_context(certificate), credentials=(USER, PASSWORD)
    ) as server:
        config = parse_smtp_url(url_with_login(server, "wrong"), envelope_sender=SENDER, timeout=5)
        with pytest.raises(TransientDeliveryError) as err:
            SmtpTransport(config, client_context(certificate)).send(PAYLOAD, "a@c.example")
    assert err.value.reason == "authentication failed"
    assert "wrong" not in str(err.value)


def test_an_untrusted_certificate_is_refused(certificate):
    with SmtpTestServer(tls_context=server_context(certificate)) as server:
        config = parse_smtp_url(server.url, envelope_sender=SENDER, timeout=5)
        with pytest.raises(TransientDeliveryError, match="TLS failed"):
            SmtpTransport(config).send(PAYLOAD, "anna@customer.example")  # system trust only
        assert server.messages == []
