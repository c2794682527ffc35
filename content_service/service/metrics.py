"""Content's business counters on /metrics."""

from __future__ import annotations

from prometheus_client import Counter

INCIDENTS_OPENED = Counter("incidents_opened_total", "Crisis incidents opened", ["level", "cause"])
