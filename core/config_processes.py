"""The settings of the long-running processes: worker and clock, Slack and Teams."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from core.config_types import CommaList, Duration, OptionalPath, SettingsGroup, Text, doc

#: The intents the bot answers itself (``bot.resolve.RESOLVERS``; a dispute is acknowledged and
#: handed to AR). Kept here so that the settings need not import the bot.
BOT_INTENTS: tuple[str, ...] = ("invoice_copy", "statement", "balance", "payment_status", "dispute")


class WorkerSettings(SettingsGroup):
    """Deadlines, leases and retries of the worker; the clock's link clean-up; the intent model."""

    model_dir: OptionalPath = Field(
        None,
        json_schema_extra=doc(
            "The folder of the intent model and its `thresholds.json` that workers read and "
            "`ardesk intents train` writes (with `--corrections`, AR's corrections included). "
            "A worker checks it between messages and loads a newer model without a restart; "
            "a model that does not load is refused with one log line and the one in use kept.",
            "the model shipped in `intents/model`",
            group="worker",
        ),
    )

    auto_answer_intents: CommaList = Field(
        BOT_INTENTS,
        json_schema_extra=doc(
            "Comma-separated intents the bot answers by itself: `invoice_copy`, `statement`, "
            "`balance`, `payment_status`, `dispute` (acknowledged, then handed to AR). A request "
            "asking for any other goes to the hand-off queue unanswered, the reason in its "
            "decision record. Overridable in the console ([console.md](console.md#settings)).",
            "all five",
            group="worker",
        ),
    )
    message_deadline: Duration = Field(
        timedelta(seconds=10),
        json_schema_extra=doc(
            "The longest a worker spends deciding one message. Past it the child process "
            "deciding it is killed and the message goes to AR with the reason; the worker "
            "carries on with the next.",
            "`10s`",
            group="worker",
        ),
    )
    worker_lease: Duration = Field(
        timedelta(minutes=5),
        json_schema_extra=doc(
            "How long a message claimed by a worker stays its own without renewal; a worker "
            "renews its claims while it works, so only a stopped worker's claims run out and "
            "are taken over. At least twice `ARDESK_MESSAGE_DEADLINE`.",
            "`5m`",
            group="worker",
        ),
    )
    processing_attempts: int = Field(
        5,
        ge=1,
        le=100,
        json_schema_extra=doc(
            "A message whose processing fails this many times is given up (status `failed`) "
            "and handed to AR with its original attached.",
            "`5`",
            group="worker",
        ),
    )
    sending_lease: Duration = Field(
        timedelta(minutes=10),
        json_schema_extra=doc(
            "A reply left `sending` this long by a worker that stopped has an unknown outcome: "
            "it is never sent again and AR is told. Longer than `ARDESK_SMTP_TIMEOUT`.",
            "`10m`",
            group="worker",
        ),
    )
    delivery_retry_base: Duration = Field(
        timedelta(minutes=1),
        json_schema_extra=doc(
            "The wait before retrying a temporarily refused delivery; it doubles with each "
            "attempt up to 4 h, and the eighth refusal is handed to AR.",
            "`1m`",
            group="worker",
        ),
    )
    link_cleanup_interval: Duration = Field(
        timedelta(hours=1),
        json_schema_extra=doc(
            "How often `ardesk clock` purges expired links (one run per interval, however many "
            "clocks run).",
            "`1h`",
            group="worker",
        ),
    )
    heartbeat_interval: Duration = Field(
        timedelta(seconds=5),
        json_schema_extra=doc(
            "How often each long-running process (worker, clock, smtpd, slack, teams) records "
            "in the database that it is alive, with its intake's health.",
            "`5s`",
            group="worker",
        ),
    )
    heartbeat_stale: Duration = Field(
        timedelta(seconds=30),
        json_schema_extra=doc(
            "A process whose last heartbeat is older than this, and that did not say it "
            "stopped, is reported dead by `ardesk status`. Several heartbeat intervals.",
            "`30s`",
            group="worker",
        ),
    )
    intake_stale: Duration = Field(
        timedelta(minutes=10),
        json_schema_extra=doc(
            "With IMAP configured, no successful fetch for this long is unhealthy intake "
            "(`ardesk status` fails, `/readyz` reports it degraded); IMAP, OAuth2 and SMTP "
            "intake failures within this window are reported too.",
            "`10m`",
            group="worker",
        ),
    )
    outbox_stuck: Duration = Field(
        timedelta(minutes=15),
        json_schema_extra=doc(
            "A reply due for delivery this long and still not sent means the outbox is stuck "
            "(`ardesk status` fails). Replies waiting for a retry are not due.",
            "`15m`",
            group="worker",
        ),
    )

    @field_validator("auto_answer_intents")
    @classmethod
    def _known_intents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in BOT_INTENTS]
        if unknown:
            raise ValueError(
                f"unknown intent {unknown[0]!r} (the bot answers {', '.join(BOT_INTENTS)})"
            )
        if not value:
            raise ValueError("name at least one intent")
        return tuple(dict.fromkeys(value))  # each once, in the order given


class ChatSettings(SettingsGroup):
    """The Slack and Teams apps."""

    slack_signing_secret: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The Slack app's signing secret: every request to `/slack/events` is verified with "
            "it. Slack is off while it (or the bot token) is unset ([chat.md](chat.md)).",
            group="chat",
            secret=True,
        ),
    )
    slack_bot_token: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The Slack bot token (`xoxb-…`) replies are posted and users looked up with.",
            group="chat",
            secret=True,
        ),
    )
    slack_app_token: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The app-level token (`xapp-…`, scope `connections:write`) for `ardesk slack`, "
            "Socket Mode, in installs without a public URL.",
            group="chat",
            secret=True,
        ),
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        json_schema_extra=doc(
            "The Slack Web API's base URL (the tests point it at a local server).",
            "`https://slack.com/api/`",
            group="chat",
        ),
    )
    teams_app_id: Text = Field(
        None,
        json_schema_extra=doc(
            "The Teams bot's Microsoft App ID (its Entra ID app registration); tokens from "
            "Teams must name it as their audience. Teams is off while it is unset.",
            group="chat",
        ),
    )
    teams_app_password: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The client secret of that app registration.", group="chat", secret=True
        ),
    )
    teams_tenant_id: Text = Field(
        None,
        json_schema_extra=doc(
            "The supplier's own Entra ID tenant (single-tenant bots).", group="chat"
        ),
    )
    teams_authority: Text = Field(
        None,
        json_schema_extra=doc(
            "The Entra ID authority the bot's own tokens come from (a national cloud's, say).",
            "`https://login.microsoftonline.com/` + the tenant",
            group="chat",
        ),
    )
    teams_service_hosts: CommaList = Field(
        (),
        json_schema_extra=doc(
            "Comma-separated host names, beside Microsoft's own, that an activity's serviceUrl "
            "may name (a national cloud's connector, a local one in tests); https only, never an "
            "IP address of a private network. Activities naming any other host are refused.",
            "Microsoft's connector hosts only",
            group="chat",
        ),
    )
    teams_listen: str = Field(
        "127.0.0.1:3978",
        json_schema_extra=doc(
            "host:port `ardesk teams` listens on (its public URL + `/api/messages` is the "
            "bot's messaging endpoint).",
            "`127.0.0.1:3978`",
            group="chat",
        ),
    )
