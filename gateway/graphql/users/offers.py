"""Batch offers: operators send a layer of the RFM pyramid a billing coupon per member (once per offer key)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import COMMUNITY_ARG
from gateway.graphql.users.enums import AcquisitionChannel, RfmLayer, Tier
from users_service.schemas import BatchOfferSend, BatchOfferSent


@strawberry.input(description="Narrows a batch offer to the layer's members matching every given condition.")
class BatchOfferFilter:
    tier: Tier | None = strawberry.field(default=None, description="Only members in this value tier.")
    channel: AcquisitionChannel | None = strawberry.field(default=None, description="Only members from this channel.")
    joined_after: datetime | None = strawberry.field(default=None, description="Only members who joined since then.")
    joined_before: datetime | None = strawberry.field(default=None, description="Only members who joined before.")


@strawberry.input(description="A batch offer: each member of the layer gets a coupon of their own, once per offerKey.")
class SendBatchOfferInput:
    offer_key: str = strawberry.field(
        description="Names the offer (3-30 letters, digits, - or _): sending it again issues nothing twice; the same "
        "key with other terms is a CONFLICT. Each member's code starts with it."
    )
    layer: RfmLayer = strawberry.field(
        default=RfmLayer.BASE, description="The layer; its treatment must grant BATCH_OFFERS (BASE by default)."
    )
    percent_off: int = strawberry.field(default=0, description="Percentage off, 0-100.")
    amount_off_cents: int = strawberry.field(default=0, description="Fixed amount off, in minor units.")
    duration: str = strawberry.field(default="ONCE", description="ONCE (first charge) or FOREVER (every charge).")
    plan_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Redeemable on these plans only; omitted: any plan."
    )
    expires_at: datetime | None = strawberry.field(default=None, description="Redeemable before then; omitted: ever.")
    message: str | None = strawberry.field(default=None, description="A line put before the offer in each notice.")
    where: BatchOfferFilter | None = strawberry.field(default=None, description="Only the layer's members matching.")
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)


@strawberry.type(description="What a batch offer did: coupons issued now, and to members who already held one.")
class SendBatchOfferPayload:
    offer_key: str = strawberry.field(description="The offer's key, as stored (upper case).")
    layer: RfmLayer = strawberry.field(description="The layer the offer went to.")
    members: int = strawberry.field(description="Members the offer reached (the layer, narrowed by `where`).")
    issued: int = strawberry.field(description="Coupons issued by this call (each member notified by mail).")
    already_issued: int = strawberry.field(description="Members who already held this offer's coupon: nothing new.")

    @staticmethod
    def from_read(read: BatchOfferSent) -> SendBatchOfferPayload:
        return SendBatchOfferPayload(
            offer_key=read.offer_key,
            layer=read.layer,
            members=read.members,
            issued=read.issued,
            already_issued=read.already_issued,
        )


@strawberry.type
class OfferMutation:
    @strawberry.mutation(description="Operators: a billing coupon for each member of a layer, once per offer key.")
    async def send_batch_offer(self, info: Info, input: SendBatchOfferInput) -> SendBatchOfferPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        where = vars(input.where) if input.where is not None else None
        send = BatchOfferSend.model_validate(
            {
                "offer_key": input.offer_key,
                "layer": input.layer,
                "percent_off": input.percent_off,
                "amount_off_cents": input.amount_off_cents,
                "duration": input.duration,
                "plan_ids": [str(p) for p in input.plan_ids or []],
                "expires_at": input.expires_at,
                "message": input.message,
                "where": {k: v for k, v in where.items() if v is not None} if where else None,
            }
        )
        return SendBatchOfferPayload.from_read(await info.context.services.users.send_batch_offer(cid, send))
