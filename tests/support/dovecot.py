"""A throwaway Dovecot IMAP server on loopback, from a configuration in a temporary folder.

Dovecot refuses uid 0 for mailboxes, so mail belongs to the unprivileged ``mail`` user (when the
tests run as root) or to whoever runs the tests. Its daemon keeps inherited stdout open, so its
output goes to a file.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

USER, PASSWORD = "ar", "imap-test-password"


def find_dovecot() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DovecotServer:
    binary: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ardesk-imap-")))
    port: int = field(default_factory=_free_port)
    # When set, XOAUTH2 logins are checked against this URL (the token is appended), as Dovecot
    # does with an identity provider's token-info endpoint.
    oauth2_tokeninfo_url: str | None = None

    @property
    def config_path(self) -> Path:
        return self.root / "dovecot.conf"

    def _owner(self) -> tuple[str, int, int]:
        pw = pwd.getpwnam("mail") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        return pw.pw_name, pw.pw_uid, pw.pw_gid

    def start(self) -> None:
        name, uid, gid = self._owner()
        self.root.chmod(0o755)  # Dovecot's unprivileged auth and mail processes read below it
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, uid, gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        root_only = os.geteuid() == 0
        self.config_path.write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
info_log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{" xoauth2 oauthbearer" if self.oauth2_tokeninfo_url else ""}
mail_location = maildir:{mail}/%u
{"default_internal_user = dovecot" if root_only else f"default_internal_user = {name}"}
{"default_login_user = dovenull" if root_only else f"default_login_user = {name}"}
{"" if root_only else f"default_internal_group = {name}"}
first_valid_uid = 1
{self._oauth2_passdb()}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        )
        with open(self.root / "stdout.log", "wb") as out:
            subprocess.run(
                [self.binary, "-c", str(self.config_path)],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Dovecot did not start: {self.log()}")

    def _oauth2_passdb(self) -> str:
        if not self.oauth2_tokeninfo_url:
            return ""
        conf = self.root / "oauth2.conf.ext"
        conf.write_text(
            f"tokeninfo_url = {self.oauth2_tokeninfo_url}\n"
            "introspection_mode = get\n"
            f"introspection_url = {self.oauth2_tokeninfo_url}\n"
            "username_attribute = email\nactive_attribute = active\nactive_value = true\n"
        )
        return (
            "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {conf}\n}}\n"
        )

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()

    @property
    def url(self) -> str:
        return f"imap://{USER}@127.0.0.1:{self.port}/INBOX"

    def stop(self) -> None:
        subprocess.run(
            [self.binary, "-c", str(self.config_path), "stop"], capture_output=True, check=False
        )
        time.sleep(0.2)
        shutil.rmtree(self.root, ignore_errors=True)
