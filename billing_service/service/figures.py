"""The commerce figures users_service's health indicators read, from the ledger and subscriptions."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from bson import ObjectId

from billing_service.domain import analytics as calc
from billing_service.domain.ledger import Stream
from billing_service.schemas.figures import CommerceFigures, MemberPayments, MemberPaymentsList
from billing_service.service.analytics import PAYMENT_KINDS
from billing_service.store import BillingStore

WINDOW = timedelta(days=30)


def _payers(sales: list[dict[str, object]]) -> set[str]:
    return {str(t["member_id"]) for t in sales if t.get("member_id")}


def _within(moment: object, start: datetime, end: datetime) -> bool:
    return isinstance(moment, datetime) and start <= moment < end


class FiguresService:
    def __init__(self, store: BillingStore) -> None:
        self.store = store

    async def commerce(self, cid: ObjectId, as_of: datetime) -> CommerceFigures:
        ledger = self.store.ledger
        start, previous = as_of - WINDOW, as_of - 2 * WINDOW
        sums = await ledger.sums_by_account(cid, start, as_of)
        streams = calc.revenue_by_stream(sums)
        revenue = sum(streams.values())
        costs = calc.costs_total(sums)
        before = calc.revenue_by_stream(await ledger.sums_by_account(cid, previous, start))
        sales = await ledger.list_between(cid, start, as_of, PAYMENT_KINDS)
        payers = _payers(sales)
        payers_previous = _payers(await ledger.list_between(cid, previous, start, PAYMENT_KINDS))
        paid_before = await ledger.members_paid_before(cid, [ObjectId(m) for m in payers], start, PAYMENT_KINDS)
        refunds = await ledger.list_between(cid, start, as_of, ["refund"])
        subs = await self.store.subscriptions.list_all(cid)
        live = calc.live_at(subs, start)
        churned = [s for s in live if _within(s.get("ended_at"), start, as_of)]
        trials = [s for s in subs if _within(s.get("trial_end"), start, as_of)]
        member_revenue = streams[Stream.MEMBERSHIP] + streams[Stream.VALUE_ADDED]
        arpu = member_revenue / len(payers) if payers else 0
        return CommerceFigures(
            as_of=as_of,
            revenue_cents=revenue,
            revenue_previous_cents=sum(before.values()),
            membership_cents=streams[Stream.MEMBERSHIP],
            value_added_cents=streams[Stream.VALUE_ADDED],
            costs_cents=costs,
            refunds_cents=-sum(int(t["meta"]["member_amount"]) for t in refunds),
            sales=len(sales),
            sales_cents=sum(int(t["meta"].get("member_amount", 0)) for t in sales),
            payers=len(payers),
            payers_previous=len(payers_previous),
            repeat_payers=len(payers & payers_previous),
            new_payers=len(payers - paid_before),
            live_at_start=len(live),
            churned=len(churned),
            trials_ended=len(trials),
            trials_converted=sum(1 for s in trials if s.get("converted_at")),
            ltv_cents=calc.ltv(arpu, calc.ratio(revenue - costs, revenue), calc.ratio(len(churned), len(live))),
        )

    async def payments_by_member(self, cid: ObjectId, as_of: datetime) -> MemberPaymentsList:
        """Each member who paid in W or the previous window, with W's sales, so users_service can group payers by
        tier, layer and channel (the breakdowns); the same sales as `commerce`."""
        ledger = self.store.ledger
        start, previous = as_of - WINDOW, as_of - 2 * WINDOW
        sales = await ledger.list_between(cid, start, as_of, PAYMENT_KINDS)
        paid_previous = _payers(await ledger.list_between(cid, previous, start, PAYMENT_KINDS))
        counts: dict[str, int] = defaultdict(int)
        cents: dict[str, int] = defaultdict(int)
        for sale in sales:
            if sale.get("member_id"):
                member = str(sale["member_id"])
                counts[member] += 1
                cents[member] += int(sale["meta"].get("member_amount", 0))
        return MemberPaymentsList(
            as_of=as_of,
            items=[
                MemberPayments(
                    member_id=m, sales=counts.get(m, 0), sales_cents=cents.get(m, 0), previous=m in paid_previous
                )
                for m in sorted(set(counts) | paid_previous)
            ],
        )
