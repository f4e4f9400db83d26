"""Composing and sending ardesk's outbound email.

* ``compose_reply`` / ``compose_link_email`` / ``compose_handoff`` build ``EmailMessage`` objects;
* ``queue_email`` / ``queue_link_email`` put them in the outbox in the caller's transaction;
* ``mailers.smtp`` delivers stored bytes and sorts failures into transient and permanent.
"""

from mailers.brand import Brand, BrandError, load_brand, read_brand_file
from mailers.compose import (
    LINK_PURPOSES,
    compose_link_email,
    compose_person_reply,
    compose_reply,
    reply_subject,
)
from mailers.handoff import HandoffRequest, compose_delivery_problem, compose_handoff
from mailers.layout import OWN_MAIL_HEADER
from mailers.outbox import message_bytes, queue_email, queue_link_email
from mailers.smtp import (
    DeliveryError,
    PermanentDeliveryError,
    SmtpConfig,
    SmtpTransport,
    TransientDeliveryError,
    next_attempt_delay,
)

__all__ = [
    "LINK_PURPOSES",
    "OWN_MAIL_HEADER",
    "Brand",
    "BrandError",
    "DeliveryError",
    "HandoffRequest",
    "PermanentDeliveryError",
    "SmtpConfig",
    "SmtpTransport",
    "TransientDeliveryError",
    "compose_delivery_problem",
    "compose_handoff",
    "compose_link_email",
    "compose_person_reply",
    "compose_reply",
    "load_brand",
    "message_bytes",
    "next_attempt_delay",
    "queue_email",
    "queue_link_email",
    "read_brand_file",
    "reply_subject",
]
