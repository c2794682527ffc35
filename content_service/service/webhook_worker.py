"""The webhook delivery worker: sends due deliveries, logs every attempt, retries on a schedule, disables
endpoints that keep failing.

At least once, never more than that on a crash: a delivery is leased before it is sent, so a worker that dies
after sending but before logging leaves it due again after the lease, and it goes out again with the same
`webhook-id` and body (receivers de-duplicate by that id). The clock is injectable, so tests step through a
day of retries without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from content_service.domain.webhooks import next_attempt, should_disable
from content_service.service.webhooks import Outcome, WebhookSender
from content_service.store.webhooks import DELIVERED, FAILED, PENDING, WebhooksStore
from infra.logging import get_logger
from infra.polling_loop import PollingLoop

log = get_logger(__name__)
Doc = dict[str, Any]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WorkerReport:
    delivered: int
    failed: int
    disabled: int


@dataclass(frozen=True)
class DisablePolicy:
    after_failures: int
    after_hours: float


class WebhookWorker:
    def __init__(
        self,
        store: WebhooksStore,
        sender: WebhookSender,
        *,
        delays: list[float],
        policy: DisablePolicy,
        lease_seconds: float,
        interval_seconds: float = 1.0,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.sender = sender
        self.delays = delays
        self.policy = policy
        self.lease = timedelta(seconds=lease_seconds)
        self.interval = interval_seconds
        self.clock = clock
        self._loop = PollingLoop(self._deliver_step, interval=interval_seconds, name="webhook-worker")

    async def deliver_once(self, *, now: datetime | None = None, limit: int = 50) -> WorkerReport:
        """Send every delivery due at `now` (the clock's time by default), up to `limit`."""
        moment = now or self.clock()
        delivered = failed = disabled = 0
        for doc in await self.store.claim_due(now=moment, lease=self.lease, limit=limit):
            endpoint = await self.store.endpoint_by_id(doc["endpoint_id"])
            if endpoint is None or not endpoint.get("enabled", True):
                why = "endpoint deleted" if endpoint is None else "endpoint disabled"
                await self._give_up(doc, moment, why)
                failed += 1
                continue
            outcome = await self.sender.send(endpoint, doc, moment)
            if outcome.ok:
                await self._delivered(doc, moment, outcome)
                delivered += 1
                continue
            failed += 1
            disabled += await self._failed(doc, endpoint, moment, outcome)
        return WorkerReport(delivered=delivered, failed=failed, disabled=disabled)

    async def _delivered(self, doc: Doc, at: datetime, outcome: Outcome) -> None:
        fields = {"status": DELIVERED, "delivered_at": at, "last_error": None, "last_status_code": outcome.status_code}
        await self.store.record_attempt(doc["_id"], _attempt(at, outcome), fields)
        await self.store.record_success(doc["endpoint_id"])

    async def _failed(self, doc: Doc, endpoint: Doc, at: datetime, outcome: Outcome) -> int:
        retry_at = next_attempt(self.delays, int(doc.get("round_attempts", 0)) + 1, at)
        fields = {
            "status": PENDING if retry_at else FAILED,
            "next_attempt_at": retry_at or at,
            "last_error": outcome.detail,
            "last_status_code": outcome.status_code,
        }
        await self.store.record_attempt(doc["_id"], _attempt(at, outcome), fields)
        log.warning("webhook_delivery_failed", delivery_id=doc["_id"], status_code=outcome.status_code)
        streak = await self.store.record_failure(endpoint["_id"], at)
        if streak is None or not should_disable(
            consecutive_failures=int(streak.get("consecutive_failures", 0)),
            failing_since=streak.get("failing_since"),
            now=at,
            after_failures=self.policy.after_failures,
            after_hours=self.policy.after_hours,
        ):
            return 0
        return await self._disable(streak, at)

    async def _disable(self, endpoint: Doc, at: datetime) -> int:
        failures = int(endpoint.get("consecutive_failures", 0))
        hours = (at - endpoint["failing_since"]).total_seconds() / 3600
        reason = f"{failures} failed attempts in a row over {hours:.1f} hours, none succeeded"
        if await self.store.disable(endpoint["_id"], at=at, reason=reason) is None:
            return 0  # another worker disabled it and wrote the notice
        message = (
            f"Webhook endpoint {endpoint['url']} was disabled: {reason}. Its pending deliveries are given up; "
            "fix the receiver, enable the endpoint (updateWebhookEndpoint enabled: true) and replay what it missed."
        )
        await self.store.add_notice(
            {
                "community_id": endpoint["community_id"],
                "kind": "ENDPOINT_DISABLED",
                "endpoint_id": endpoint["_id"],
                "url": endpoint["url"],
                "message": message,
                "at": at,
            }
        )
        log.warning("webhook_endpoint_disabled", endpoint_id=str(endpoint["_id"]), failures=failures)
        return 1

    async def _give_up(self, doc: Doc, at: datetime, why: str) -> None:
        attempt = {"at": at, "ok": False, "detail": why, "status_code": None, "latency_ms": None}
        fields = {"status": FAILED, "next_attempt_at": at, "last_error": why}
        await self.store.record_attempt(doc["_id"], attempt, fields, counted=False)

    def notify(self) -> None:
        """Deliveries were queued: send soon rather than at the next tick."""
        self._loop.notify()

    async def _deliver_step(self) -> bool:
        report = await self.deliver_once()
        return bool(report.delivered or report.failed)

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()


def _attempt(at: datetime, outcome: Outcome) -> Doc:
    return {
        "at": at,
        "ok": outcome.ok,
        "detail": outcome.detail,
        "status_code": outcome.status_code,
        "latency_ms": outcome.latency_ms,
    }
