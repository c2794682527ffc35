"""Billing's business counters on /metrics."""

from __future__ import annotations

from prometheus_client import Counter

# Counted once a settlement commits: a transaction retried by the driver, or a replayed webhook, counts nothing more.
PAYMENTS_SETTLED = Counter("payments_settled_total", "Payments settled by this process", ["outcome"])
