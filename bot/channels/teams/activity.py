"""A Teams activity as ardesk stores it: the fields of the SDK's ``Activity`` the pipeline needs."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime

from microsoft_agents.activity import Activity

from bot.inbound import ChatOrigin, Inbound
from core.models import utcnow


@dataclass(frozen=True)
class TeamsRequest:
    activity_id: str
    conversation: str
    conversation_type: str  # personal, groupChat, channel
    tenant: str | None
    user: str  # the Teams user id (29:…), what the connector addresses
    aad_object_id: str | None  # the user's Entra ID object id: their identity
    service_url: str
    text: str
    bot: str  # the bot's own id in this conversation
    from_bot: bool = False

    @classmethod
    def from_activity(cls, activity: Activity) -> TeamsRequest:
        tenant = activity.conversation.tenant_id if activity.conversation else None
        if not tenant and isinstance(activity.channel_data, dict):
            tenant = (activity.channel_data.get("tenant") or {}).get("id")
        sender = activity.from_property
        return cls(
            activity_id=activity.id or "",
            conversation=activity.conversation.id,
            conversation_type=activity.conversation.conversation_type or "personal",
            tenant=tenant,
            user=sender.id,
            aad_object_id=sender.aad_object_id,
            service_url=activity.service_url or "",
            # The SDK strips the "<at>ardesk</at>" of a channel mention.
            text=(activity.remove_recipient_mention() or activity.text or "").strip(),
            bot=activity.recipient.id if activity.recipient else "",
            from_bot=str(sender.role or "") == "bot",
        )

    def to_json(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> TeamsRequest:
        return cls(**json.loads(raw))

    def inbound(self, received_at: datetime | None = None) -> Inbound:
        return Inbound(
            channel="teams",
            dedupe_key=f"{self.conversation}:{self.activity_id}",
            sender=f"teams:{self.tenant or '?'}/{self.aad_object_id or self.user}",
            received_at=received_at or utcnow(),
            text=self.text,
            chat=ChatOrigin(
                workspace=self.tenant,
                conversation=self.conversation,
                # Without an AAD object id (a guest of another kind), nobody is identified.
                user=self.aad_object_id or "",
                kind="direct" if self.conversation_type == "personal" else "mention",
                thread=self.activity_id,
                from_bot=self.from_bot,
                service_url=self.service_url,
            ),
            raw=self.to_json(),
        )
