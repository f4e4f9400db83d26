"""The instruments themselves, made once per process (``core.metrics.instruments()``).

They belong to no registry of prometheus_client's: ``core.metrics.exposition`` serves them
itself in a single process, or adds up every process's files in multiprocess mode. Gauges say
how to combine processes (``multiprocess_mode``); counters and histograms add up.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.metrics_core import Metric

# A `_created` series beside every counter doubles the scrape for a figure no alert reads (and
# multiprocess mode has none): one process, one shape.
disable_created_metrics()

# Seconds: a guard takes microseconds, understanding a long text a second or more.
STEP_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Instruments:
    def __init__(self) -> None:
        self.requests = Counter(
            "ardesk_requests",
            "Requests decided, by channel, first intent, action and sender verification.",
            ["channel", "intent", "action", "verification"],
            registry=None,
        )
        self.step_seconds = Histogram(
            "ardesk_pipeline_step_seconds",
            "Time spent in each pipeline step of a decided request.",
            ["step"],
            buckets=STEP_BUCKETS,
            registry=None,
        )
        self.deliveries = Counter(
            "ardesk_outbox_deliveries",
            "Outbox rows handed to a transport, by result (sent, retried, failed, unknown).",
            ["result"],
            registry=None,
        )
        self.links = Counter(
            "ardesk_link_events",
            "Access links issued, opened and refused (refusals by reason).",
            ["event", "reason"],
            registry=None,
        )
        self.downloads = Counter(
            "ardesk_document_downloads",
            "Documents downloaded from the portal, by kind.",
            ["kind"],
            registry=None,
        )
        self.sync_runs = Counter(
            "ardesk_sync_runs",
            "Sync runs recorded, by source and result.",
            ["source", "result"],
            registry=None,
        )
        self.sync_rows = Counter(
            "ardesk_sync_rows",
            "Rows read by sync runs, by source and outcome (inserted, updated, unchanged, "
            "rejected).",
            ["source", "outcome"],
            registry=None,
        )
        self.errors = Counter(
            "ardesk_errors", "Errors, by kind (core.metrics.ErrorKind).", ["kind"], registry=None
        )
        self.imap_last_success = Gauge(
            "ardesk_imap_last_success_timestamp_seconds",
            "When a pass over the IMAP mailbox last succeeded (Unix time).",
            multiprocess_mode="max",
            registry=None,
        )
        self.imap_failures = Counter(
            "ardesk_imap_fetch_failures",
            "IMAP connections or fetches that failed, by reason.",
            ["reason"],
            registry=None,
        )
        self.oauth_failures = Counter(
            "ardesk_oauth_token_failures",
            "Failed requests for an IMAP OAuth2 access token.",
            registry=None,
        )
        self.smtp_intake_errors = Counter(
            "ardesk_smtp_intake_errors",
            "Messages sent to `ardesk smtpd` that could not be stored (the sender retries).",
            registry=None,
        )
        self.http_requests = Counter(
            "ardesk_http_requests",
            "Web requests, by part of the site (blueprint) and status.",
            ["blueprint", "status"],
            registry=None,
        )
        self.http_seconds = Histogram(
            "ardesk_http_request_seconds",
            "Time to answer a web request, by part of the site.",
            ["blueprint"],
            buckets=HTTP_BUCKETS,
            registry=None,
        )

    def collect(self) -> Iterator[Metric]:
        """Every instrument's samples (single-process mode)."""
        for value in vars(self).values():
            yield from value.collect()
