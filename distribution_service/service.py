"""distribution_service's flows: record an event, assemble and rank a feed."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.ranking.base import Candidate, Ranker, RankingContext
from distribution_service.schemas import (
    ActivityByMember,
    EventCreate,
    EventRecorded,
    FeedItem,
    FeedPage,
    FeedRequest,
    MemberActivity,
)
from distribution_service.store import DistributionStore
from infra.errors import NotFoundError
from infra.schemas import object_id

CANDIDATE_POOL = 500


class DistributionService:
    def __init__(self, store: DistributionStore, content: ContentClient, ranker: Ranker) -> None:
        self.store = store
        self.content = content
        self.ranker = ranker

    async def record_event(self, community_id: str, event_in: EventCreate) -> EventRecorded:
        cid = object_id(community_id, field="communityId")
        # The item must be content of this community: events never cross tenants.
        (item,) = await self.content.lookup(community_id, [event_in.content_id])
        if item is None:
            raise NotFoundError(f"no content with id {event_in.content_id} in this community", field="contentId")
        now = datetime.now(UTC)
        doc = {
            "community_id": cid,
            "member_id": ObjectId(event_in.member_id),
            "content_id": ObjectId(event_in.content_id),
            "type": event_in.type.value,
            "slot": event_in.slot.value if event_in.slot else None,
            "scene": event_in.scene.value if event_in.scene else None,
            "occurred_at": min(event_in.occurred_at or now, now),
            "received_at": now,
            "dwell_ms": event_in.dwell_ms,
        }
        if event_in.client_event_id:
            doc["client_event_id"] = event_in.client_event_id
        event_id, duplicate = await self.store.insert_event(doc)
        return EventRecorded(id=str(event_id), duplicate=duplicate)

    async def feed(self, community_id: str, request: FeedRequest) -> FeedPage:
        cid = object_id(community_id, field="communityId")
        summaries = await self.content.candidates(community_id, limit=CANDIDATE_POOL)
        ids = [ObjectId(s.id) for s in summaries]
        stats = await self.store.list_item_stats(cid, ids)
        seen = await self.store.list_seen_content(cid, ObjectId(request.member_id), ids)
        candidates = [
            Candidate(
                content_id=s.id,
                kind=s.kind.value,
                author_id=s.author_id,
                tags=tuple(s.tags),
                published_at=s.published_at,
                engagement=float(stats.get(s.id, {}).get("engagement", 0.0)),
                impressions=int(stats.get(s.id, {}).get("counts", {}).get("IMPRESSION", 0)),
                seen_by_member=s.id in seen,
            )
            for s in summaries
        ]
        context = RankingContext(
            community_id=community_id,
            member_id=request.member_id,
            slot=request.slot,
            scene=request.scene,
            now=datetime.now(UTC),
        )
        ranked = self.ranker.rank(candidates, context)[: request.first]
        return FeedPage(
            items=[FeedItem(content_id=r.content_id, score=r.score, reasons=r.contributions) for r in ranked],
            model_version=self.ranker.version,
        )

    async def activity_by_member(self, community_id: str, since: datetime | None) -> ActivityByMember:
        rows = await self.store.aggregate_activity_by_member(object_id(community_id, field="communityId"), since)
        return ActivityByMember(
            members={
                str(row["_id"]): MemberActivity(
                    events=row["events"], engagement=round(row["engagement"], 6), last_at=row["last_at"]
                )
                for row in rows
            }
        )
