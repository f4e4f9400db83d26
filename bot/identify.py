"""Who is asking: the sender's address → active contacts (one per account), their roles, and
whether the receiving server vouched for the From domain (Authentication-Results, RFC 8601).

Replies only ever go to the address on file, so a missing verdict counts as "verified by
address"; only a failing verdict from a server we trust, or a header of its that cannot be read,
withholds data.
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


def _method(result) -> str:
    return (result.method or "").lower()


def _outcome(result) -> str:
    return (result.result or "").lower()


def _claimed_authserv_id(header: str) -> str:
    """The authserv-id a header starts with, read without parsing the rest.

    The receiving server writes the id itself, but the results after it quote what the sender
    chose (HELO name, envelope sender), which can be made unparseable on purpose. Reading the id
    alone still tells whether a trusted server spoke. It is the first word before the first
    ``;`` outside a comment; an ``authres-version`` after it is not part of it."""
    depth, kept = 0, []
    for char in header:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            if char == ";":
                break
            kept.append(char)
    words = "".join(kept).split()
    return words[0].strip('"').lower() if words else ""


def _trusted_reports(headers: tuple[str, ...], trusted: set[str]) -> list[tuple[str, list | None]]:
    """(authserv-id, results) of every header a trusted server added, in order; results is None
    for one that does not parse. Milter stacks add one header each under the same id, so none
    of them may be left out."""
    reports: list[tuple[str, list | None]] = []
    for header in headers:
        claimed = _claimed_authserv_id(header)
        try:
            parsed = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + header)
        except Exception:  # whatever the parser trips on, the header is unreadable
            parsed = None
        if parsed is not None and (parsed.authserv_id or "").lower() in trusted:
            reports.append(((parsed.authserv_id or "").lower(), list(parsed.results)))
        elif claimed in trusted:
            reports.append((claimed, None if parsed is None else list(parsed.results)))
    return reports


def _dmarc_problem(domain: str, authserv_id: str, dmarc) -> str | None:
    """Why a DMARC result does not vouch for the From domain, or None when it does: only a pass
    whose header.from is that domain does. none, temperror and permerror vouch for nothing."""
    if _outcome(dmarc) != "pass":
        return f"DMARC {_outcome(dmarc)} reported by {authserv_id}"
    checked = _header_from(dmarc)
    if checked is None:
        return f"a DMARC pass naming no header.from, reported by {authserv_id}"
    if checked != domain:
        # The verdict is about another From domain than the one we would answer.
        return f"DMARC result for {checked}, not the From domain"
    return None


def authentication_verdict(ctx: Context) -> tuple[bool | None, str]:
    """(False, why) when a trusted server reports a failure or a header of its cannot be read;
    (True, how) when a trusted DMARC pass names the From domain and nothing trusted contradicts
    it; (None, why) when no trusted server gave a DMARC verdict.

    Every trusted header and every result in it counts: a fail anywhere outweighs a pass."""
    if ctx.inbound.sender_problem:
        # Which of several senders did a verdict vouch for? None of them is taken as verified.
        return False, f"sender not certain: {ctx.inbound.sender_problem}"
    trusted = trusted_authserv_ids(ctx)
    if not trusted:
        return None, "no trusted authserv-id configured: verified by address"
    domain = ctx.inbound.sender.rpartition("@")[2].lower().rstrip(".")
    reports = _trusted_reports(ctx.inbound.header_values("authentication-results"), trusted)
    if not reports:
        return None, "no Authentication-Results from a trusted server: verified by address"
    unreadable = [authserv_id for authserv_id, rs in reports if rs is None]
    if unreadable:
        # Skipping it would let a failing verdict in it, or a forged pass below it, decide.
        return False, f"Authentication-Results from {unreadable[0]} that cannot be read"
    results = [(authserv_id, r) for authserv_id, rs in reports for r in rs or ()]
    dmarc = [(authserv_id, r) for authserv_id, r in results if _method(r) == "dmarc"]
    for authserv_id, result in dmarc:
        problem = _dmarc_problem(domain, authserv_id, result)
        if problem:
            return False, problem
    dkim_aligned = any(
        _method(r) == "dkim"
        and _outcome(r) == "pass"
        and any(p.name == "d" and _aligned(domain, p.value or "") for p in r.properties)
        for _, r in results
    )
    spf_failed = [a for a, r in results if _method(r) == "spf" and _outcome(r) == "fail"]
    if spf_failed and not dkim_aligned:
        return False, f"SPF fail without an aligned DKIM pass, reported by {spf_failed[0]}"
    if dmarc:
        return True, f"authenticated by {dmarc[0][0]}"
    return None, "no DMARC result from a trusted server: verified by address"


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
        # A stranger at a customer's domain is told how to get access, unless the From could not
        # be read: no reply goes to an address that is not certain.
        if not ctx.contacts and not ctx.inbound.sender_problem:
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
