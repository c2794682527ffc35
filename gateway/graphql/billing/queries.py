"""Billing root queries: plans, subscriptions, products, deals, the ledger, the report and invoices."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.graphql.billing.enums import SubscriptionStatus
from gateway.graphql.billing.types import (
    BillingNotification,
    Deal,
    Invoice,
    InvoicePdf,
    Plan,
    Product,
    RevenueReport,
    Subscription,
    TrialBalance,
)
from gateway.graphql.models import from_model
from gateway.graphql.pagination import MAX_FIRST, check_first


@strawberry.type
class BillingQuery:
    @strawberry.field(description="Plans of the caller's community (the admin key names one with communityId).")
    async def plans(
        self, info: Info, community_id: strawberry.ID | None = None, first: int = MAX_FIRST
    ) -> list[Plan] | None:
        limit = check_first(first)
        cid = await info.context.reader_community(community_id)
        return [Plan.from_read(p) for p in (await info.context.services.billing.list_plans(cid))[:limit]]

    @strawberry.field(description="Operators: the community's subscriptions, newest first, by status.")
    async def subscriptions(
        self,
        info: Info,
        status: list[SubscriptionStatus] | None = None,
        first: int = 20,
        community_id: strawberry.ID | None = None,
    ) -> list[Subscription]:
        check_first(first)
        cid = (await info.context.require_operator(community_id)).community_id
        statuses = [s.value for s in status or []]
        reads = await info.context.services.billing.list_subscriptions(cid, statuses, first)
        return [Subscription.from_read(r) for r in reads]

    @strawberry.field(description="Operators: dunning notices (failed payment, final notice, blocked, canceled).")
    async def billing_notifications(
        self, info: Info, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[BillingNotification]:
        check_first(first)
        cid = (await info.context.require_operator(community_id)).community_id
        reads = await info.context.services.billing.list_notifications(cid, first)
        return [
            BillingNotification(
                id=strawberry.ID(r.id),
                kind=r.kind,
                subscription_id=strawberry.ID(r.subscription_id),
                member_id=strawberry.ID(r.member_id),
                message=r.message,
                created_at=r.created_at,
            )
            for r in reads
        ]


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
        cid = (await info.context.require_operator(community_id)).community_id
        return [Deal.from_read(d) for d in await info.context.services.billing.list_deals(cid, kind, first)]


@strawberry.type
class LedgerQuery:
    @strawberry.field(description="Operators of the community (or the admin key): every account's totals.")
    async def trial_balance(self, info: Info, community_id: strawberry.ID | None = None) -> TrialBalance:
        cid = (await info.context.require_operator(community_id)).community_id
        return TrialBalance.from_read(await info.context.services.billing.trial_balance(cid))

    @strawberry.field(description="Operators: revenue analytics for a period 'YYYY-MM', 'YYYY-Qn' or 'YYYY'.")
    async def revenue_report(self, info: Info, period: str, community_id: strawberry.ID | None = None) -> RevenueReport:
        cid = (await info.context.require_operator(community_id)).community_id
        return from_model(RevenueReport, await info.context.services.billing.revenue_report(cid, period))

    @strawberry.field(description="Operators see the community's invoices; a member sees their own.")
    async def invoices(self, info: Info, first: int = 20, community_id: strawberry.ID | None = None) -> list[Invoice]:
        check_first(first)
        cid, member_id = await info.context.member_or_operator(community_id)
        reads = await info.context.services.billing.list_invoices(cid, member_id, first)
        return [Invoice.from_read(r) for r in reads]

    @strawberry.field(description="An invoice or credit note as a PDF (a member's own, or any for operators).")
    async def invoice_pdf(
        self, info: Info, invoice_id: strawberry.ID, community_id: strawberry.ID | None = None
    ) -> InvoicePdf:
        cid, member_id = await info.context.member_or_operator(community_id)
        read = await info.context.services.billing.invoice_pdf(cid, str(invoice_id), member_id)
        return InvoicePdf(filename=read.filename, content_base64=read.content_base64)
