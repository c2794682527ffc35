"""The honeycomb feed and the events that train it."""

from __future__ import annotations

import strawberry

from distribution_service.schemas import EventCreate, FeedRequest
from gateway.context import Info
from gateway.graphql.enums import EventType, Scene, Slot
from gateway.graphql.pagination import check_first
from gateway.graphql.types import Content


@strawberry.type(description="One feature's share of an item's score.")
class ScoreReason:
    feature: str
    contribution: float


@strawberry.type
class FeedItem:
    score: float
    reasons: list[ScoreReason]
    content_id: strawberry.ID
    community_id: strawberry.Private[str]

    @strawberry.field(description="Null if the item was removed after it was ranked.")
    async def content(self, info: Info) -> Content | None:
        read = await info.context.loaders.content_by_id.load((self.community_id, str(self.content_id)))
        return Content.from_read(read) if read else None


@strawberry.type
class Feed:
    items: list[FeedItem]
    model_version: str


@strawberry.input
class RecordEventInput:
    content_id: strawberry.ID
    type: EventType
    slot: Slot | None = None
    scene: Scene | None = None
    client_event_id: str | None = strawberry.field(
        default=None, description="The client's own id: sending the same event again records it once."
    )
    dwell_ms: int | None = None


@strawberry.type
class RecordEventPayload:
    ok: bool
    event_id: strawberry.ID
    duplicate: bool


@strawberry.type
class FeedQuery:
    @strawberry.field(description="The caller's community content ranked for them, best first (at most 100).")
    async def feed(self, info: Info, slot: Slot, scene: Scene, first: int = 20) -> Feed | None:
        member = await info.context.require_member()
        request = FeedRequest(member_id=member.id, slot=slot.value, scene=scene.value, first=check_first(first))
        page = await info.context.services.distribution.feed(member.community_id, request)
        return Feed(
            items=[
                FeedItem(
                    score=item.score,
                    reasons=[ScoreReason(feature=k, contribution=v) for k, v in item.reasons.items()],
                    content_id=strawberry.ID(item.content_id),
                    community_id=member.community_id,
                )
                for item in page.items
            ],
            model_version=page.model_version,
        )


@strawberry.type
class FeedMutation:
    @strawberry.mutation(description="Log an interaction of the caller with an item of their community.")
    async def record_event(self, info: Info, input: RecordEventInput) -> RecordEventPayload:
        member = await info.context.require_member()
        event_in = EventCreate(
            member_id=member.id,
            content_id=str(input.content_id),
            type=input.type.value,
            slot=input.slot.value if input.slot else None,
            scene=input.scene.value if input.scene else None,
            client_event_id=input.client_event_id,
            dwell_ms=input.dwell_ms,
        )
        recorded = await info.context.services.distribution.record_event(member.community_id, event_in)
        return RecordEventPayload(ok=True, event_id=strawberry.ID(recorded.id), duplicate=recorded.duplicate)
