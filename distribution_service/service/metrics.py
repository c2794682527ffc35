"""Distribution's business counters on /metrics: what the service did, not how fast (infra.metrics has that)."""

from __future__ import annotations

from prometheus_client import Counter

EVENTS_INGESTED = Counter(
    "events_ingested_total", "Recorded events the ingest worker counted into item counters (each event once)"
)
FEEDS_SERVED = Counter("feeds_served_total", "Feeds ranked and served", ["ranker"])
PUSHES_DELIVERED = Counter("pushes_delivered_total", "Golden-slot pushes delivered (new deliveries only)", ["slot"])
