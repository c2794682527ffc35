"""Member value's MongoDB access: config, tier/layer fields on member documents, tier history and runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from users_service.domain.layers import Layer
from users_service.domain.tiers import Tier
from users_service.value.schemas import (
    TierChangeRead,
    TierMove,
    TierRunRead,
    ValueConfig,
)
from users_service.value.writes import MemberUpdate

Doc = dict[str, Any]


@dataclass(frozen=True)
class MemberState:
    """What the tier job needs of one member document."""

    id: ObjectId
    roles: list[str]
    tier: Tier
    tier_since: datetime
    joined_at: datetime
    layer: Layer
    ltv_cents: int | None


def _run(doc: Doc) -> TierRunRead:
    return TierRunRead(
        id=str(doc["_id"]),
        started_at=doc["started_at"],
        duration_ms=doc["duration_ms"],
        members=doc["members"],
        promotions=doc["promotions"],
        demotions=doc["demotions"],
        layer_changes=doc["layer_changes"],
        moves=[TierMove.model_validate(m) for m in doc["moves"]],
    )


class ValueStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.members = db["members"]
        self.config = db["value_config"]
        self.tier_changes = db["tier_changes"]
        self.runs = db["value_runs"]

    async def ensure_indexes(self) -> None:
        # count_by_tier: the tier distribution of a community.
        await self.members.create_index([("community_id", ASCENDING), ("tier", ASCENDING)], name="community_tier")
        # count_by_layer: the RFM pyramid of a community.
        await self.members.create_index(
            [("community_id", ASCENDING), ("rfm_layer", ASCENDING)], name="community_rfm_layer"
        )
        # list_tier_changes: one member's history, newest first.
        await self.tier_changes.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("at", DESCENDING)], name="community_member_at"
        )
        # list_runs / get_latest_run: a community's batch runs, newest first.
        await self.runs.create_index([("community_id", ASCENDING), ("started_at", DESCENDING)], name="community_at")
        # count_joined_since: members who joined after the latest run read the community.
        await self.members.create_index(
            [("community_id", ASCENDING), ("joined_at", ASCENDING)], name="community_joined"
        )

    # Config (one document per community, keyed by its id)

    async def get_config(self, community_id: ObjectId) -> ValueConfig | None:
        doc = await self.config.find_one({"_id": community_id})
        if doc is None:
            return None
        doc.pop("_id")
        return ValueConfig.model_validate(doc)

    async def put_config(self, community_id: ObjectId, config: ValueConfig) -> None:
        await self.config.replace_one({"_id": community_id}, config.model_dump(mode="json"), upsert=True)

    # Member documents

    async def list_member_states(self, community_id: ObjectId) -> list[MemberState]:
        # Served by community_handle_unique (community_id first).
        projection = {"roles": 1, "tier": 1, "tier_since": 1, "joined_at": 1, "rfm_layer": 1, "ltv_cents": 1}
        cursor = self.members.find({"community_id": community_id}, projection, batch_size=10_000)
        return [
            MemberState(
                id=doc["_id"],
                roles=doc.get("roles", []),
                tier=Tier(doc["tier"]),
                tier_since=doc.get("tier_since") or doc["joined_at"],
                joined_at=doc["joined_at"],
                layer=Layer(doc.get("rfm_layer", Layer.BASE)),
                ltv_cents=doc.get("ltv_cents"),
            )
            async for doc in cursor
        ]

    async def apply_member_updates(self, community_id: ObjectId, updates: list[MemberUpdate]) -> None:
        for start in range(0, len(updates), 5000):
            batch = [
                UpdateOne({"_id": u.member_id, "community_id": community_id}, {"$set": u.fields})
                for u in updates[start : start + 5000]
            ]
            await self.members.bulk_write(batch, ordered=False)

    async def sweep_tier(
        self,
        community_id: ObjectId,
        from_tier: Tier,
        to_tier: Tier,
        *,
        since: datetime,
        last_read: ObjectId,
        joined_before: datetime,
    ) -> None:
        """Move every member the run read in `from_tier` at once. Uses community_tier.

        Members who arrived after the run read the community (a later id or join) are left alone.
        """
        await self.members.update_many(
            {
                "community_id": community_id,
                "tier": from_tier.value,
                "_id": {"$lte": last_read},
                "joined_at": {"$lt": joined_before},
            },
            {"$set": {"tier": to_tier.value, "tier_since": since}},
        )

    async def count_by_tier(self, community_id: ObjectId) -> dict[str, int]:
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id}},
            {"$group": {"_id": "$tier", "n": {"$sum": 1}}},
        ]
        return {row["_id"]: int(row["n"]) async for row in await self.members.aggregate(pipeline)}

    async def count_joined_since(self, community_id: ObjectId, since: datetime, field: str) -> dict[str, int]:
        """Members who joined at or after `since`, by tier or layer: those a batch run has not read yet.

        Served by community_joined (community_id, joined_at).
        """
        value: Any = f"${field}" if field == "tier" else {"$ifNull": [f"${field}", Layer.BASE.value]}
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "joined_at": {"$gte": since}}},
            {"$group": {"_id": value, "n": {"$sum": 1}}},
        ]
        return {row["_id"]: int(row["n"]) async for row in await self.members.aggregate(pipeline)}

    async def get_latest_run_counts(self, community_id: ObjectId) -> Doc | None:
        """The latest run's members-read moment and its tier and layer counts after the run."""
        projection = {"read_at": 1, "tier_counts": 1, "layer_counts": 1, "started_at": 1}
        return await self.runs.find_one({"community_id": community_id}, projection, sort=[("started_at", -1)])

    async def count_by_layer(self, community_id: ObjectId) -> dict[str, int]:
        # A member never scored has no rfm_layer: by rule they are in the base layer.
        group = {"_id": {"$ifNull": ["$rfm_layer", Layer.BASE.value]}, "n": {"$sum": 1}}
        pipeline: list[Doc] = [{"$match": {"community_id": community_id}}, {"$group": group}]
        return {row["_id"]: int(row["n"]) async for row in await self.members.aggregate(pipeline)}

    # Tier history and runs

    async def insert_tier_changes(self, docs: list[Doc]) -> None:
        for start in range(0, len(docs), 10_000):
            await self.tier_changes.insert_many(docs[start : start + 10_000], ordered=False)

    async def list_tier_changes(
        self, community_id: ObjectId, member_id: ObjectId, *, limit: int
    ) -> list[TierChangeRead]:
        cursor = (
            self.tier_changes.find({"community_id": community_id, "member_id": member_id})
            .sort("at", DESCENDING)
            .limit(limit)
        )
        return [
            TierChangeRead(
                from_tier=doc["from"],
                to_tier=doc["to"],
                at=doc["at"],
                run_id=str(doc["run_id"]) if doc.get("run_id") else None,
            )
            async for doc in cursor
        ]

    async def insert_run(self, doc: Doc) -> TierRunRead:
        result = await self.runs.insert_one(doc)
        doc["_id"] = result.inserted_id
        return _run(doc)

    async def list_runs(self, community_id: ObjectId, *, limit: int) -> list[TierRunRead]:
        cursor = self.runs.find({"community_id": community_id}).sort("started_at", DESCENDING).limit(limit)
        return [_run(doc) async for doc in cursor]
