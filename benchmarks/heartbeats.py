"""The database clients' heartbeats in a benchmark's process: how many failed, and the latest answer.

A heartbeat that fails on a timeout makes the client drop every connection to the server and cancel the operations
in flight on them (infra/embedded.py, CLIENT_CONNECT_TIMEOUT_MS): a benchmark that reports none failed ran without
such a cut. An awaited heartbeat (the streaming protocol) is held by the server for up to the heartbeat interval
before it answers, so its lateness is what it took beyond that interval.
"""

from __future__ import annotations

from pymongo import monitoring
from pymongo.common import HEARTBEAT_FREQUENCY


class HeartbeatWatch(monitoring.ServerHeartbeatListener):
    """Register with `pymongo.monitoring.register` before the clients are made: every client then reports here."""

    def __init__(self, interval_s: float = HEARTBEAT_FREQUENCY) -> None:
        self.interval_s = interval_s
        self.failures = 0
        self.failure_reasons: list[str] = []
        self.latest_answer_s = 0.0

    def started(self, event: monitoring.ServerHeartbeatStartedEvent) -> None:
        return None

    def succeeded(self, event: monitoring.ServerHeartbeatSucceededEvent) -> None:
        late = event.duration - self.interval_s if event.awaited else event.duration
        self.latest_answer_s = max(self.latest_answer_s, late)

    def failed(self, event: monitoring.ServerHeartbeatFailedEvent) -> None:
        self.failures += 1
        reason = f"{type(event.reply).__name__}: {event.reply}"
        if reason not in self.failure_reasons:
            self.failure_reasons.append(reason)

    def figures(self, prefix: str) -> dict[str, float | int | list[str]]:
        return {
            f"{prefix}_heartbeats_failed": self.failures,
            f"{prefix}_heartbeat_failure_reasons": self.failure_reasons,
            f"{prefix}_heartbeat_latest_answer_s": round(self.latest_answer_s, 2),
        }
