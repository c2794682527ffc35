"""`BillingClient`: the only way other services and the gateway reach billing_service."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from billing_service import schemas as s
from infra.http import ServiceClient
from infra.paths import community_path, segment

M = TypeVar("M", bound=BaseModel)


class BillingClient(ServiceClient):
    service_name = "billing"

    async def _post(self, path: str, body: BaseModel | None, model: type[M]) -> M:
        return model.model_validate(
            await self._call("POST", path, json=body.model_dump(mode="json", by_alias=True) if body else {})
        )

    async def _get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> M:
        return model.model_validate(await self._call("GET", path, params=params))

    # Plans and subscriptions

    async def create_plan(self, community_id: str, plan_in: s.PlanCreate) -> s.PlanRead:
        return await self._post(f"{community_path(community_id)}/plans", plan_in, s.PlanRead)

    async def list_plans(self, community_id: str) -> list[s.PlanRead]:
        return (await self._get(f"{community_path(community_id)}/plans", s.PlanList)).items

    async def subscribe(self, community_id: str, subscription_in: s.SubscriptionCreate) -> s.SubscriptionRead:
        return await self._post(f"{community_path(community_id)}/subscriptions", subscription_in, s.SubscriptionRead)

    async def cancel_subscription(self, community_id: str, cancel_in: s.SubscriptionCancel) -> s.SubscriptionRead:
        return await self._post(f"{community_path(community_id)}/subscriptions/cancel", cancel_in, s.SubscriptionRead)

    async def change_plan(self, community_id: str, change_in: s.PlanChange) -> s.SubscriptionRead:
        return await self._post(
            f"{community_path(community_id)}/subscriptions/change-plan", change_in, s.SubscriptionRead
        )

    async def list_subscriptions(
        self, community_id: str, statuses: list[str] | None = None, limit: int = 100
    ) -> list[s.SubscriptionRead]:
        params: dict[str, Any] = {"status": statuses or [], "limit": limit}
        return (await self._get(f"{community_path(community_id)}/subscriptions", s.SubscriptionList, params)).items

    async def create_coupon(self, community_id: str, coupon_in: s.CouponCreate) -> s.CouponRead:
        return await self._post(f"{community_path(community_id)}/coupons", coupon_in, s.CouponRead)

    async def issue_offer(self, community_id: str, offer: s.OfferIssue) -> s.OfferIssued:
        """A batch offer's coupon for each listed member (at most 1,000 a call), once per member per offer key."""
        return await self._post(f"{community_path(community_id)}/offers", offer, s.OfferIssued)

    async def lookup_memberships(self, community_id: str, member_ids: list[str]) -> list[s.SubscriptionRead | None]:
        """Each member's live subscription in the order asked; None where there is none."""
        body = await self._call(
            "POST", f"{community_path(community_id)}/memberships/lookup", json={"memberIds": member_ids}
        )
        return s.MembershipLookupResult.model_validate(body).memberships

    async def list_notifications(self, community_id: str, limit: int = 100) -> list[s.NotificationRead]:
        return (
            await self._get(f"{community_path(community_id)}/notifications", s.NotificationList, {"limit": limit})
        ).items

    # Money in and out

    async def purchase(self, community_id: str, purchase_in: s.PurchaseCreate) -> s.PaymentRead:
        return await self._post(f"{community_path(community_id)}/purchases", purchase_in, s.PaymentRead)

    async def create_product(self, community_id: str, product_in: s.ProductCreate) -> s.ProductRead:
        return await self._post(f"{community_path(community_id)}/products", product_in, s.ProductRead)

    async def list_products(self, community_id: str, limit: int = 100) -> list[s.ProductRead]:
        return (await self._get(f"{community_path(community_id)}/products", s.ProductList, {"limit": limit})).items

    async def book_ad_campaign(self, community_id: str, campaign_in: s.AdCampaignCreate) -> s.DealRead:
        return await self._post(f"{community_path(community_id)}/ad-campaigns", campaign_in, s.DealRead)

    async def sign_data_contract(self, community_id: str, contract_in: s.DataContractCreate) -> s.DealRead:
        return await self._post(f"{community_path(community_id)}/data-contracts", contract_in, s.DealRead)

    async def list_deals(self, community_id: str, kind: str, limit: int = 100) -> list[s.DealRead]:
        return (
            await self._get(f"{community_path(community_id)}/deals", s.DealList, {"kind": kind, "limit": limit})
        ).items

    async def record_receipt(self, community_id: str, receipt_in: s.ReceiptCreate) -> s.LedgerRecordRead:
        return await self._post(f"{community_path(community_id)}/receipts", receipt_in, s.LedgerRecordRead)

    async def award_creator(self, community_id: str, award_in: s.CreatorAwardCreate) -> s.LedgerRecordRead:
        return await self._post(f"{community_path(community_id)}/creator-awards", award_in, s.LedgerRecordRead)

    async def pay_creator(self, community_id: str, payout_in: s.CreatorPayoutCreate) -> s.LedgerRecordRead:
        return await self._post(f"{community_path(community_id)}/creator-payouts", payout_in, s.LedgerRecordRead)

    async def record_cost(self, community_id: str, cost_in: s.CostCreate) -> s.LedgerRecordRead:
        return await self._post(f"{community_path(community_id)}/costs", cost_in, s.LedgerRecordRead)

    # Campaign rewards

    async def grant_reward(self, community_id: str, grant_in: s.RewardGrant) -> s.RewardRead:
        """A held cash reward; the same key grants once whatever the retries (answers the stored reward)."""
        return await self._post(f"{community_path(community_id)}/rewards", grant_in, s.RewardRead)

    async def release_reward(self, community_id: str, move: s.RewardMove) -> s.RewardRead:
        return await self._post(f"{community_path(community_id)}/rewards/release", move, s.RewardRead)

    async def clawback_reward(self, community_id: str, move: s.RewardMove) -> s.RewardRead:
        return await self._post(f"{community_path(community_id)}/rewards/clawback", move, s.RewardRead)

    async def reward_balance(self, community_id: str, member_id: str) -> s.RewardBalance:
        path = f"{community_path(community_id)}/members/{segment(member_id, field='memberId')}/reward-balance"
        return await self._get(path, s.RewardBalance)

    async def refund(self, community_id: str, refund_in: s.RefundCreate) -> s.InvoiceRead:
        return await self._post(f"{community_path(community_id)}/refunds", refund_in, s.InvoiceRead)

    # Invoices

    async def create_invoice_draft(self, community_id: str, draft_in: s.InvoiceDraftCreate) -> s.InvoiceRead:
        return await self._post(f"{community_path(community_id)}/invoices", draft_in, s.InvoiceRead)

    async def finalize_invoice(self, community_id: str, invoice_id: str) -> s.InvoiceRead:
        return await self._post(
            f"{community_path(community_id)}/invoices/{segment(invoice_id, field='invoiceId')}/finalize",
            None,
            s.InvoiceRead,
        )

    async def void_invoice(self, community_id: str, invoice_id: str) -> s.InvoiceRead:
        return await self._post(
            f"{community_path(community_id)}/invoices/{segment(invoice_id, field='invoiceId')}/void",
            None,
            s.InvoiceRead,
        )

    async def list_invoices(
        self, community_id: str, member_id: str | None = None, limit: int = 100
    ) -> list[s.InvoiceRead]:
        params: dict[str, Any] = {"limit": limit, **({"memberId": member_id} if member_id else {})}
        return (await self._get(f"{community_path(community_id)}/invoices", s.InvoiceList, params)).items

    async def lookup_subscriptions(self, community_id: str, ids: list[str]) -> list[s.SubscriptionRead | None]:
        """Each subscription in the order asked; None where the community has none with that id."""
        body = await self._call("POST", f"{community_path(community_id)}/subscriptions/lookup", json={"ids": ids})
        return s.SubscriptionLookupResult.model_validate(body).subscriptions

    async def lookup_invoices(self, community_id: str, invoice_ids: list[str]) -> list[s.InvoiceRead | None]:
        """Each invoice in the order asked; None where the community has none with that id."""
        body = await self._call("POST", f"{community_path(community_id)}/invoices/lookup", json={"ids": invoice_ids})
        return s.InvoiceLookupResult.model_validate(body).invoices

    async def lookup_payments(self, community_id: str, payment_ids: list[str]) -> list[s.PaymentRead | None]:
        """Each payment in the order asked; None where the community has none with that id."""
        body = await self._call("POST", f"{community_path(community_id)}/payments/lookup", json={"ids": payment_ids})
        return s.PaymentLookupResult.model_validate(body).payments

    async def invoice_pdf(self, community_id: str, invoice_id: str, member_id: str | None = None) -> s.InvoicePdf:
        params = {"memberId": member_id} if member_id else None
        path = f"{community_path(community_id)}/invoices/{segment(invoice_id, field='invoiceId')}/pdf"
        return await self._get(path, s.InvoicePdf, params)

    # Ledger and analytics

    async def trial_balance(self, community_id: str) -> s.TrialBalance:
        return await self._get(f"{community_path(community_id)}/ledger/trial-balance", s.TrialBalance)

    async def revenue_report(self, community_id: str, period: str) -> s.RevenueReport:
        return await self._get(f"{community_path(community_id)}/revenue/report", s.RevenueReport, {"period": period})

    async def revenue_by_member(self, community_id: str, since: datetime | None = None) -> dict[str, int]:
        """Member id → money paid net of refunds (integer minor units) since `since`, from the ledger."""
        params = {"since": since.isoformat()} if since else None
        return (await self._get(f"{community_path(community_id)}/revenue/by-member", s.RevenueByMember, params)).members

    async def commerce_figures(self, community_id: str, as_of: datetime) -> s.CommerceFigures:
        """Revenue, payers, churn, trials and LTV over the 30 days before `as_of`, for the health indicators."""
        params = {"asOf": as_of.isoformat()}
        return await self._get(f"{community_path(community_id)}/health/figures", s.CommerceFigures, params)

    async def payments_by_member(self, community_id: str, as_of: datetime) -> s.MemberPaymentsList:
        """Each member who paid in the 60 days before `as_of`: sales in the last 30, and paid in the 30 before."""
        params = {"asOf": as_of.isoformat()}
        return await self._get(f"{community_path(community_id)}/health/payers", s.MemberPaymentsList, params)

    # Scheduler

    async def run_billing_cycle(self, now: datetime | None = None) -> s.CycleResult:
        return await self._post("/billing/cycle", s.CycleRun(now=now), s.CycleResult)
