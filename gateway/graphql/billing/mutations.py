"""Billing mutations: plans, subscriptions, coupons, commerce, the ledger's postings and invoices."""

from __future__ import annotations

import strawberry

from billing_service import schemas as s
from billing_service.schemas import (
    CouponCreate,
    PlanChange,
    PlanCreate,
    SubscriptionCancel,
    SubscriptionCreate,
)
from gateway.context import Info
from gateway.graphql.billing.inputs import (
    AwardCreatorInput,
    BookAdCampaignInput,
    CancelSubscriptionInput,
    ChangePlanInput,
    CreateCouponInput,
    CreateInvoiceDraftInput,
    CreatePlanInput,
    CreateProductInput,
    FinalizeInvoiceInput,
    PayCreatorInput,
    PurchaseInput,
    RecordCostInput,
    RecordReceiptInput,
    RefundPaymentInput,
    RunBillingCycleInput,
    SignDataContractInput,
    SubscribeInput,
    VoidInvoiceInput,
)
from gateway.graphql.billing.types import (
    BillingCycleResult,
    Coupon,
    Deal,
    Invoice,
    LedgerRecord,
    Payment,
    Plan,
    Product,
    SubscribePayload,
    Subscription,
)
from gateway.graphql.models import from_model


@strawberry.type
class BillingMutation:
    @strawberry.mutation(description="Admin, or an operator of the community.")
    async def create_plan(self, info: Info, input: CreatePlanInput) -> Plan:
        ctx = info.context
        community_id = (await ctx.require_operator(input.community_id)).community_id
        plan_in = PlanCreate(
            name=input.name,
            price_cents=input.price_cents,
            currency=input.currency,
            interval=input.interval.value,
            trial_days=input.trial_days,
            benefits=input.benefits or [],
        )
        community = await ctx.services.users.get_community(community_id)
        return Plan.from_read(await ctx.services.billing.create_plan(community.id, plan_in))

    @strawberry.mutation(description="Subscribe the caller to a plan; the same idempotency key twice creates one.")
    async def subscribe(self, info: Info, input: SubscribeInput) -> SubscribePayload:
        member = await info.context.require_member()
        subscription_in = SubscriptionCreate(
            member_id=member.id,
            plan_id=str(input.plan_id),
            idempotency_key=input.idempotency_key,
            payment_method=input.payment_method,
            coupon_code=input.coupon_code,
        )
        read = await info.context.services.billing.subscribe(member.community_id, subscription_in)
        return SubscribePayload(subscription=Subscription.from_read(read))

    @strawberry.mutation(description="A member cancels their own; operators any in their community.")
    async def cancel_subscription(self, info: Info, input: CancelSubscriptionInput) -> Subscription:
        cid, member_id = await info.context.member_or_operator(input.community_id)
        cancel_in = SubscriptionCancel(
            subscription_id=str(input.subscription_id), at_period_end=input.at_period_end, member_id=member_id
        )
        return Subscription.from_read(await info.context.services.billing.cancel_subscription(cid, cancel_in))

    @strawberry.mutation(description="Upgrades apply at once with a prorated charge; downgrades at period end.")
    async def change_plan(self, info: Info, input: ChangePlanInput) -> Subscription:
        cid, member_id = await info.context.member_or_operator(input.community_id)
        change_in = PlanChange(
            subscription_id=str(input.subscription_id),
            plan_id=str(input.plan_id),
            idempotency_key=input.idempotency_key,
            payment_method=input.payment_method,
            member_id=member_id,
        )
        return Subscription.from_read(await info.context.services.billing.change_plan(cid, change_in))

    @strawberry.mutation(description="Operators: a coupon or batch offer for subscriptions.")
    async def create_coupon(self, info: Info, input: CreateCouponInput) -> Coupon:
        cid = (await info.context.require_operator(input.community_id)).community_id
        coupon_in = CouponCreate(
            code=input.code,
            percent_off=input.percent_off,
            amount_off_cents=input.amount_off_cents,
            duration=input.duration,
            max_redemptions=input.max_redemptions,
            audience=input.audience,
            plan_ids=[str(p) for p in input.plan_ids or []],
            expires_at=input.expires_at,
        )
        read = await info.context.services.billing.create_coupon(cid, coupon_in)
        return from_model(Coupon, read)

    @strawberry.mutation(description="Admin key: run the billing cycle now (renewals, dunning, recognition).")
    async def run_billing_cycle(self, info: Info, input: RunBillingCycleInput) -> BillingCycleResult:
        info.context.require_admin()
        result = await info.context.services.billing.run_billing_cycle(input.now)
        return from_model(BillingCycleResult, result)


@strawberry.type
class CommerceMutation:
    @strawberry.mutation(description="Operators: a course, consultation or report members can buy.")
    async def create_product(self, info: Info, input: CreateProductInput) -> Product:
        cid = (await info.context.require_operator(input.community_id)).community_id
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
        cid = (await info.context.require_operator(input.community_id)).community_id
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
        cid = (await info.context.require_operator(input.community_id)).community_id
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
        cid = (await info.context.require_operator(input.community_id)).community_id
        receipt_in = s.ReceiptCreate(
            deal_id=str(input.deal_id), amount_cents=input.amount_cents, idempotency_key=input.idempotency_key
        )
        return from_model(LedgerRecord, await info.context.services.billing.record_receipt(cid, receipt_in))

    @strawberry.mutation(description="Operators: a UGC award or profit share owed to a creator.")
    async def award_creator(self, info: Info, input: AwardCreatorInput) -> LedgerRecord:
        cid = (await info.context.require_operator(input.community_id)).community_id
        award_in = s.CreatorAwardCreate(
            creator_id=str(input.creator_id),
            amount_cents=input.amount_cents,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return from_model(LedgerRecord, await info.context.services.billing.award_creator(cid, award_in))

    @strawberry.mutation(description="Operators: pay a creator what the community owes them.")
    async def pay_creator(self, info: Info, input: PayCreatorInput) -> LedgerRecord:
        cid = (await info.context.require_operator(input.community_id)).community_id
        payout_in = s.CreatorPayoutCreate(
            creator_id=str(input.creator_id), amount_cents=input.amount_cents, idempotency_key=input.idempotency_key
        )
        return from_model(LedgerRecord, await info.context.services.billing.pay_creator(cid, payout_in))

    @strawberry.mutation(description="Operators: a cost (delivery, creator awards, payment fees) paid in cash.")
    async def record_cost(self, info: Info, input: RecordCostInput) -> LedgerRecord:
        cid = (await info.context.require_operator(input.community_id)).community_id
        cost_in = s.CostCreate(
            category=input.category,
            amount_cents=input.amount_cents,
            description=input.description,
            idempotency_key=input.idempotency_key,
            incurred_at=input.incurred_at,
        )
        return from_model(LedgerRecord, await info.context.services.billing.record_cost(cid, cost_in))

    @strawberry.mutation(description="Operators: refund a payment in full or in part; returns the credit note.")
    async def refund_payment(self, info: Info, input: RefundPaymentInput) -> Invoice:
        cid = (await info.context.require_operator(input.community_id)).community_id
        refund_in = s.RefundCreate(
            payment_id=str(input.payment_id),
            amount_cents=input.amount_cents,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return Invoice.from_read(await info.context.services.billing.refund(cid, refund_in))


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(description="Operators: an unnumbered draft invoice (e.g. a data partner's period bill).")
    async def create_invoice_draft(self, info: Info, input: CreateInvoiceDraftInput) -> Invoice:
        cid = (await info.context.require_operator(input.community_id)).community_id
        draft_in = s.InvoiceDraftCreate(
            customer=input.customer,
            currency=input.currency,
            member_id=str(input.member_id) if input.member_id else None,
            lines=[
                s.InvoiceLineIn(description=line.description, quantity=line.quantity, unit_cents=line.unit_cents)
                for line in input.lines
            ],
        )
        return Invoice.from_read(await info.context.services.billing.create_invoice_draft(cid, draft_in))

    @strawberry.mutation(description="Operators: number a draft (per community, without gaps).")
    async def finalize_invoice(self, info: Info, input: FinalizeInvoiceInput) -> Invoice:
        cid = (await info.context.require_operator(input.community_id)).community_id
        return Invoice.from_read(await info.context.services.billing.finalize_invoice(cid, str(input.invoice_id)))

    @strawberry.mutation(description="Operators: void a draft or open invoice; its number stays used.")
    async def void_invoice(self, info: Info, input: VoidInvoiceInput) -> Invoice:
        cid = (await info.context.require_operator(input.community_id)).community_id
        return Invoice.from_read(await info.context.services.billing.void_invoice(cid, str(input.invoice_id)))
