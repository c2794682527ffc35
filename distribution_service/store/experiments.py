"""Experiments, their exposures (one per member per experiment, held by a unique index) and the results
database of finished experiments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, InsertOne, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from distribution_service.store.base import DUPLICATE_KEY, Doc
from infra.indexes import IndexPlan

RUNNING = "RUNNING"


class ExperimentsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.experiments = db["experiments"]
        self.exposures = db["exposures"]
        self.results = db["experiment_results"]
        # Told the community of every experiment created or changed through this store (the service's cache of
        # running experiments); counting an arm's uses is not a change it needs to hear of.
        self._listeners: list[Callable[[ObjectId], None]] = []

    def on_change(self, listener: Callable[[ObjectId], None]) -> None:
        self._listeners.append(listener)

    def _changed(self, community_id: ObjectId) -> None:
        for listener in self._listeners:
            listener(community_id)

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_experiments / list_running: a community's experiments by status.
        indexes.add(self.experiments, [("community_id", ASCENDING), ("status", ASCENDING)], name="community_status")
        # list_running_communities: the gray-release tick finds the communities with a running experiment.
        indexes.add(self.experiments, [("status", ASCENDING), ("community_id", ASCENDING)], name="status_community")
        # log_exposures: one exposure per member per experiment, whatever requests race; list_exposures reads on it.
        indexes.add(
            self.exposures,
            [("community_id", ASCENDING), ("experiment_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            name="community_experiment_member_unique",
        )
        # insert_result: one result per experiment; get_result and list_results (a community's results are few:
        # the planner reads them on this prefix and sorts them) read on it too.
        indexes.add(
            self.results,
            [("community_id", ASCENDING), ("experiment_id", ASCENDING)],
            unique=True,
            name="community_experiment_unique",
        )
        await indexes.create()

    # --- experiments ------------------------------------------------------------------------------------------

    async def insert_experiment(self, doc: Doc) -> Doc:
        await self.experiments.insert_one(doc)
        self._changed(doc["community_id"])
        return doc

    async def get_experiment(self, community_id: ObjectId, experiment_id: ObjectId) -> Doc | None:
        return await self.experiments.find_one({"_id": experiment_id, "community_id": community_id})

    async def list_experiments(self, community_id: ObjectId, status: str | None = None) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if status:
            query["status"] = status
        docs = [doc async for doc in self.experiments.find(query)]
        return sorted(docs, key=lambda d: d["created_at"], reverse=True)

    async def list_running(self, community_id: ObjectId) -> list[Doc]:
        return [doc async for doc in self.experiments.find({"community_id": community_id, "status": RUNNING})]

    async def list_running_communities(self) -> list[ObjectId]:
        """Communities with a running experiment: the one cross-community read, for the gray-release tick."""
        cursor = self.experiments.find({"status": RUNNING}, projection={"community_id": 1})
        return list({doc["community_id"] async for doc in cursor})

    async def update_experiment(
        self, community_id: ObjectId, experiment_id: ObjectId, fields: Doc, *, from_status: tuple[str, ...] = ()
    ) -> Doc | None:
        """Set `fields` if the experiment is in one of `from_status` (any when empty): a compare-and-set, so two
        operators (or the tick and an operator) cannot both move it. None when it did not match."""
        query: Doc = {"_id": experiment_id, "community_id": community_id}
        if from_status:
            query["status"] = {"$in": list(from_status)}
        try:
            return await self.experiments.find_one_and_update(
                query, {"$set": fields}, return_document=ReturnDocument.AFTER
            )
        finally:
            self._changed(community_id)

    async def count_uses(
        self, community_id: ObjectId, experiment_id: ObjectId, arm: str, used: int, failed: int
    ) -> None:
        """Add to an arm's use and failure counters (the error-rate guardrail)."""
        await self.experiments.update_one(
            {"_id": experiment_id, "community_id": community_id},
            {"$inc": {f"uses.{arm}": used, f"failures.{arm}": failed}},
        )

    # --- exposures --------------------------------------------------------------------------------------------

    async def log_exposures(self, docs: list[Doc]) -> int:
        """Insert the exposures not yet logged; a member already exposed to the experiment is skipped by the
        unique index. Returns how many were new."""
        if not docs:
            return 0
        try:
            result = await self.exposures.bulk_write([InsertOne(d) for d in docs], ordered=False)
            return int(result.inserted_count)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
            return int(exc.details.get("nInserted", 0))

    async def count_exposures(self, community_id: ObjectId, experiment_id: ObjectId) -> int:
        return await self.exposures.count_documents({"community_id": community_id, "experiment_id": experiment_id})

    async def list_exposures(self, community_id: ObjectId, experiment_id: ObjectId) -> list[Doc]:
        cursor = self.exposures.find(
            {"community_id": community_id, "experiment_id": experiment_id},
            projection={"member_id": 1, "arm": 1, "at": 1},
        )
        return [doc async for doc in cursor]

    # --- results ----------------------------------------------------------------------------------------------

    async def insert_result(self, doc: Doc) -> bool:
        """Record a finished experiment once; False when it already has its result."""
        try:
            await self.results.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def get_result(self, community_id: ObjectId, experiment_id: ObjectId) -> Doc | None:
        return await self.results.find_one({"community_id": community_id, "experiment_id": experiment_id})

    async def list_results(self, community_id: ObjectId, *, since: datetime | None = None) -> list[Doc]:
        query: dict[str, Any] = {"community_id": community_id}
        if since is not None:
            query["finished_at"] = {"$gte": since}
        cursor = self.results.find(query).sort("finished_at", DESCENDING)
        return [doc async for doc in cursor]
