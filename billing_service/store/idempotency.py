"""Idempotency records: one per (community, caller scope, key), leased while running, kept >= 24 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.store.base import Doc, Session
from infra.indexes import IndexPlan

RETENTION_SECONDS = 48 * 3600  # Stripe keeps keys 24 hours; twice that here.


class IdempotencyStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.records = db["idempotency_keys"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # find / start / acquire / complete: a key names one request per caller scope.
        indexes.add(
            self.records,
            [("community_id", ASCENDING), ("scope", ASCENDING), ("key", ASCENDING)],
            unique=True,
            name="community_scope_key_unique",
        )
        # acquire / release / complete: the key plus its state (and lease), so these conditional writes find their
        # record on an index (SecantusDB scans when a filter names a field beyond the index's).
        indexes.add(
            self.records,
            [
                ("community_id", ASCENDING),
                ("scope", ASCENDING),
                ("key", ASCENDING),
                ("state", ASCENDING),
                ("lease_until", ASCENDING),
            ],
            name="community_scope_key_state_lease",
        )
        indexes.add(self.records, "created_at", expireAfterSeconds=RETENTION_SECONDS, name="created_at_ttl")
        await indexes.create()

    @staticmethod
    def _id(community_id: ObjectId, scope: str, key: str) -> Doc:
        return {"community_id": community_id, "scope": scope, "key": key}

    async def find(self, community_id: ObjectId, scope: str, key: str, session: Session | None = None) -> Doc | None:
        return await self.records.find_one(self._id(community_id, scope, key), session=session)

    async def start(
        self,
        session: Session,
        *,
        community_id: ObjectId,
        scope: str,
        key: str,
        request_hash: str,
        lease: float,
        ref: Doc,
    ) -> None:
        """Record that the request runs (DuplicateKeyError if a twin got there first)."""
        now = datetime.now(UTC)
        await self.records.insert_one(
            {
                **self._id(community_id, scope, key),
                "request_hash": request_hash,
                "state": "running",
                "lease_until": now + timedelta(seconds=lease),
                "ref": ref,
                "created_at": now,
            },
            session=session,
        )

    async def acquire(self, community_id: ObjectId, scope: str, key: str, lease: float) -> bool:
        """Take over a running request whose lease lapsed (its runner failed or crashed)."""
        now = datetime.now(UTC)
        result = await self.records.update_one(
            {**self._id(community_id, scope, key), "state": "running", "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + timedelta(seconds=lease)}},
        )
        return result.modified_count == 1

    async def release(self, community_id: ObjectId, scope: str, key: str) -> None:
        await self.records.update_one(
            {**self._id(community_id, scope, key), "state": "running"},
            {"$set": {"lease_until": datetime.now(UTC)}},
        )

    async def complete(
        self, community_id: ObjectId, scope: str, key: str, result: Doc, session: Session | None = None
    ) -> bool:
        """Save the final result (a body or an error) once; False if it was already saved."""
        outcome = await self.records.update_one(
            {**self._id(community_id, scope, key), "state": "running"},
            {"$set": {"state": "done", "result": result}},
            session=session,
        )
        return outcome.modified_count == 1
