"""The trial balance, the revenue report and revenue by member: all read from the ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from billing_service.domain import analytics as calc
from billing_service.domain.ledger import Stream, normal_balance
from billing_service.schemas import (
    AccountBalance,
    Funnel,
    LayerBreakdown,
    PlanBreakdown,
    RevenueByMember,
    RevenueReport,
    StreamShare,
    TierBreakdown,
    TrialBalance,
)
from billing_service.store import BillingStore
from distribution_service.client import DistributionClient
from infra.errors import ServiceError
from infra.settings import Settings
from users_service.client import UsersClient

PAYMENT_KINDS = ["membership_charge", "value_added_sale"]


class AnalyticsService:
    def __init__(
        self,
        store: BillingStore,
        settings: Settings,
        users: UsersClient | None,
        distribution: DistributionClient | None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.users = users
        self.distribution = distribution

    async def trial_balance(self, cid: ObjectId) -> TrialBalance:
        sums = await self.store.ledger.sums_by_account(cid)
        accounts = [
            AccountBalance(account=name, debits=d, credits=c, balance=normal_balance(name, d, c))
            for name, (d, c) in sorted(sums.items())
        ]
        return TrialBalance(
            accounts=accounts,
            total_debits=sum(a.debits for a in accounts),
            total_credits=sum(a.credits for a in accounts),
        )

    async def revenue_by_member(self, cid: ObjectId, since: datetime | None) -> RevenueByMember:
        return RevenueByMember(members=await self.store.ledger.member_payments(cid, since))

    async def revenue_report(self, cid: ObjectId, period_label: str) -> RevenueReport:
        timezone = (await self.users.get_community(str(cid))).timezone if self.users else "UTC"
        period = calc.parse_period(period_label, timezone)
        start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
        s = self.settings
        ledger = self.store.ledger
        sums = await ledger.sums_by_account(cid, start, end)
        streams = calc.revenue_by_stream(sums)
        revenue = sum(streams.values())
        costs = calc.costs_total(sums)
        margin = calc.ratio(revenue - costs, revenue)
        targets = {
            Stream.MEMBERSHIP: s.billing_mix_target_membership_pct,
            Stream.VALUE_ADDED: s.billing_mix_target_value_added_pct,
            Stream.ADS: s.billing_mix_target_ads_pct,
            Stream.DATA: s.billing_mix_target_data_pct,
        }
        mix = [
            StreamShare(
                stream=stream.value,
                amount_cents=amount,
                share=calc.ratio(amount, revenue) or 0.0,
                target_share=targets[stream] / 100,
            )
            for stream, amount in streams.items()
        ]
        mrr_postings = await ledger.mrr_postings_before(cid, end)
        mrr_end = calc.mrr_at(mrr_postings, calc.one_second_before(end))
        mrr_start = calc.mrr_at(mrr_postings, calc.one_second_before(start))
        mrr = sum(mrr_end.values())

        sales = await ledger.list_between(cid, start, end, PAYMENT_KINDS)
        payers = {str(t["member_id"]) for t in sales if t.get("member_id")}
        members_revenue = streams[Stream.MEMBERSHIP] + streams[Stream.VALUE_ADDED]
        arpu = members_revenue // len(payers) // period.months if payers else 0

        subs = await self.store.subscriptions.list_all(cid)
        live_start = calc.live_at(subs, start)
        churned = [
            sub
            for sub in live_start
            if sub.get("ended_at") and start <= sub["ended_at"] < end  # type: ignore[operator]
        ]
        logo_churn = calc.ratio(len(churned), len(live_start))
        lost = sum(mrr_start.get(str(sub["_id"]), 0) for sub in churned)
        revenue_churn = calc.ratio(lost, sum(mrr_start.values()))
        monthly_churn = logo_churn / period.months if logo_churn is not None else None
        ltv = calc.ltv(arpu, margin, monthly_churn)
        cac = await self._cac(str(cid), start, end)
        trials_ending = [
            sub for sub in subs if isinstance(sub.get("trial_end"), datetime) and start <= sub["trial_end"] < end
        ]
        trial_conversion = calc.ratio(sum(1 for sub in trials_ending if sub.get("converted_at")), len(trials_ending))
        members = {str(t["member_id"]) for t in sales if t["kind"] == "membership_charge"}
        buyers = {str(t["member_id"]) for t in sales if t["kind"] == "value_added_sale"}
        engaged = await self._engaged(str(cid), start)
        return RevenueReport(
            period=period.label,
            start=start,
            end=end,
            currency=await self._currency(cid),
            revenue_cents=revenue,
            costs_cents=costs,
            gross_margin=margin,
            gross_margin_target_low=s.billing_gross_margin_target_low_pct / 100,
            gross_margin_target_high=s.billing_gross_margin_target_high_pct / 100,
            mrr_cents=mrr,
            arr_cents=12 * mrr,
            arpu_cents=arpu,
            arpu_target_cents=s.billing_arpu_target_cents,
            paying_members=len(payers),
            logo_churn=logo_churn,
            revenue_churn=revenue_churn,
            mix=mix,
            ltv_cents=ltv,
            cac_cents=cac,
            ltv_to_cac=calc.ratio(ltv, cac) if ltv is not None and cac else None,
            ltv_to_cac_target=s.billing_ltv_cac_target,
            cvr=calc.ratio(len(payers), len(engaged | payers)) if engaged else None,
            cvr_target=s.billing_cvr_target,
            trial_conversion=trial_conversion,
            funnel=Funnel(
                engaged_members=len(engaged | payers),
                paying_members=len(members),
                value_added_buyers=len(buyers),
                conversion=calc.ratio(len(buyers), len(engaged | payers)) or 0.0,
                target=s.billing_funnel_target,
            ),
            by_plan=await self._by_plan(cid, mrr_postings, mrr_end),
            cash_collected_cents=sums.get("assets:cash", (0, 0))[0],
            **await self._by_member_group(str(cid), sales),
            refunds_cents=-sum(
                t["meta"]["member_amount"] for t in await ledger.list_between(cid, start, end, ["refund"])
            ),
        )

    async def _by_member_group(self, community_id: str, sales: list[dict[str, Any]]) -> dict[str, Any]:
        """Money paid by value tier and by RFM layer, from one batched read of the payers in users_service."""
        paid: dict[str, int] = defaultdict(int)
        for sale in sales:
            if sale.get("member_id"):
                paid[str(sale["member_id"])] += int(sale["meta"].get("member_amount", 0))
        if self.users is None or not paid:
            return {"by_tier": [], "by_rfm_layer": []}
        ids = sorted(paid)
        tiers: dict[str, str] = {}
        layers: dict[str, str] = {}
        try:
            for chunk in range(0, len(ids), 100):
                members = await self.users.lookup_members(community_id, ids[chunk : chunk + 100])
                for m in members:
                    if m is not None:
                        tiers[m.id], layers[m.id] = m.tier.value, m.rfm_layer.value
        except ServiceError:
            return {"by_tier": [], "by_rfm_layer": []}
        by_tier: dict[str, list[int]] = defaultdict(list)
        by_layer: dict[str, list[int]] = defaultdict(list)
        for member_id, cents in paid.items():
            by_tier[tiers.get(member_id, "UNKNOWN")].append(cents)
            by_layer[layers.get(member_id, "UNKNOWN")].append(cents)
        return {
            "by_tier": [
                TierBreakdown(tier=tier, paying_members=len(amounts), paid_cents=sum(amounts))
                for tier, amounts in sorted(by_tier.items())
            ],
            "by_rfm_layer": [
                LayerBreakdown(layer=layer, paying_members=len(amounts), paid_cents=sum(amounts))
                for layer, amounts in sorted(by_layer.items())
            ],
        }

    async def _cac(self, community_id: str, start: datetime, end: datetime) -> int | None:
        """CAC has one definition, users_service's acquisition report (spend ÷ members acquired in the period)."""
        if self.users is None:
            return None
        try:
            report = await self.users.acquisition_report(community_id, start, end)
        except ServiceError:
            return None
        return report.cac_cents

    async def _engaged(self, community_id: str, start: datetime) -> set[str]:
        if self.distribution is None:
            return set()
        try:
            return set(await self.distribution.activity_by_member(community_id, since=start))
        except ServiceError:
            return set()

    async def _currency(self, cid: ObjectId) -> str:
        plans = await self.store.subscriptions.list_plans(cid, limit=1)
        return str(plans[0]["currency"]) if plans else self.settings.billing_currency

    async def _by_plan(
        self, cid: ObjectId, postings: list[dict[str, object]], mrr_end: dict[str, int]
    ) -> list[PlanBreakdown]:
        plan_of: dict[str, ObjectId] = {}
        for posting in postings:
            meta = posting["meta"]
            assert isinstance(meta, dict)
            if meta.get("plan_id") is not None:
                plan_of[str(meta.get("subscription_id"))] = meta["plan_id"]
        mrr: dict[ObjectId, int] = defaultdict(int)
        count: dict[ObjectId, int] = defaultdict(int)
        for sub_id, cents in mrr_end.items():
            if cents > 0 and sub_id in plan_of:
                mrr[plan_of[sub_id]] += cents
                count[plan_of[sub_id]] += 1
        plans = await self.store.subscriptions.plans_by_id(cid, list(mrr))
        return [
            PlanBreakdown(
                plan_id=str(pid),
                plan_name=plans[pid]["name"] if pid in plans else "?",
                mrr_cents=c,
                subscribers=count[pid],
            )
            for pid, c in sorted(mrr.items(), key=lambda kv: -kv[1])
        ]
