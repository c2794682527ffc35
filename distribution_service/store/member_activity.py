"""Members' activity read from the recorded events over time windows: per member engagement and last activity, and
the engaged-member counts of the community health figures. Every read is served by `events`' `community_occurred_at`
index (store/events.py; reached as `EventsStore.member_activity`); impressions never count."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.store.base import Doc


class MemberActivityReads:
    def __init__(self, events: AsyncCollection[Doc]) -> None:
        self.events = events

    async def aggregate_activity_by_member(self, community_id: ObjectId, since: datetime | None) -> list[Doc]:
        # The index serves the first $match (community_occurred_at); the second drops impressions.
        match: Doc = {"community_id": community_id}
        if since is not None:
            match["occurred_at"] = {"$gte": since}
        weights = {
            "$switch": {
                "branches": [{"case": {"$eq": ["$type", t.value]}, "then": w} for t, w in ENGAGEMENT_WEIGHT.items()],
                "default": 0.0,
            }
        }
        pipeline: list[Doc] = [
            {"$match": match},
            {"$match": {"type": {"$ne": EventType.IMPRESSION.value}}},
            {
                "$group": {
                    "_id": "$member_id",
                    "events": {"$sum": 1},
                    "engagement": {"$sum": weights},
                    "last_at": {"$max": "$occurred_at"},
                }
            },
        ]
        cursor = await self.events.aggregate(pipeline)
        return [doc async for doc in cursor]

    async def aggregate_member_windows(self, community_id: ObjectId, windows: Doc) -> Doc:
        """Engaged members counted per window (the health figures): `windows` holds as_of, day, week, month,
        previous (start of the 30 days before the month) and quarter (90 days) as moments; impressions do not count.
        """
        # The index community_occurred_at serves the first $match; the per-member pass then the totals.
        since, as_of, month, previous = windows["quarter"], windows["as_of"], windows["month"], windows["previous"]
        in_month = {"$gte": ["$occurred_at", month]}
        day = {"$dateToString": {"format": "%Y-%m-%d", "date": "$occurred_at"}}

        def flag(condition: Doc) -> Doc:
            return {"$sum": {"$cond": [condition, 1, 0]}}

        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": as_of}}},
            {"$match": {"type": {"$ne": EventType.IMPRESSION.value}}},
            {
                "$group": {
                    "_id": "$member_id",
                    "last_at": {"$max": "$occurred_at"},
                    "previous": {
                        "$max": {
                            "$cond": [
                                {"$and": [{"$gte": ["$occurred_at", previous]}, {"$lt": ["$occurred_at", month]}]},
                                1,
                                0,
                            ]
                        }
                    },
                    "days": {"$addToSet": {"$cond": [in_month, day, None]}},
                }
            },
            {
                "$group": {
                    "_id": None,
                    "active_90": {"$sum": 1},
                    "mau": flag({"$gte": ["$last_at", month]}),
                    "wau": flag({"$gte": ["$last_at", windows["week"]]}),
                    "dau": flag({"$gte": ["$last_at", windows["day"]]}),
                    "mau_previous": {"$sum": "$previous"},
                    "retained": flag({"$and": [{"$eq": ["$previous", 1]}, {"$gte": ["$last_at", month]}]}),
                    "member_days": {"$sum": {"$size": {"$setDifference": ["$days", [None]]}}},
                }
            },
        ]
        rows = [doc async for doc in await self.events.aggregate(pipeline)]
        return rows[0] if rows else {}

    async def list_member_windows(self, community_id: ObjectId, windows: Doc) -> list[Doc]:
        """Per member engaged in W or the previous window: distinct UTC days and engagement events in W, and
        whether engaged in W (`month`) and in the previous window (`previous`); the health breakdowns' rows."""
        # Served by community_occurred_at like aggregate_member_windows; one row per member, no totals.
        as_of, month, previous = windows["as_of"], windows["month"], windows["previous"]
        in_month = {"$gte": ["$occurred_at", month]}
        day = {"$dateToString": {"format": "%Y-%m-%d", "date": "$occurred_at"}}
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "occurred_at": {"$gte": previous, "$lt": as_of}}},
            {"$match": {"type": {"$ne": EventType.IMPRESSION.value}}},
            {
                "$group": {
                    "_id": "$member_id",
                    "month": {"$max": {"$cond": [in_month, 1, 0]}},
                    "previous": {"$max": {"$cond": [in_month, 0, 1]}},
                    "events": {"$sum": {"$cond": [in_month, 1, 0]}},
                    "days": {"$addToSet": {"$cond": [in_month, day, None]}},
                }
            },
        ]
        return [doc async for doc in await self.events.aggregate(pipeline)]
