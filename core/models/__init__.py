"""The domain model. Import models from here."""

from core.models.account import Account, AccountStatus
from core.models.ar_user import ARRole, ARUser
from core.models.audit import AuditEvent
from core.models.base import AccountOwned, AccountScoped, Base, Exact, UTCDateTime, utcnow
from core.models.chat import ChatMapping, ChatPlace
from core.models.contact import LANGUAGES, LOCALES, Contact
from core.models.correction import Correction
from core.models.deflection_rollup import (
    DeflectionContact,
    DeflectionDay,
    DeflectionReplyTime,
    DeflectionState,
    DeflectionTally,
)
from core.models.document import Document, DocumentKind
from core.models.handoff import Handoff, HandoffMember, HandoffNote, MemberKind, Resolution
from core.models.heartbeat import Heartbeat, ProcessKind, ProcessState
from core.models.invoice import (
    OPEN_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    status_for,
)
from core.models.job_run import JobRun as JobRun
from core.models.link import AccessLink, LinkScope
from core.models.login_request import LoginRequest
from core.models.mailbox import MailboxState as MailboxState
from core.models.message import InboundMessage, InboundStatus, OutboundMessage, OutboundStatus
from core.models.payment import Payment, PaymentAllocation
from core.models.portal_indexes import PORTAL_INDEXES as PORTAL_INDEXES
from core.models.request_term import RequestTerm, TermKind
from core.models.role import DEFAULT_MATRIX, PERMISSIONS, Role, RolePermission
from core.models.setting_override import SettingOverride
from core.models.suppression import SuppressedAddress, SuppressionKey
from core.models.sync_run import SyncRun as SyncRun
from core.models.web_session import SessionKind, WebSession

# Tables whose rows belong to one account: row-level security applies to each of them.
ACCOUNT_SCOPED_TABLES = tuple(
    mapper.local_table.name
    for mapper in Base.registry.mappers
    if issubclass(mapper.class_, AccountScoped)
)

__all__ = [
    "ACCOUNT_SCOPED_TABLES",
    "DEFAULT_MATRIX",
    "LANGUAGES",
    "LOCALES",
    "OPEN_STATUSES",
    "PERMISSIONS",
    "ARRole",
    "ARUser",
    "AccessLink",
    "Account",
    "AccountOwned",
    "AccountScoped",
    "AccountStatus",
    "AuditEvent",
    "Base",
    "ChatMapping",
    "ChatPlace",
    "Contact",
    "Correction",
    "DeflectionContact",
    "DeflectionDay",
    "DeflectionReplyTime",
    "DeflectionState",
    "DeflectionTally",
    "Document",
    "DocumentKind",
    "Exact",
    "Handoff",
    "HandoffMember",
    "HandoffNote",
    "Heartbeat",
    "InboundMessage",
    "InboundStatus",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "LinkScope",
    "LoginRequest",
    "MemberKind",
    "OutboundMessage",
    "OutboundStatus",
    "Payment",
    "PaymentAllocation",
    "ProcessKind",
    "ProcessState",
    "RequestTerm",
    "Resolution",
    "Role",
    "RolePermission",
    "SessionKind",
    "SettingOverride",
    "SuppressedAddress",
    "SuppressionKey",
    "TermKind",
    "UTCDateTime",
    "WebSession",
    "status_for",
    "utcnow",
]
