"""Golden-slot deliveries: a member's inbox and the operators' open and share rates per slot."""

from __future__ import annotations

from datetime import datetime

import strawberry

from distribution_service.schemas import PushPreferencesUpdate
from gateway.context import Info
from gateway.graphql.enums import Slot
from gateway.graphql.feed import FeedItem
from gateway.graphql.pagination import check_first


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


@strawberry.type(description="Deliveries of one slot: how many were opened and shared (any item of the push).")
class SlotRate:
    slot: Slot
    delivered: int
    opened: int
    shared: int
    open_rate: float
    share_rate: float


@strawberry.type
class DeliveryQuery:
    @strawberry.field(description="The caller's golden-slot deliveries, newest first (at most 100).")
    async def inbox(self, info: Info, first: int = 20) -> list[Delivery]:
        member = await info.context.require_member()
        inbox = await info.context.services.distribution.inbox(member.community_id, member.id, check_first(first))
        return [
            Delivery(
                id=strawberry.ID(d.id),
                slot=Slot(d.slot.value),
                day=d.day,
                decision_id=strawberry.ID(d.decision_id),
                model_version=d.model_version,
                items=[
                    FeedItem(
                        score=i.score,
                        reasons=[],
                        content_id=strawberry.ID(i.content_id),
                        community_id=member.community_id,
                        position=i.position,
                    )
                    for i in d.items
                ],
                created_at=d.created_at,
                opened_at=d.opened_at,
                shared_at=d.shared_at,
            )
            for d in inbox.deliveries
        ]

    @strawberry.field(description="Open rate and share rate of deliveries per golden slot (operators).")
    async def slot_rates(self, info: Info, community_id: strawberry.ID | None = None) -> list[SlotRate]:
        cid = await info.context.operator_community(str(community_id) if community_id else None)
        rates = await info.context.services.distribution.slot_rates(cid)
        return [
            SlotRate(
                slot=Slot(r.slot.value),
                delivered=r.delivered,
                opened=r.opened,
                shared=r.shared,
                open_rate=r.open_rate,
                share_rate=r.share_rate,
            )
            for r in rates.slots
        ]


@strawberry.input
class SetPushPreferencesInput:
    opted_out: bool | None = strawberry.field(default=None, description="True: no golden-slot pushes at all.")
    quiet_start: str | None = strawberry.field(default=None, description="Local HH:MM; no push from then...")
    quiet_end: str | None = strawberry.field(default=None, description="...until this local HH:MM (may wrap).")


@strawberry.type
class PushPreferences:
    opted_out: bool
    quiet_start: str | None
    quiet_end: str | None


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(description="The caller's push opt-out and quiet hours (omitted fields keep their value).")
    async def set_push_preferences(self, info: Info, input: SetPushPreferencesInput) -> PushPreferences:
        member = await info.context.require_member()
        given = {k: v for k, v in vars(input).items() if v is not None}
        update = PushPreferencesUpdate(member_id=member.id, **given)
        saved = await info.context.services.distribution.set_push_preferences(member.community_id, update)
        return PushPreferences(opted_out=saved.opted_out, quiet_start=saved.quiet_start, quiet_end=saved.quiet_end)
