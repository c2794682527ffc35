"""The honeycomb feed, the events that train it, and "why did I get this?"."""

from __future__ import annotations

from datetime import datetime

import strawberry

from distribution_service.schemas import EventBatch, EventCreate, ExplainRequest, FeedPage, FeedRequest
from gateway.context import Info
from gateway.graphql.enums import CandidateSource, EventType, Scene, Slot
from gateway.graphql.pagination import check_first
from gateway.graphql.types import Content
from infra.errors import BadInputError

MAX_EVENTS_PER_BATCH = 100


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
    position: int = strawberry.field(description="0-based place in the feed as shown (after diversity).")
    sources: list[CandidateSource] = strawberry.field(
        default_factory=list, description="Why it was a candidate: the sources that offered it to you."
    )

    @strawberry.field(description="Null if the item was removed after it was ranked.")
    async def content(self, info: Info) -> Content | None:
        read = await info.context.loaders.content_by_id.load((self.community_id, str(self.content_id)))
        return Content.from_read(read) if read else None


@strawberry.type
class Feed:
    items: list[FeedItem]
    model_version: str
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="This ranking's decision log: pass it to explainFeedItem and with events."
    )

    @staticmethod
    def from_page(page: FeedPage, community_id: str) -> Feed:
        return Feed(
            items=[
                FeedItem(
                    score=item.score,
                    reasons=[ScoreReason(feature=k, contribution=v) for k, v in item.reasons.items()],
                    content_id=strawberry.ID(item.content_id),
                    community_id=community_id,
                    position=item.position,
                    sources=[CandidateSource(v) for v in item.sources],
                )
                for item in page.items
            ],
            model_version=page.model_version,
            decision_id=strawberry.ID(page.decision_id) if page.decision_id else None,
        )


@strawberry.type(description="A feature's value in the vector the item was scored with.")
class FeatureValue:
    name: str
    value: float | None


@strawberry.type(description="Why an item was in a feed: model, arm, position, score and its top reasons.")
class FeedItemExplanation:
    decision_id: strawberry.ID
    content_id: strawberry.ID
    model_version: str
    experiment_arm: str | None
    shadow_version: str | None
    slot: Slot
    scene: Scene
    at: datetime
    position: int | None = strawberry.field(description="Null when the item was scored but not shown.")
    score: float
    reasons: list[ScoreReason]
    features: list[FeatureValue]
    sources: list[CandidateSource] = strawberry.field(
        default_factory=list, description="The sources that offered the item (empty when it was not shown)."
    )


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
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="The feed (Feed.decisionId) or delivery the event answers."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When it happened on the client (a batch sent later); never in the future."
    )


@strawberry.input
class RecordEventsInput:
    events: list[RecordEventInput] = strawberry.field(description="At most 100 events.")


@strawberry.type
class RecordEventPayload:
    ok: bool
    event_id: strawberry.ID
    duplicate: bool


@strawberry.type
class RecordEventsPayload:
    ok: bool
    results: list[RecordEventPayload]


def _event(member_id: str, input: RecordEventInput) -> EventCreate:
    return EventCreate(
        member_id=member_id,
        content_id=str(input.content_id),
        type=input.type.value,
        slot=input.slot.value if input.slot else None,
        scene=input.scene.value if input.scene else None,
        client_event_id=input.client_event_id,
        dwell_ms=input.dwell_ms,
        decision_id=str(input.decision_id) if input.decision_id else None,
        occurred_at=input.occurred_at,
    )


@strawberry.type
class FeedQuery:
    @strawberry.field(description="The caller's community content ranked for them, best first (at most 100).")
    async def feed(self, info: Info, slot: Slot, scene: Scene, first: int = 20) -> Feed | None:
        member = await info.context.require_member()
        request = FeedRequest(member_id=member.id, slot=slot.value, scene=scene.value, first=check_first(first))
        page = await info.context.services.distribution.feed(member.community_id, request)
        return Feed.from_page(page, member.community_id)

    @strawberry.field(description="Why the caller got an item in one of their feeds (their own decisions only).")
    async def explain_feed_item(
        self, info: Info, decision_id: strawberry.ID, content_id: strawberry.ID
    ) -> FeedItemExplanation:
        member = await info.context.require_member()
        request = ExplainRequest(member_id=member.id, decision_id=str(decision_id), content_id=str(content_id))
        e = await info.context.services.distribution.explain(member.community_id, request)
        return FeedItemExplanation(
            decision_id=strawberry.ID(e.decision_id),
            content_id=strawberry.ID(e.content_id),
            model_version=e.model_version,
            experiment_arm=e.experiment_arm,
            shadow_version=e.shadow_version,
            slot=Slot(e.slot.value),
            scene=Scene(e.scene.value),
            at=e.at,
            position=e.position,
            score=e.score,
            reasons=[ScoreReason(feature=k, contribution=v) for k, v in e.reasons.items()],
            features=[FeatureValue(name=f.name, value=f.value) for f in e.features],
            sources=[CandidateSource(v) for v in e.sources],
        )


@strawberry.type
class FeedMutation:
    @strawberry.mutation(description="Log an interaction of the caller with an item of their community.")
    async def record_event(self, info: Info, input: RecordEventInput) -> RecordEventPayload:
        member = await info.context.require_member()
        recorded = await info.context.services.distribution.record_event(member.community_id, _event(member.id, input))
        return RecordEventPayload(ok=True, event_id=strawberry.ID(recorded.id), duplicate=recorded.duplicate)

    @strawberry.mutation(description="Log up to 100 interactions at once; each clientEventId is recorded once.")
    async def record_events(self, info: Info, input: RecordEventsInput) -> RecordEventsPayload:
        member = await info.context.require_member()
        if not 1 <= len(input.events) <= MAX_EVENTS_PER_BATCH:
            raise BadInputError(f"events must hold 1 to {MAX_EVENTS_PER_BATCH} events", field="events")
        batch = EventBatch(events=[_event(member.id, e) for e in input.events])
        recorded = await info.context.services.distribution.record_events(member.community_id, batch)
        return RecordEventsPayload(
            ok=True,
            results=[
                RecordEventPayload(ok=True, event_id=strawberry.ID(r.id), duplicate=r.duplicate) for r in recorded.items
            ],
        )
