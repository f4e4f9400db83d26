"""The mail settings: IMAP intake, SMTP delivery and intake, addresses, verification, limits."""

from __future__ import annotations

from email.errors import HeaderParseError
from email.headerregistry import Address
from urllib.parse import SplitResult, urlsplit

from pydantic import Field, field_validator

from core.config_types import CommaList, OptionalPath, SettingsGroup, Text, doc

#: The forms ``mailers.smtp`` sends with (plain, STARTTLS, TLS from the first byte).
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")
IMAP_SCHEMES = ("imaps", "imap+starttls", "imap")


def _mail_url(value: str | None, schemes: tuple[str, ...], example: str) -> SplitResult | None:
    """``value`` split, if it is a URL of one of ``schemes`` with a host and a usable port;
    ValueError saying what is wrong otherwise."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # a broken [IPv6] host
        raise ValueError(f"is not a URL (e.g. {example})") from None
    if parts.scheme not in schemes:
        *first, last = (f"{scheme}://" for scheme in schemes)
        raise ValueError(f"must start with {', '.join(first)} or {last} (e.g. {example})")
    if not parts.hostname:
        raise ValueError(f"names no host (e.g. {example})")
    try:
        usable_port = parts.port != 0  # None: the scheme's own port
    except ValueError:  # not a number, or past 65535
        usable_port = False
    if not usable_port:
        raise ValueError("has a port that is not a number from 1 to 65535")
    return parts


class MailSettings(SettingsGroup):
    """IMAP, SMTP, the from and AR addresses, sender verification, reply limits, brand."""

    imap_url: Text = Field(
        None,
        json_schema_extra=doc(
            "The AR mailbox: `imaps://user@host/INBOX` (TLS), `imap+starttls://…`, or `imap://…` "
            "(not in production). A user name containing `@` is written `%40`.",
            group="email",
        ),
    )
    imap_password: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "Its password (or put it URL-encoded in the URL).", group="email", secret=True
        ),
    )
    imap_ca_file: OptionalPath = Field(
        None,
        json_schema_extra=doc(
            "A CA certificate (PEM) to trust for the IMAP server, beside the system's: for a "
            "server whose certificate a private CA signed.",
            group="email",
        ),
    )
    imap_processed_folder: Text = Field(
        None,
        json_schema_extra=doc(
            "Move stored mail there; unset, stored mail is flagged `\\Seen` in place.",
            group="email",
        ),
    )
    imap_poll_interval: float = Field(
        30.0,
        gt=0,
        allow_inf_nan=False,  # "inf" (or 1e400) would be a wait no timer can hold
        json_schema_extra=doc(
            "Seconds between polls when the server has no IDLE.", "`30`", group="email"
        ),
    )
    imap_max_bytes: int = Field(
        25 * 1024 * 1024,
        ge=64 * 1024,
        json_schema_extra=doc(
            "The most of one message IMAP intake reads: a larger one is read up to this size "
            "(its text, which comes before its attachments), the rest left in the mailbox.",
            "`26214400`",
            group="email",
        ),
    )
    imap_oauth2_token: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "A fixed XOAUTH2 access token (testing; prefer the token endpoint below).",
            group="email",
            secret=True,
        ),
    )
    imap_oauth2_token_url: Text = Field(
        None,
        json_schema_extra=doc(
            "XOAUTH2 for Microsoft 365 and Gmail: the token endpoint. A refresh-token grant with "
            "the refresh token below, else client credentials with the scope below.",
            group="email",
        ),
    )
    imap_oauth2_client_id: Text = Field(
        None, json_schema_extra=doc("The OAuth 2 client id.", group="email")
    )
    imap_oauth2_client_secret: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc("The OAuth 2 client secret.", group="email", secret=True),
    )
    imap_oauth2_refresh_token: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc("The OAuth 2 refresh token.", group="email", secret=True),
    )
    imap_oauth2_scope: Text = Field(
        None,
        json_schema_extra=doc(
            "The scope asked for in the client-credentials grant.", group="email"
        ),
    )
    smtp_url: Text = Field(
        None,
        json_schema_extra=doc(
            "Outbound mail: `smtp://host:25`, `smtp+starttls://user:pass@host:587`, "
            "`smtps://user:pass@host:465` ([mailers.md](mailers.md)).",
            group="email",
        ),
    )
    smtp_password: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The SMTP password, when not in the URL.", group="email", secret=True
        ),
    )
    smtp_timeout: float = Field(
        30.0,
        gt=0,
        allow_inf_nan=False,  # "inf" (or 1e400) would be a wait no timer can hold
        json_schema_extra=doc("Seconds to wait for the SMTP server.", "`30`", group="email"),
    )
    smtp_intake: str = Field(
        "127.0.0.1:2525",
        json_schema_extra=doc(
            "Where `ardesk smtpd` listens for mail routed to ardesk (`host:port`).",
            "`127.0.0.1:2525`",
            group="email",
        ),
    )
    smtp_intake_max_bytes: int = Field(
        25 * 1024 * 1024,
        gt=0,
        json_schema_extra=doc("Larger messages are refused (552).", "`26214400`", group="email"),
    )
    automation_attachment_max_bytes: int = Field(
        10 * 1024 * 1024,
        gt=0,
        le=50 * 1024 * 1024,
        json_schema_extra=doc(
            "The most a reply to an AP-automation inbox carries attached, all files together; "
            "past it the invoices beyond go as links, with a note saying so.",
            "`10485760`",
            group="email",
        ),
    )
    from_address: Text = Field(
        None,
        json_schema_extra=doc(
            "The address replies come from (one address, `name@domain`). **Required** in "
            "production.",
            group="email",
        ),
    )
    ar_address: Text = Field(
        None,
        json_schema_extra=doc(
            "Where hand-offs go (the AR team; one address, `name@domain`). **Required** in "
            "production.",
            group="email",
        ),
    )
    trusted_authserv_ids: CommaList = Field(
        (),
        json_schema_extra=doc(
            "Comma-separated authserv-ids of your own receiving servers whose "
            "`Authentication-Results` ardesk believes (RFC 8601). Unset: every sender is "
            '"verified by address" — safe, because replies only go to the address on file.',
            group="email",
        ),
    )
    handoff_ack: bool = Field(
        False,
        json_schema_extra=doc(
            "`true`: tell senders whose request went to a person that it did.",
            "`false`",
            group="email",
        ),
    )
    replies_per_sender_hour: int = Field(
        20,
        gt=0,
        json_schema_extra=doc(
            "Beyond this many replies to one address in an hour, ardesk stops answering it "
            "(a loop guard).",
            "`20`",
            group="email",
        ),
    )
    replies_per_account_hour: int = Field(
        200,
        gt=0,
        json_schema_extra=doc("The same per customer account.", "`200`", group="email"),
    )
    brand_file: OptionalPath = Field(
        None,
        json_schema_extra=doc(
            "TOML with name, logo, colours, signature, legal footer and bank details "
            "([mailers.md](mailers.md)). **Required** in production: it must exist and be "
            "readable.",
            "development: a plain default",
            group="email",
        ),
    )

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_can_send(cls, value: str | None) -> str | None:
        # The parts every delivery needs, checked when the settings load: a worker would
        # otherwise run on a URL that fails at its first delivery. ``mailers.smtp`` parses the
        # rest (user name, password) when the worker starts.
        _mail_url(value, SMTP_SCHEMES, "smtp+starttls://user@mail.example.com:587")
        return value

    @field_validator("imap_url")
    @classmethod
    def _imap_url_can_fetch(cls, value: str | None) -> str | None:
        # As for SMTP; ``bot.channels.email.imap`` adds the environment's rules (TLS in
        # production) and the password when intake starts.
        parts = _mail_url(value, IMAP_SCHEMES, "imaps://user@mail.example.com/INBOX")
        if parts is not None and not parts.username:
            raise ValueError("names no user (e.g. imaps://user@mail.example.com/INBOX)")
        return value

    @field_validator("from_address", "ar_address")
    @classmethod
    def _one_address(cls, value: str | None) -> str | None:
        # Each goes into headers and the SMTP envelope as it is: two addresses, a display name
        # or half an address would be sent on, to fail (or go astray) only there.
        if value is None:
            return value
        try:
            address = Address(addr_spec=value)
        except (ValueError, IndexError, HeaderParseError):  # the parser's ways of saying no
            address = None
        if address is None or not address.username or not address.domain:
            raise ValueError("must be one address, name@domain, with no display name")
        return value
