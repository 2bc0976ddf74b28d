"""Prometheus metrics, served at /metrics by the webhook server."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("agreement_bot_updates_total", "Updates handled, by type", ["type"])
HANDLER_SECONDS = Histogram(
    "agreement_bot_handler_seconds", "Time to handle one update, by type", ["type"]
)
AGREEMENTS = Counter("agreement_bot_agreements_total", "Agreements recorded")
EDITS = Counter("agreement_bot_edits_total", "Real edits of agreed messages recorded")
MAILS = Counter("agreement_bot_mails_total", "Mail delivery attempts, by outcome", ["outcome"])
OUTBOX_BACKLOG = Gauge("agreement_bot_outbox_backlog", "Mails waiting to be sent")
