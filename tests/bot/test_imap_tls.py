"""An IMAP server whose certificate a private CA signed: one clear line naming the host and the
setting to use, and with that setting the connection is trusted."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator

import pytest
from imapclient.exceptions import LoginError

from bot.channels.email.imap import ImapIntake
from core.config import ConfigError
from tests.support.tls import make_certificate


class RefusingImapServer:
    """TLS on loopback; greets, answers CAPABILITY and refuses every LOGIN."""

    def __init__(self, cert, key) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.context = context
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    conn.settimeout(5)
                    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
                    for line in conn.makefile("rb"):
                        tag, _, command = line.decode().partition(" ")
                        if command.upper().startswith("CAPABILITY"):
                            conn.sendall(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n".encode())
                        else:
                            conn.sendall(f"{tag} NO [AUTHENTICATIONFAILED] no\r\n".encode())
            except (OSError, ssl.SSLError):
                continue  # the client refused our certificate

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def private_ca_server(tmp_path) -> Iterator[tuple[RefusingImapServer, object]]:
    cert, key = make_certificate(tmp_path)
    server = RefusingImapServer(cert, key)
    yield server, cert
    server.close()


def test_an_untrusted_certificate_is_one_line_naming_host_and_setting(db, private_ca_server):
    server, _ = private_ca_server
    settings = db.settings.replace(
        imap_url=f"imaps://ar@127.0.0.1:{server.port}/INBOX", imap_password="secret"
    )
    with pytest.raises(ConfigError) as refused:
        ImapIntake(db, settings).connect()
    message = str(refused.value)
    assert "127.0.0.1" in message and "ARDESK_IMAP_CA_FILE" in message and "\n" not in message


def test_with_the_ca_file_the_certificate_is_trusted(db, private_ca_server):
    server, cert = private_ca_server
    settings = db.settings.replace(
        imap_url=f"imaps://ar@127.0.0.1:{server.port}/INBOX",
        imap_password="secret",
        imap_ca_file=str(cert),
    )
    with pytest.raises(LoginError):  # past TLS: the server itself answers (and refuses the login)
        ImapIntake(db, settings).connect()
