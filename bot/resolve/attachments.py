"""The files themselves for AP-automation inboxes, which cannot click an interstitial: an
invoice in the format asked for (the e-invoice, the Factur-X PDF) or without one the ERP's
original or the copy PDF, and statements. Each is stored (so /verify knows its hash) and
audited like a download; all of one reply's files together stay within the size limit, and
what would go past it is linked instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from core.answers import AttachedFile
from core.audit import record
from core.billing import open_items, statement
from core.documents import new_code, pdf
from core.documents.facts import InvoiceFacts, applied_payments, buyer_of
from core.documents.files import erp_original, store_file
from core.documents.formats import SPECS, Format
from core.models import Account, Contact, Document, DocumentKind
from core.permissions import copy_payments_for, statement_for


def attaches(session: Session, contact: ContactRef, issuer: LinkIssuer) -> bool:
    """Files go attached to an AP-automation inbox where the reply can carry them (email)."""
    person = session.get(Contact, contact.contact_id)
    return bool(person and person.automation_inbox) and issuer.carries_files


@dataclass
class Attachments:
    """The files of one reply to an AP-automation inbox."""

    session: Session
    contact: ContactRef
    issuer: LinkIssuer
    language: str
    files: list[AttachedFile] = field(default_factory=list)
    over_limit: int = 0  # documents linked instead: their files did not fit

    def invoice(self, invoice_id: int, facts: InvoiceFacts, fmt: Format | None) -> bool:
        """Attach the invoice in ``fmt`` (None: the ERP's original PDF, else the copy); False
        when it would take the reply past the limit, and the caller links it instead."""
        original = erp_original(self.session, invoice_id) if fmt is None else None
        if original is not None:
            return self._keep(original.content, original, invoice_id)
        code = new_code()
        applied = copy_payments_for(
            self.contact.permissions, applied_payments(self.session, invoice_id)
        )
        content = pdf.document_file(fmt, facts, applied, self._rendering(code))
        suffix = f"-{fmt.value}{SPECS[fmt].suffix}" if fmt else ".pdf"
        return self._keep(
            content,
            None,
            invoice_id,
            code=code,
            kind=SPECS[fmt].kind if fmt else DocumentKind.rendered_invoice,
            filename=f"invoice-{facts.number}{suffix}",  # as the portal names its downloads
            content_type=SPECS[fmt].content_type if fmt else "application/pdf",
        )

    def statement(self, start: date | None, end: date) -> bool:
        """Attach the statement for ``start``..``end`` (open items as of ``end`` when ``start``
        is None), as the contact's role may see it; False past the limit."""
        account_id = self.contact.account_id
        if start is None:
            content = open_items(self.session, account_id, end)
        else:
            content = statement(self.session, account_id, start, end)
        account = self.session.get(Account, account_id)
        assert account is not None  # the contact's own
        code = new_code()
        rendered = pdf.statement(
            statement_for(self.contact.permissions, content),
            pdf.StatementPeriod(start, end),
            self._rendering(code),
            buyer=buyer_of(account),
            issuer=self.issuer.brand.legal_entity(account.legal_entity),
        )
        period = "-".join(d.isoformat() for d in (start, end) if d)
        return self._keep(
            rendered,
            None,
            None,
            code=code,
            kind=DocumentKind.rendered_statement,
            filename=f"statement-{period}.pdf",  # as the portal names it
            content_type="application/pdf",
        )

    def _rendering(self, code: str) -> pdf.Rendering:
        """As the portal renders the same document for a download."""
        issuer = self.issuer
        return pdf.Rendering(
            self.language, issuer.brand.letterhead, issuer.base_url, code, issuer.now.date()
        )

    def _keep(
        self,
        content: bytes,
        stored: Document | None,
        invoice_id: int | None,
        *,
        code: str = "",
        kind: DocumentKind = DocumentKind.rendered_invoice,
        filename: str = "",
        content_type: str = "",
    ) -> bool:
        """Attach ``content`` if it fits: ``stored`` as it is (an ERP original), else stored
        now. Nothing is stored or audited for a file not sent."""
        used = sum(len(f.content) for f in self.files)
        if used + len(content) > self.issuer.attachment_limit:
            self.over_limit += 1
            return False
        document = stored or store_file(
            self.session,
            account_id=self.contact.account_id,
            invoice_id=invoice_id,
            kind=kind,
            code=code,
            content=content,
            filename=filename,
            content_type=content_type,
        )
        record(
            self.session,
            "document.attach",
            actor="bot",
            account_id=self.contact.account_id,
            contact_id=self.contact.contact_id,
            target=f"document:{document.id}",
            kind=document.kind.value,
            invoice_id=invoice_id,
            verification_code=document.verification_code,
        )
        self.files.append(
            AttachedFile(
                document.filename,
                document.content_type,
                document.verification_code,
                content,
            )
        )
        return True
