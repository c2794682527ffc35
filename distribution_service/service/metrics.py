"""Distribution's business counters on /metrics: what the service did, not how fast (infra.metrics has that)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

EVENTS_INGESTED = Counter(
    "events_ingested_total", "Recorded events the ingest worker counted into item counters (each event once)"
)
FEEDS_SERVED = Counter("feeds_served_total", "Feeds ranked and served", ["ranker"])
PUSHES_DELIVERED = Counter("pushes_delivered_total", "Golden-slot pushes delivered (new deliveries only)", ["slot"])
# Recorders whose events one grouped transaction stored (store/grouped_writes.py): `_count` is the transactions,
# `_sum` the recorders; a small mean under load means each event pays a transaction's fixed cost nearly alone.
EVENT_WRITE_GROUP_RECORDERS = Histogram(
    "event_write_group_recorders",
    "Recorders (recordEvent / recordEvents calls) whose events one grouped transaction stored",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
