"""Microsoft Teams: activities in through the Microsoft 365 Agents SDK's aiohttp hosting and JWT
validation (``ardesk teams``, its own process), Adaptive Card replies out through the SDK's
connector client, from the outbox."""
