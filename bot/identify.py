"""Who is asking: the sender's address → active contacts (one per account), their roles, and
whether the receiving server vouched for the From domain (Authentication-Results, RFC 8601).

Replies only ever go to the address on file, so a missing verdict counts as "verified by
address"; only a failing verdict from a server we trust withholds data.
"""

from __future__ import annotations

import authres
from sqlalchemy import String, cast, select

from bot.context import ContactRef, Context, SenderStatus
from core.directory import contacts_by_email
from core.errors import InvalidInput
from core.models import Account, Contact
from core.permissions import permissions_for


def trusted_authserv_ids(ctx: Context) -> set[str]:
    return {part.lower() for part in ctx.settings.trusted_authserv_ids}


def _aligned(domain: str, signer: str) -> bool:
    """Relaxed DMARC alignment: the signing domain is the From domain or one of its parents."""
    domain, signer = domain.lower().rstrip("."), signer.lower().rstrip(".")
    return domain == signer or domain.endswith("." + signer)


def _header_from(result) -> str | None:
    for prop in result.properties:
        if (prop.type or "").lower() == "header" and (prop.name or "").lower() == "from":
            return (prop.value or "").lower().rstrip(".")
    return None


def authentication_verdict(ctx: Context) -> tuple[bool | None, str]:
    """(False, why) when a trusted server says the From domain failed; (True, how) when it passed;
    (None, why) when no trusted server said anything."""
    if ctx.inbound.sender_problem:
        # Which of several senders did a verdict vouch for? None of them is taken as verified.
        return False, f"sender not certain: {ctx.inbound.sender_problem}"
    trusted = trusted_authserv_ids(ctx)
    if not trusted:
        return None, "no trusted authserv-id configured: verified by address"
    domain = ctx.inbound.sender.rpartition("@")[2].lower().rstrip(".")
    for header in ctx.inbound.header_values("authentication-results"):
        try:
            parsed = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + header)
        except Exception:  # noqa: S112 - a malformed header is ignored, like an untrusted one
            continue
        if (parsed.authserv_id or "").lower() not in trusted:
            continue
        results = {(r.method or "").lower(): r for r in parsed.results}
        dkim_aligned = any(
            (r.method or "").lower() == "dkim"
            and (r.result or "").lower() == "pass"
            and any(p.name == "d" and _aligned(domain, p.value or "") for p in r.properties)
            for r in parsed.results
        )
        if "dmarc" in results:
            dmarc = results["dmarc"]
            if (dmarc.result or "").lower() == "fail":
                return False, f"DMARC fail reported by {parsed.authserv_id}"
            checked = _header_from(dmarc)
            if checked is None:
                return None, "a DMARC result naming no header.from: verified by address"
            if checked != domain:
                # The verdict is about another From domain than the one we would answer.
                return False, f"DMARC result for {checked}, not the From domain"
        if (
            "spf" in results
            and (results["spf"].result or "").lower() == "fail"
            and not dkim_aligned
        ):
            return False, f"SPF fail without an aligned DKIM pass, reported by {parsed.authserv_id}"
        return True, f"authenticated by {parsed.authserv_id}"
    return None, "no Authentication-Results from a trusted server: verified by address"


def contact_ref(session, contact: Contact) -> ContactRef:
    return ContactRef(
        contact_id=contact.id,
        email=contact.email,
        name=contact.name,
        account_id=contact.account_id,
        account_erp_id=contact.account.erp_id,
        account_name=contact.account.name,
        role=contact.role,
        language=contact.language,
        permissions=permissions_for(session, contact.role),
    )


def account_for_domain(session, domain: str) -> int | None:
    if not domain:
        return None
    # JSON containment differs per database; a text match narrows, Python confirms.
    candidates = session.scalars(
        select(Account).where(cast(Account.email_domains, String).like(f'%"{domain}"%'))
    )
    for account in candidates:
        if domain in [d.lower() for d in account.email_domains or []]:
            return account.id
    return None


def identify(ctx: Context) -> None:
    sender = ctx.inbound.sender
    with ctx.db.admin_session() as session:
        try:
            contacts = contacts_by_email(session, sender) if sender else []
        except InvalidInput:
            contacts = []
        ctx.contacts = tuple(contact_ref(session, c) for c in contacts)
        if not ctx.contacts:
            domain = sender.rpartition("@")[2]
            account_id = account_for_domain(session, domain)
            ctx.domain_account = (account_id, domain) if account_id else None
    if not ctx.contacts:
        ctx.status = SenderStatus.unknown
        ctx.verification = "no active contact with this address"
        return
    verdict, how = authentication_verdict(ctx)
    ctx.verification = how
    ctx.status = SenderStatus.unverified if verdict is False else SenderStatus.verified
