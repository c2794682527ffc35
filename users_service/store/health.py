"""Health indicators' collections: per-community targets, snapshots of every value, and breach alerts."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.domain.health.model import AlertStatus
from users_service.store.base import Doc

OPEN = AlertStatus.OPEN.value
RESOLVED = AlertStatus.RESOLVED.value


class HealthStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        # One document per community: {"targets": {key: {"target", "warn", "critical", "opens_incident"?}}};
        # absent keys use the catalogue's defaults.
        self.targets = db["health_targets"]
        # One document per computation: every indicator's value and the figures it came from.
        self.snapshots = db["health_snapshots"]
        self.alerts = db["health_alerts"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # get_targets / set_target: one targets document per community.
        indexes.add(self.targets, [("community_id", ASCENDING)], unique=True, name="community_unique")
        # latest_snapshot, snapshot_at_or_before, list_history: a community's snapshots by time.
        indexes.add(
            self.snapshots, [("community_id", ASCENDING), ("computed_at", DESCENDING)], name="community_computed"
        )
        # open_alert: at most one OPEN alert per community and indicator, enforced by the database.
        indexes.add(
            self.alerts,
            [("community_id", ASCENDING), ("key", ASCENDING)],
            unique=True,
            partialFilterExpression={"status": OPEN},
            name="one_open_alert_per_key",
        )
        # list_alerts: a community's alerts by status, newest first.
        indexes.add(
            self.alerts,
            [("community_id", ASCENDING), ("status", ASCENDING), ("opened_at", DESCENDING)],
            name="community_status_opened",
        )
        await indexes.create()

    # Targets

    async def get_targets(self, community_id: ObjectId) -> dict[str, Doc]:
        doc = await self.targets.find_one({"community_id": community_id})
        return dict(doc["targets"]) if doc else {}

    async def set_target(self, community_id: ObjectId, key: str, thresholds: Doc, at: datetime) -> None:
        await self.targets.update_one(
            {"community_id": community_id},
            {"$set": {f"targets.{key}": {**thresholds, "updated_at": at}}},
            upsert=True,
        )

    # Snapshots

    async def insert_snapshot(self, doc: Doc) -> None:
        await self.snapshots.insert_one(doc)

    async def latest_snapshot(self, community_id: ObjectId) -> Doc | None:
        return await self.snapshots.find_one(
            {"community_id": community_id}, {"figures": 0}, sort=[("computed_at", DESCENDING)]
        )

    async def snapshot_at_or_before(self, community_id: ObjectId, moment: datetime) -> Doc | None:
        return await self.snapshots.find_one(
            {"community_id": community_id, "computed_at": {"$lte": moment}},
            {"figures": 0},
            sort=[("computed_at", DESCENDING)],
        )

    async def list_history(self, community_id: ObjectId, key: str, *, limit: int) -> list[Doc]:
        """One indicator's value in the newest `limit` snapshots, newest first."""
        cursor = (
            self.snapshots.find({"community_id": community_id}, {"computed_at": 1, f"values.{key}": 1})
            .sort("computed_at", DESCENDING)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    # Alerts

    async def open_alert(self, community_id: ObjectId, key: str, fields: Doc, at: datetime) -> Doc:
        """The indicator's open alert, created if none, with its latest severity and value."""
        doc = await self.alerts.find_one_and_update(
            {"community_id": community_id, "key": key, "status": OPEN},
            {"$set": {**fields, "updated_at": at}, "$setOnInsert": {"opened_at": at, "resolved_at": None}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None
        return doc

    async def link_incident(self, community_id: ObjectId, alert_id: ObjectId, incident_id: str) -> None:
        await self.alerts.update_one(
            {"_id": alert_id, "community_id": community_id}, {"$set": {"incident_id": incident_id}}
        )

    async def resolve_alerts(self, community_id: ObjectId, keys: list[str], at: datetime) -> int:
        result = await self.alerts.update_many(
            {"community_id": community_id, "key": {"$in": keys}, "status": OPEN},
            {"$set": {"status": RESOLVED, "resolved_at": at, "updated_at": at}},
        )
        return result.modified_count

    async def list_alerts(self, community_id: ObjectId, status: str | None, *, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if status is not None:
            query["status"] = status
        cursor = self.alerts.find(query).sort("opened_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]
