"""The engagement figures users_service's health indicators read: each one an indexed aggregation here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId

from distribution_service.domain.honeycomb import EventType
from distribution_service.schemas import EngagementFigures, MemberEngagement, MemberEngagementList
from distribution_service.store import DistributionStore

WINDOW = timedelta(days=30)
MEMBER_FIELDS = ("member_days", "dau", "wau", "mau", "mau_previous", "retained", "active_90")
TYPE_FIELDS = {
    EventType.IMPRESSION: "impressions",
    EventType.OPEN: "opens",
    EventType.CLICK: "clicks",
    EventType.SHARE: "shares",
    EventType.VOTE: "votes",
    EventType.DOWNVOTE: "downvotes",
    EventType.BULLET_COMMENT: "bullet_comments",
    EventType.COMMENT: "comments",
    EventType.ANSWER: "answers",
    EventType.FAVORITE: "favorites",
    EventType.DWELL: "dwells",
}


class FiguresService:
    def __init__(self, store: DistributionStore) -> None:
        self.store = store

    async def engagement(self, cid: ObjectId, as_of: datetime) -> EngagementFigures:
        month = as_of - WINDOW
        windows = {
            "as_of": as_of,
            "day": as_of - timedelta(days=1),
            "week": as_of - timedelta(days=7),
            "month": month,
            "previous": month - WINDOW,
            "quarter": as_of - timedelta(days=90),
        }
        members = await self.store.events.member_activity.aggregate_member_windows(cid, windows)
        types = await self.store.events.count_types_between(cid, month, as_of)
        counts = {row["_id"]: int(row["n"]) for row in types}
        # Served impressions are counted decisions' shown items (store/decisions.py); `events` holds the ones a
        # client recorded and those an older version stored.
        served = await self.store.decisions.count_impressions_between(cid, month, as_of)
        counts[EventType.IMPRESSION.value] = counts.get(EventType.IMPRESSION.value, 0) + served
        made = await self.store.deliveries.count_made_between(cid, month, as_of)
        values: dict[str, Any] = {k: int(members.get(k, 0)) for k in MEMBER_FIELDS}
        values.update({field: counts.get(t.value, 0) for t, field in TYPE_FIELDS.items()})
        return EngagementFigures(
            as_of=as_of,
            **values,
            engagement_events=sum(n for t, n in counts.items() if t != EventType.IMPRESSION.value),
            dwell_ms=int(sum(row["dwell_ms"] for row in types if row["_id"] == EventType.DWELL.value)),
            deliveries=int(made["delivered"]),
            deliveries_opened=int(made["opened"]),
            deliveries_shared=int(made["shared"]),
        )

    async def engagement_by_member(self, cid: ObjectId, as_of: datetime) -> MemberEngagementList:
        """Each member engaged in W or the previous window, so users_service can group them by tier, layer and
        channel (the breakdowns); the same windows and "engaged" as `engagement`."""
        month = as_of - WINDOW
        windows = {"as_of": as_of, "month": month, "previous": month - WINDOW}
        rows = await self.store.events.member_activity.list_member_windows(cid, windows)
        return MemberEngagementList(
            as_of=as_of,
            items=[
                MemberEngagement(
                    member_id=str(row["_id"]),
                    days=len([d for d in row["days"] if d is not None]),
                    events=int(row["events"]),
                    engaged=bool(row["month"]),
                    previous=bool(row["previous"]),
                )
                for row in rows
                if row["_id"] is not None
            ],
        )
