"""Teams on the channel interface. Outbound calls use the SDK's connector client with the bot's
own token from Entra ID (MSAL, through the SDK)."""

from __future__ import annotations

import asyncio
import logging
import ssl
from datetime import datetime

from aiohttp import ClientSession, TCPConnector
from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.channels import Channel, OutboxEntry, Send
from bot.channels.chat import Directory, chat_entry, identify_chat, reply_sections
from bot.channels.teams.activity import TeamsRequest
from bot.channels.teams.app import auth_configuration
from bot.channels.teams.cards import TeamsPost, post
from bot.context import ContactRef, Context
from bot.inbound import Inbound
from bot.logbook import domain_of
from core.answers import Reply
from core.config import Settings
from core.models import ChatPlace, Contact
from mailers.blocks import Paragraph, Section
from mailers.smtp import PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger(__name__)

DIRECTORY = Directory(Contact.teams_tenant_id, Contact.teams_user_id, ChatPlace.teams_tenant, None)
# Teams has no /invoices command (chat.HELP names it): the same help in words one writes.
HELP = (
    "I answer questions about invoices for contacts on file with us: try "
    '"copies of invoices 10423 and 10431", "our statement for last quarter" or '
    '"what is our balance?". If you should have access, ask your accounts-receivable '
    "contact to add you."
)
BOT_FRAMEWORK = "https://api.botframework.com"
SCOPES = [f"{BOT_FRAMEWORK}/.default"]
# The connector's answers that trying again will not change.
PERMANENT = {400, 401, 403, 404}


_AUTH: dict[tuple[str | None, str | None], MsalAuth] = {}


def _session(endpoint: str) -> ClientSession:
    # The TLS context is made here rather than taken from aiohttp's, which is fixed when aiohttp
    # is imported: the trust store is read as configured now (SSL_CERT_FILE, as for MSAL's
    # REQUESTS_CA_BUNDLE).
    return ClientSession(
        base_url=endpoint, connector=TCPConnector(ssl=ssl.create_default_context())
    )


async def _client(
    settings: Settings, service_url: str, sessions: dict[str, ClientSession] | None = None
) -> TeamsConnectorClient:
    """A connector client with the bot's current token; on a session of ``sessions`` (kept open
    between calls, so a reply reuses the connection) or on one of its own."""
    # One MSAL client per app registration: its token cache spares Entra ID a request per reply.
    key = (settings.teams_app_id, settings.teams_authority)
    if key not in _AUTH:
        _AUTH[key] = MsalAuth(auth_configuration(settings))
    token = await _AUTH[key].get_access_token(BOT_FRAMEWORK, SCOPES)
    endpoint = service_url if service_url.endswith("/") else service_url + "/"
    if sessions is None:
        session = _session(endpoint)
    else:
        session = sessions.get(endpoint) or sessions.setdefault(endpoint, _session(endpoint))
    return TeamsConnectorClient(endpoint=endpoint, token=token, session=session)


async def _member_address(settings: Settings, request: TeamsRequest) -> str | None:
    client = await _client(settings, request.service_url)
    try:
        member = await client.conversations.get_conversation_member(
            request.conversation, request.user
        )
    finally:
        await client.close()
    extra = member.model_extra or {}
    email = getattr(member, "email", None) or extra.get("email")
    return verified_address(email, extra.get("userPrincipalName"))


def verified_address(email: str | None, principal: str | None) -> str | None:
    """The member's address as far as its tenant vouches for it. A user's ``mail`` is any text a
    tenant's admin types in, so another tenant can give its user a contact's address; the
    sign-in name (UPN) is always at a domain the tenant has proved it owns. So the address counts
    only at the sign-in name's domain; otherwise the sign-in name itself is the address (a
    contact registered under it is matched), and without one there is none."""
    domain = domain_of(principal or "")
    if domain is None:
        return None
    return email if email and domain_of(email) == domain else principal


async def _deliver(settings: Settings, teams: TeamsPost, sessions: dict[str, ClientSession]):
    client = await _client(settings, teams.service_url, sessions)
    activity = Activity.model_validate(teams.activity())
    if teams.private:
        created = await client.conversations.create_conversation(
            ConversationParameters(
                is_group=False,
                agent=ChannelAccount(id=teams.bot),
                members=[ChannelAccount(id=teams.user)],
                tenant_id=teams.tenant,
            )
        )
        await client.conversations.send_to_conversation(created.id, activity)
    else:
        await client.conversations.reply_to_activity(teams.conversation, teams.reply_to, activity)


class TeamsChannel(Channel):
    name = "teams"
    strangers_to_ar = False  # only strangers at a customer's domain: bot.channels

    def parse(self, raw: bytes, received_at: datetime | None = None) -> Inbound:
        return TeamsRequest.from_json(raw).inbound(received_at)

    def identify(self, ctx: Context) -> None:
        request = TeamsRequest.from_json(ctx.inbound.raw)

        def lookup_email() -> str | None:
            try:
                return asyncio.run(_member_address(ctx.settings, request))
            except Exception as error:  # the connector's failures are many; all mean "unknown"
                log.warning("Teams member look-up failed: %s", type(error).__name__)
                return None

        identify_chat(ctx, DIRECTORY, lookup_email)

    def _entry(self, ctx: Context, teams: TeamsPost, *, kind, account_id, account, language):
        return chat_entry(
            self.name, f"teams:{teams.conversation}/{teams.user}", teams.text, teams.to_json(),
            kind=kind, account_id=account_id, account=account, language=language,
        )  # fmt: skip

    def reply(
        self, ctx: Context, reply: Reply, *, contact: ContactRef | None, account_id: int
    ) -> OutboxEntry:
        teams = post(TeamsRequest.from_json(ctx.inbound.raw), reply_sections(ctx, reply))
        account = contact.account_erp_id if contact else None
        return self._entry(
            ctx,
            teams,
            kind="reply",
            account_id=account_id,
            account=account,
            language=reply.language,
        )

    def unanswered(self, ctx: Context) -> OutboxEntry | None:
        chat = ctx.inbound.chat
        if chat is None or chat.from_bot or ctx.contacts:
            return None
        sections = [Section(None, (Paragraph(HELP),))]
        teams = post(TeamsRequest.from_json(ctx.inbound.raw), sections)
        return self._entry(ctx, teams, kind="help", account_id=None, account=None, language="en")

    def transport(self, settings: Settings) -> Send:
        # The worker delivers from one thread: one event loop and its sessions serve every reply.
        loop = asyncio.new_event_loop()
        sessions: dict[str, ClientSession] = {}

        def send(row) -> None:
            try:
                loop.run_until_complete(
                    _deliver(settings, TeamsPost.from_json(row.payload), sessions)
                )
            except OSError as error:
                raise TransientDeliveryError(
                    None, f"Teams unreachable: {type(error).__name__}"
                ) from None
            except Exception as error:
                status = getattr(error, "status", None)
                if status in PERMANENT:
                    raise PermanentDeliveryError(status, "Teams refused the reply") from None
                raise TransientDeliveryError(status, f"Teams: {type(error).__name__}") from None

        return send
