"""Object types of the feed: ranked items and their explanations, golden-slot deliveries, author relations."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import datetime

import strawberry

from content_service.schemas import ContentRead
from distribution_service.schemas import AuthorRelations as AuthorRelationsRead
from distribution_service.schemas import (
    FeedPage,
)
from gateway.context import Info
from gateway.graphql.content.types import Content
from gateway.graphql.distribution.enums import CandidateSource, Scene, Slot
from gateway.graphql.links import content_link
from gateway.graphql.pagination import check_first


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

    # The item's card when the feed read the page's cards at once (`Feed.from_page`), or why it could not be read;
    # None: not read yet.
    card: strawberry.Private[tuple[ContentRead | Exception | None] | None] = None

    @strawberry.field(description="Null if the item was removed after it was ranked.", graphql_type=Content | None)
    def content(self, info: Info) -> Content | None | Awaitable[Content | None]:
        """The card the feed read with its page (no load, no awaiting: a plain field), else loaded now."""
        if self.card is not None:
            (read,) = self.card
            if isinstance(read, Exception):
                raise read  # this item's error, as its own load would have raised it
            return Content.from_read(read) if read else None
        return self._load_content(info)

    async def _load_content(self, info: Info) -> Content | None:
        # As the community's pool is, the cards may be a few seconds old (CONTENT_CARD_TTL_SECONDS).
        read = await info.context.loaders.feed_content_by_id.load((self.community_id, str(self.content_id)))
        return Content.from_read(read) if read else None


@strawberry.type
class Feed:
    items: list[FeedItem]
    model_version: str
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="This ranking's decision log: pass it to explainFeedItem and with events."
    )

    @staticmethod
    def from_page(
        page: FeedPage, community_id: str, cards: Sequence[ContentRead | Exception | None] | None = None
    ) -> Feed:
        """`cards`: the items' cards in order, read at once (each item's `content` then only converts its own, or
        raises its error)."""
        return Feed(
            items=[
                FeedItem(
                    score=item.score,
                    reasons=[ScoreReason(feature=k, contribution=v) for k, v in item.reasons.items()],
                    content_id=strawberry.ID(item.content_id),
                    community_id=community_id,
                    position=item.position,
                    sources=[CandidateSource(v) for v in item.sources],
                    card=None if cards is None else (cards[n],),
                )
                for n, item in enumerate(page.items)
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

    @strawberry.field(description="The piece explained (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)


@strawberry.type
class RecordEventPayload:
    ok: bool
    event_id: strawberry.ID
    duplicate: bool


@strawberry.type
class RecordEventsPayload:
    ok: bool
    results: list[RecordEventPayload]


@strawberry.type(description="One golden-slot push: the items ranked for the member in that slot of that day.")
class Delivery:
    id: strawberry.ID
    slot: Slot
    day: str
    decision_id: strawberry.ID
    model_version: str
    items: list[FeedItem]
    created_at: datetime
    opened_at: datetime | None
    shared_at: datetime | None
    push_copy: str | None = strawberry.field(
        default=None, description="The push text an experiment arm gave this delivery; null: the default text."
    )


@strawberry.type(description="Deliveries of one slot: how many were opened and shared (any item of the push).")
class SlotRate:
    slot: Slot
    delivered: int
    opened: int
    shared: int
    open_rate: float
    share_rate: float


@strawberry.type
class PushPreferences:
    opted_out: bool
    quiet_start: str | None
    quiet_end: str | None
    by_email: bool = strawberry.field(default=False, description="Pushes also come by e-mail.")


@strawberry.type(description="Authors the signed-in member follows and blocks, newest first.")
class AuthorRelations:
    following_ids: strawberry.Private[list[str]]
    blocked_ids: strawberry.Private[list[str]]

    @strawberry.field(description="Authors whose content the member's feed draws on (at most 100).")
    def following(self, first: int = 100) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self.following_ids[: check_first(first)]]

    @strawberry.field(description="Authors whose content never reaches the member's feed or pushes (at most 100).")
    def blocked(self, first: int = 100) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self.blocked_ids[: check_first(first)]]

    @staticmethod
    def from_read(read: AuthorRelationsRead) -> AuthorRelations:
        return AuthorRelations(following_ids=read.follows, blocked_ids=read.blocks)
