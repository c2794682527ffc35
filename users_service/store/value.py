"""Member value's collections: `value_config` (one versioned document per community), `tier_changes`, `value_runs`.

The tier and layer fields on member documents belong to `MembersStore`.
"""

from __future__ import annotations

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from infra.indexes import IndexPlan
from users_service.schemas.value import TierChangeRead, TierMove, TierRunRead, ValueConfig
from users_service.store.base import Doc, Session


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
        as_of=doc.get("as_of"),
    )


class ValueStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.config = db["value_config"]
        self.tier_changes = db["tier_changes"]
        self.runs = db["value_runs"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_tier_changes: one member's history, newest first.
        indexes.add(
            self.tier_changes,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("at", DESCENDING)],
            name="community_member_at",
        )
        # list_runs / get_latest_run_counts: a community's batch runs, newest first.
        indexes.add(self.runs, [("community_id", ASCENDING), ("started_at", DESCENDING)], name="community_at")
        await indexes.create()

    # Config: keyed by the community's id, with a version for compare-and-set

    async def get_config(self, community_id: ObjectId) -> ValueConfig | None:
        config, _ = await self.get_config_version(community_id)
        return config

    async def get_config_version(self, community_id: ObjectId) -> tuple[ValueConfig | None, int | None]:
        """The stored config and its version: (None, None) when none is stored, version 0 for one stored unversioned."""
        doc = await self.config.find_one({"_id": community_id})
        if doc is None:
            return None, None
        doc.pop("_id")
        version = int(doc.pop("version", 0))
        return ValueConfig.model_validate(doc), version

    async def replace_config(self, community_id: ObjectId, config: ValueConfig, *, expected: int | None) -> bool:
        """Store `config` only if the stored version is still `expected` (None: nothing stored); False if not."""
        fields = {**config.model_dump(mode="json"), "version": (expected or 0) + 1}
        if expected is None:
            try:
                await self.config.insert_one({"_id": community_id, **fields})
            except DuplicateKeyError:
                return False
            return True
        current: object = expected if expected else {"$exists": False}
        result = await self.config.replace_one({"_id": community_id, "version": current}, fields)
        return result.matched_count == 1

    # Tier history and runs

    async def insert_tier_changes(self, docs: list[Doc], *, session: Session | None = None) -> None:
        for start in range(0, len(docs), 10_000):
            await self.tier_changes.insert_many(docs[start : start + 10_000], ordered=False, session=session)

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

    async def get_latest_run_counts(self, community_id: ObjectId) -> Doc | None:
        """The latest run's members-read moment and its tier and layer counts after the run."""
        projection = {"read_at": 1, "tier_counts": 1, "layer_counts": 1, "started_at": 1, "as_of": 1}
        return await self.runs.find_one({"community_id": community_id}, projection, sort=[("started_at", -1)])

    async def insert_run(self, doc: Doc) -> TierRunRead:
        result = await self.runs.insert_one(doc)
        doc["_id"] = result.inserted_id
        return _run(doc)

    async def list_runs(self, community_id: ObjectId, *, limit: int) -> list[TierRunRead]:
        cursor = self.runs.find({"community_id": community_id}).sort("started_at", DESCENDING).limit(limit)
        return [_run(doc) async for doc in cursor]
