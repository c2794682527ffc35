"""Value-added purchases, ad campaigns, data contracts, receipts, creator awards and payouts, costs, refunds."""

from __future__ import annotations

from datetime import datetime

import strawberry

from billing_service import schemas as s
from gateway.context import Info
from gateway.graphql.billing_types import Deal, Invoice, LedgerRecord, Payment, Product
from gateway.graphql.pagination import check_first


@strawberry.input
class CreateProductInput:
    name: str
    kind: str = strawberry.field(description="COURSE, CONSULTATION or REPORT.")
    price_cents: int
    currency: str
    community_id: strawberry.ID | None = None


@strawberry.input
class PurchaseInput:
    product_id: strawberry.ID
    idempotency_key: str
    payment_method: str | None = None


@strawberry.input
class CreatorShareInput:
    creator_id: strawberry.ID
    share_bps: int = strawberry.field(description="Share of the net in basis points (1500 = 15%).")


@strawberry.input
class BookAdCampaignInput:
    advertiser: str
    amount_cents: int
    currency: str
    idempotency_key: str
    creator_shares: list[CreatorShareInput] | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class SignDataContractInput:
    partner: str
    amount_cents: int
    currency: str
    starts_at: datetime
    ends_at: datetime
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class RecordReceiptInput:
    deal_id: strawberry.ID
    amount_cents: int
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class AwardCreatorInput:
    creator_id: strawberry.ID
    amount_cents: int
    reason: str
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class PayCreatorInput:
    creator_id: strawberry.ID
    amount_cents: int
    idempotency_key: str
    community_id: strawberry.ID | None = None


@strawberry.input
class RecordCostInput:
    amount_cents: int
    description: str
    idempotency_key: str
    category: str = strawberry.field(default="DELIVERY", description="DELIVERY, CREATOR_AWARDS or PAYMENT_FEES.")
    incurred_at: datetime | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class RefundPaymentInput:
    payment_id: strawberry.ID
    idempotency_key: str
    amount_cents: int | None = strawberry.field(default=None, description="Omit for a full refund.")
    reason: str = "requested by customer"
    community_id: strawberry.ID | None = None


@strawberry.type
class CommerceQuery:
    @strawberry.field(description="Value-added offers of the caller's community.")
    async def products(self, info: Info, first: int = 20, community_id: strawberry.ID | None = None) -> list[Product]:
        check_first(first)
        cid = await info.context.reader_community(community_id)
        return [Product.from_read(p) for p in await info.context.services.billing.list_products(cid, first)]

    @strawberry.field(description="Operators: ad campaigns (AD_CAMPAIGN) or data contracts (DATA_CONTRACT).")
    async def deals(
        self, info: Info, kind: str = "AD_CAMPAIGN", first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[Deal]:
        check_first(first)
        cid = await info.context.operator_community(community_id)
        return [Deal.from_read(d) for d in await info.context.services.billing.list_deals(cid, kind, first)]


@strawberry.type
class CommerceMutation:
    @strawberry.mutation(description="Operators: a course, consultation or report members can buy.")
    async def create_product(self, info: Info, input: CreateProductInput) -> Product:
        cid = await info.context.operator_community(input.community_id)
        product_in = s.ProductCreate(
            name=input.name, kind=input.kind, price_cents=input.price_cents, currency=input.currency
        )
        return Product.from_read(await info.context.services.billing.create_product(cid, product_in))

    @strawberry.mutation(description="A member buys a value-added product; idempotent by key.")
    async def purchase(self, info: Info, input: PurchaseInput) -> Payment:
        member = await info.context.require_member()
        purchase_in = s.PurchaseCreate(
            member_id=member.id,
            product_id=str(input.product_id),
            idempotency_key=input.idempotency_key,
            payment_method=input.payment_method,
        )
        return Payment.from_read(await info.context.services.billing.purchase(member.community_id, purchase_in))

    @strawberry.mutation(description="Operators: book an ad campaign with revenue shares to creators.")
    async def book_ad_campaign(self, info: Info, input: BookAdCampaignInput) -> Deal:
        cid = await info.context.operator_community(input.community_id)
        campaign_in = s.AdCampaignCreate(
            advertiser=input.advertiser,
            amount_cents=input.amount_cents,
            currency=input.currency,
            idempotency_key=input.idempotency_key,
            creator_shares=[
                s.CreatorShare(creator_id=str(c.creator_id), share_bps=c.share_bps) for c in input.creator_shares or []
            ],
        )
        return Deal.from_read(await info.context.services.billing.book_ad_campaign(cid, campaign_in))

    @strawberry.mutation(description="Operators: a data-service contract, recognised over its term.")
    async def sign_data_contract(self, info: Info, input: SignDataContractInput) -> Deal:
        cid = await info.context.operator_community(input.community_id)
        contract_in = s.DataContractCreate(
            partner=input.partner,
            amount_cents=input.amount_cents,
            currency=input.currency,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            idempotency_key=input.idempotency_key,
        )
        return Deal.from_read(await info.context.services.billing.sign_data_contract(cid, contract_in))

    @strawberry.mutation(description="Operators: money received from an advertiser or data partner.")
    async def record_receipt(self, info: Info, input: RecordReceiptInput) -> LedgerRecord:
        cid = await info.context.operator_community(input.community_id)
        receipt_in = s.ReceiptCreate(
            deal_id=str(input.deal_id), amount_cents=input.amount_cents, idempotency_key=input.idempotency_key
        )
        return LedgerRecord.from_read(await info.context.services.billing.record_receipt(cid, receipt_in))

    @strawberry.mutation(description="Operators: a UGC award or profit share owed to a creator.")
    async def award_creator(self, info: Info, input: AwardCreatorInput) -> LedgerRecord:
        cid = await info.context.operator_community(input.community_id)
        award_in = s.CreatorAwardCreate(
            creator_id=str(input.creator_id),
            amount_cents=input.amount_cents,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return LedgerRecord.from_read(await info.context.services.billing.award_creator(cid, award_in))

    @strawberry.mutation(description="Operators: pay a creator what the community owes them.")
    async def pay_creator(self, info: Info, input: PayCreatorInput) -> LedgerRecord:
        cid = await info.context.operator_community(input.community_id)
        payout_in = s.CreatorPayoutCreate(
            creator_id=str(input.creator_id), amount_cents=input.amount_cents, idempotency_key=input.idempotency_key
        )
        return LedgerRecord.from_read(await info.context.services.billing.pay_creator(cid, payout_in))

    @strawberry.mutation(description="Operators: a cost (delivery, creator awards, payment fees) paid in cash.")
    async def record_cost(self, info: Info, input: RecordCostInput) -> LedgerRecord:
        cid = await info.context.operator_community(input.community_id)
        cost_in = s.CostCreate(
            category=input.category,
            amount_cents=input.amount_cents,
            description=input.description,
            idempotency_key=input.idempotency_key,
            incurred_at=input.incurred_at,
        )
        return LedgerRecord.from_read(await info.context.services.billing.record_cost(cid, cost_in))

    @strawberry.mutation(description="Operators: refund a payment in full or in part; returns the credit note.")
    async def refund_payment(self, info: Info, input: RefundPaymentInput) -> Invoice:
        cid = await info.context.operator_community(input.community_id)
        refund_in = s.RefundCreate(
            payment_id=str(input.payment_id),
            amount_cents=input.amount_cents,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return Invoice.from_read(await info.context.services.billing.refund(cid, refund_in))
