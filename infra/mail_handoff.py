"""Records that also go out as mail (billing's notifications, distribution's pushes), handed to users_service.

The record itself is the outbox: it is written with a `mail` sub-document (`pending_mail`) in the same write
that stores it, so a notice exists exactly when its mail is due. `MailHandoff` (opened on the owning store's
collection) claims due records with a lease, and `MailHandoffWorker` hands each to a sender (users_service's
mail endpoint, idempotent by the record's id) and marks it, retrying with backoff. A crash after the hand-off
and before the mark hands it over again; users_service queues a key once, so no mail goes out twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from infra.indexes import IndexPlan
from infra.logging import get_logger

log = get_logger(__name__)

Doc = dict[str, Any]
PENDING = "PENDING"
HANDED = "HANDED"  # users_service queued it (or had it queued already)
SKIPPED = "SKIPPED"  # nothing to send (the member has no address on file)
FAILED = "FAILED"  # gave up after max attempts

Sender = Callable[[Doc], Awaitable[str | None]]
"""Hands one record's mail over; returns None when handed, or why nothing was sent; raises to be retried."""


def pending_mail(now: datetime) -> Doc:
    """The `mail` sub-document of a record that is to go out as mail."""
    return {"state": PENDING, "attempts": 0, "next_at": now}


class MailHandoff:
    """The mail state of one collection's records (the owning store passes its collection)."""

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self.records = collection

    def add_indexes(self, indexes: IndexPlan) -> None:
        # claim_due: due pending records, oldest first, across communities (like a billing cycle's sweep).
        indexes.add(self.records, [("mail.state", ASCENDING), ("mail.next_at", ASCENDING)], name="mail_state_next")

    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[Doc]:
        claimed: list[Doc] = []
        for _ in range(limit):
            doc = await self.records.find_one_and_update(
                {"mail.state": PENDING, "mail.next_at": {"$lte": now}},
                {"$set": {"mail.next_at": now + lease}},
                sort=[("mail.next_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                break
            claimed.append(doc)
        return claimed

    async def settle(self, doc_id: Any, *, state: str, at: datetime, note: str | None) -> None:
        await self.records.update_one(
            {"_id": doc_id},
            {"$set": {"mail.state": state, "mail.at": at, "mail.note": note}, "$inc": {"mail.attempts": 1}},
        )

    async def retry(self, doc_id: Any, *, at: datetime, error: str, next_at: datetime | None) -> None:
        state = PENDING if next_at else FAILED
        await self.records.update_one(
            {"_id": doc_id},
            {
                "$set": {"mail.state": state, "mail.next_at": next_at or at, "mail.error": error},
                "$inc": {"mail.attempts": 1},
            },
        )


@dataclass(frozen=True)
class HandoffReport:
    handed: int
    skipped: int
    failed: int


class MailHandoffWorker:
    """One pass over due records (run by a PeriodicTask): hand each over, mark it, back off on failure."""

    def __init__(
        self,
        handoff: MailHandoff,
        send: Sender,
        *,
        base_delay_seconds: float = 2.0,
        max_delay_seconds: float = 3600.0,
        max_attempts: int = 12,
        lease_seconds: float = 60.0,
        batch: int = 100,
    ) -> None:
        self.handoff = handoff
        self.send = send
        self.base_delay = base_delay_seconds
        self.max_delay = max_delay_seconds
        self.max_attempts = max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.batch = batch

    async def run_once(self, *, now: datetime | None = None) -> HandoffReport:
        moment = now or datetime.now(UTC)
        handed = skipped = failed = 0
        for doc in await self.handoff.claim_due(now=moment, lease=self.lease, limit=self.batch):
            try:
                why_not = await self.send(doc)
            except Exception as exc:  # noqa: BLE001 - any failure is retried, never lost
                attempts = int(doc["mail"].get("attempts", 0)) + 1
                delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
                next_at = moment + timedelta(seconds=delay) if attempts < self.max_attempts else None
                error = f"{type(exc).__name__}: {exc}"[:500]
                await self.handoff.retry(doc["_id"], at=datetime.now(UTC), error=error, next_at=next_at)
                log.warning("mail_handoff_failed", record=str(doc["_id"]), attempts=attempts, error=error)
                failed += 1
                continue
            state = HANDED if why_not is None else SKIPPED
            await self.handoff.settle(doc["_id"], state=state, at=datetime.now(UTC), note=why_not)
            handed += why_not is None
            skipped += why_not is not None
        return HandoffReport(handed=handed, skipped=skipped, failed=failed)
