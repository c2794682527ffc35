"""The honeycomb feed, "why did I get this?", the inbox, slot rates and the caller's author relations."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from content_service.schemas import ContentRead
from distribution_service.schemas import (
    ExplainRequest,
    FeedRequest,
)
from gateway.context import Info
from gateway.graphql.distribution.enums import CandidateSource, Scene, Slot
from gateway.graphql.distribution.types import (
    AuthorRelations,
    Delivery,
    FeatureValue,
    Feed,
    FeedItem,
    FeedItemExplanation,
    ScoreReason,
    SlotRate,
)
from gateway.graphql.pagination import check_first


def _included(node: Selection) -> bool:
    """Whether `@skip`/`@include` (their `if` already resolved from the variables) leave the node in the answer."""
    skip = node.directives.get("skip")
    include = node.directives.get("include")
    return not (skip is not None and skip.get("if")) and not (include is not None and not include.get("if"))


def _selects(nodes: Sequence[Selection], path: tuple[str, ...]) -> bool:
    """Whether the selection asks for `path` (field names, fragments looked through, `@skip`/`@include` obeyed): the
    feed explains its items only for a caller that reads their reasons, and reads cards only for one that reads
    their content."""
    for node in nodes:
        if not _included(node):
            continue
        if isinstance(node, SelectedField):
            if node.name == path[0] and (len(path) == 1 or _selects(node.selections, path[1:])):
                return True
        elif _selects(node.selections, path):
            return True
    return False


@strawberry.type
class FeedQuery:
    @strawberry.field(description="The caller's community content ranked for them, best first (at most 100).")
    async def feed(self, info: Info, slot: Slot, scene: Scene, first: int = 20) -> Feed | None:
        member = await info.context.require_member()
        selected = info.selected_fields  # built from the query's nodes on every read: read once
        request = FeedRequest(
            member_id=member.id,
            slot=slot.value,
            scene=scene.value,
            first=check_first(first),
            reasons=any(_selects(field.selections, ("items", "reasons")) for field in selected),
        )
        page = await info.context.services.distribution.feed(member.community_id, request)
        cards: list[ContentRead | Exception | None] | None = None
        if any(_selects(field.selections, ("items", "content")) for field in selected):
            # The page's cards in one load (the loader's one lookup, as the items' ten loads made it), so that each
            # item's `content` is a plain field: no resolver awaited per item. A card that failed (content
            # unavailable) is that item's `content` error, not the feed's: the ranked page is still answered.
            loader = info.context.loaders.feed_content_by_id
            loads = [loader.load((member.community_id, item.content_id)) for item in page.items]
            read = await asyncio.gather(*loads, return_exceptions=True)
            for outcome in read:
                if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                    raise outcome  # cancelled: the feed's own error
            cards = cast(list[ContentRead | Exception | None], read)
        return Feed.from_page(page, member.community_id, cards)

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
            slot=e.slot,
            scene=e.scene,
            at=e.at,
            position=e.position,
            score=e.score,
            reasons=[ScoreReason(feature=k, contribution=v) for k, v in e.reasons.items()],
            features=[FeatureValue(name=f.name, value=f.value) for f in e.features],
            sources=[CandidateSource(v) for v in e.sources],
        )


@strawberry.type
class DeliveryQuery:
    @strawberry.field(description="The caller's golden-slot deliveries, newest first (at most 100).")
    async def inbox(self, info: Info, first: int = 20) -> list[Delivery]:
        member = await info.context.require_member()
        inbox = await info.context.services.distribution.inbox(member.community_id, member.id, check_first(first))
        return [
            Delivery(
                id=strawberry.ID(d.id),
                slot=d.slot,
                day=d.day,
                decision_id=strawberry.ID(d.decision_id),
                model_version=d.model_version,
                items=[
                    FeedItem(
                        score=i.score,
                        reasons=[ScoreReason(feature=k, contribution=v) for k, v in i.reasons.items()],
                        content_id=strawberry.ID(i.content_id),
                        community_id=member.community_id,
                        position=i.position,
                        sources=[CandidateSource(v) for v in i.sources],
                    )
                    for i in d.items
                ],
                created_at=d.created_at,
                opened_at=d.opened_at,
                shared_at=d.shared_at,
                push_copy=d.push_copy,
            )
            for d in inbox.deliveries
        ]

    @strawberry.field(description="Open rate and share rate of deliveries per golden slot (operators).")
    async def slot_rates(self, info: Info, community_id: strawberry.ID | None = None) -> list[SlotRate]:
        cid = (await info.context.require_operator(community_id)).community_id
        rates = await info.context.services.distribution.slot_rates(cid)
        return [
            SlotRate(
                slot=r.slot,
                delivered=r.delivered,
                opened=r.opened,
                shared=r.shared,
                open_rate=r.open_rate,
                share_rate=r.share_rate,
            )
            for r in rates.slots
        ]


@strawberry.type
class RelationsQuery:
    @strawberry.field(description="The authors the caller follows and blocks.")
    async def my_author_relations(self, info: Info) -> AuthorRelations:
        member = await info.context.require_member()
        read = await info.context.services.distribution.member_relations(member.community_id, member.id)
        return AuthorRelations.from_read(read)
