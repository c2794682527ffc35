"""The `login_failures` collection: sign-in attempts per handle and address, expiring after the window.

An attempt is written BEFORE its password is checked and counted right after, so attempts still in flight
count toward the lockout: of a burst, only the first `max` writes can see a count within the limit. A failed
attempt stays (it is the failure); a successful one clears the handle's record.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.store.base import Doc


class LoginFailuresStore:
    def __init__(self, db: AsyncDatabase[Doc], *, window_seconds: int) -> None:
        self.login_failures = db["login_failures"]
        self.window_seconds = window_seconds

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # count_recent (per address): attempts on one handle from one address.
        indexes.add(
            self.login_failures,
            [("community_id", ASCENDING), ("handle_key", ASCENDING), ("address", ASCENDING), ("at", ASCENDING)],
            name="community_handle_address_at",
        )
        # count_recent (all addresses); entries expire after the failure window.
        indexes.add(
            self.login_failures,
            [("community_id", ASCENDING), ("handle_key", ASCENDING), ("at", ASCENDING)],
            name="community_handle_at",
        )
        indexes.add(self.login_failures, "at", expireAfterSeconds=self.window_seconds, name="at_ttl")
        await indexes.create()

    async def reserve(self, community_id: ObjectId, handle: str, address: str | None) -> ObjectId:
        """Write an attempt that counts as a failure until it succeeds; its id settles it."""
        doc = {
            "community_id": community_id,
            "handle_key": handle.lower(),
            "address": address,
            "at": datetime.now(UTC),
            "state": "pending",
        }
        result = await self.login_failures.insert_one(doc)
        attempt_id: ObjectId = result.inserted_id
        return attempt_id

    async def mark_failed(self, community_id: ObjectId, attempt_id: ObjectId) -> None:
        """The attempt failed (or was refused): it stays and counts for the rest of the window."""
        await self.login_failures.update_one(
            {"community_id": community_id, "_id": attempt_id}, {"$set": {"state": "failed"}}
        )

    async def count_recent(
        self,
        community_id: ObjectId,
        handle: str,
        *,
        address: str | None = None,
        all_addresses: bool = False,
        up_to: ObjectId | None = None,
    ) -> int:
        """Attempts (failed or in flight) in the window for this handle: from `address`, or from anywhere; with
        `up_to`, only the attempts recorded no later than that one (ids grow with time)."""
        since = datetime.now(UTC) - timedelta(seconds=self.window_seconds)
        query: Doc = {"community_id": community_id, "handle_key": handle.lower()}
        if not all_addresses:
            query["address"] = address
        query["at"] = {"$gte": since}
        if up_to is not None:
            query["_id"] = {"$lte": up_to}
        return await self.login_failures.count_documents(query)

    async def clear(self, community_id: ObjectId, handle: str) -> None:
        await self.login_failures.delete_many({"community_id": community_id, "handle_key": handle.lower()})
