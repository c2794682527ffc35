"""What a membership payment does when it settles: book the period, open its recognition, move the status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from billing_service.domain.dunning import DunningPolicy
from billing_service.domain.ledger import Account, split_tax
from billing_service.domain.periods import local_period_label, period_bounds
from billing_service.domain.plans import MONTHS_PER_INTERVAL, Interval, SubscriptionStatus
from billing_service.service.charging import Fulfilment, PaymentFlow
from billing_service.service.recognition import Recognition
from billing_service.store import BillingStore, Doc, Session
from infra.errors import NotFoundError

S = SubscriptionStatus


def anchor_of(sub: Doc) -> datetime:
    return datetime.fromisoformat(sub["anchor_local"])


def mrr_segment(cents: int, start: datetime, end: datetime) -> Doc:
    return {"cents": cents, "from": start, "to": end}


class MembershipBook:
    def __init__(self, store: BillingStore, flow: PaymentFlow, recognition: Recognition, policy: DunningPolicy) -> None:
        self.store = store
        self.flow = flow
        self.recognition = recognition
        self.policy = policy
        flow.register("subscription_start", Fulfilment(self._period_paid, self._first_payment_failed))
        flow.register("renewal", Fulfilment(self._period_paid, self._renewal_failed))
        flow.register("upgrade", Fulfilment(self._upgrade_paid, self._nothing))

    async def _load(self, session: Session, payment: Doc) -> tuple[Doc, Doc]:
        subs = self.store.subscriptions
        sub = await subs.get(payment["community_id"], payment["purpose"]["subscription_id"], session=session)
        plan_id = payment["purpose"].get("plan_id") or (sub or {}).get("plan_id")
        plan = await subs.get_plan(payment["community_id"], plan_id, session=session) if plan_id else None
        if sub is None or plan is None:
            raise NotFoundError("the subscription of this payment no longer exists")
        return sub, plan

    async def _period_paid(self, session: Session, payment: Doc) -> None:
        sub, plan = await self._load(session, payment)
        seq = payment["purpose"]["seq"]
        start, end = period_bounds(anchor_of(sub), sub["timezone"], Interval(plan["interval"]), seq)
        await self._book(session, payment, sub, plan, start, end, None)
        changes: Doc = {
            "status": S.ACTIVE.value,
            "plan_id": plan["_id"],
            "period_seq": seq,
            "current_period_start": start,
            "current_period_end": end,
            "due_at": end,
            "latest_payment_id": payment["_id"],
            "access_blocked": False,
        }
        if sub.get("trial_end") and not sub.get("converted_at"):
            changes["converted_at"] = payment.get("occurred_at") or datetime.now(UTC)
        await self.store.subscriptions.update(session, sub, {}, changes, unset=["dunning"])
        await self._receipt(session, payment, sub, plan, start)

    async def _receipt(self, session: Session, payment: Doc, sub: Doc, plan: Doc, start: datetime) -> None:
        """A receipt notice (mailed to the member), in the settlement's transaction, once per payment."""
        amount = f"{payment['amount_cents'] / 100:.2f} {payment['currency']}"
        label = local_period_label(start, sub["timezone"])
        await self.store.subscriptions.notify(
            session,
            sub["community_id"],
            {
                "dedupe": f"{sub['_id']}:paid:{payment['_id']}",
                "kind": "PAYMENT_RECEIVED",
                "subscription_id": sub["_id"],
                "member_id": sub["member_id"],
                "message": f"Received {amount} for {plan['name']} membership from {label}. Thank you.",
            },
        )

    async def _book(
        self,
        session: Session,
        payment: Doc,
        sub: Doc,
        plan: Doc,
        start: datetime,
        end: datetime,
        mrr: list[Doc] | None,
        carried: int = 0,
    ) -> None:
        """Post the charge to deferred revenue and open its recognition over [start, end).

        `mrr` is how the charge moves MRR (segments of monthly cents over time); None for a whole period.
        """
        months = MONTHS_PER_INTERVAL[Interval(plan["interval"])]
        net = split_tax(payment["amount_cents"], self.flow.tax_rate_bps)[0]
        label = local_period_label(start, sub["timezone"])
        await self.flow.book_sale(
            session,
            payment,
            income=Account.DEFERRED_REVENUE,
            kind="membership_charge",
            description=f"{plan['name']} membership from {label}",
            customer=str(payment.get("member_id")),
            meta={
                "stream": "MEMBERSHIP",
                "plan_id": plan["_id"],
                "subscription_id": sub["_id"],
                "period_start": start,
                "period_end": end,
                "mrr": mrr if mrr is not None else [mrr_segment(net // months, start, end)],
            },
        )
        await self.recognition.open_schedule(
            session,
            community_id=payment["community_id"],
            source=f"payment:{payment['_id']}",
            amount=net + carried,
            start=start,
            end=end,
            revenue_account=Account.REVENUE_MEMBERSHIP,
            member_id=payment.get("member_id"),
            subscription_id=sub["_id"],
        )

    async def _first_payment_failed(self, session: Session, payment: Doc) -> None:
        sub, _ = await self._load(session, payment)
        if sub["status"] == S.TRIALING.value:
            await self._renewal_failed(session, payment)
            return
        await self.store.subscriptions.update(
            session,
            sub,
            {"live": True},
            {"status": S.EXPIRED.value, "live": False, "ended_at": datetime.now(UTC)},
            unset=["due_at"],
        )

    async def _renewal_failed(self, session: Session, payment: Doc) -> None:
        sub, _ = await self._load(session, payment)
        now = payment.get("occurred_at") or datetime.now(UTC)
        dunning = sub.get("dunning") or {"failed_at": now, "attempts": 0, "noticed": False}
        if sub.get("dunning"):
            dunning = {**dunning, "attempts": dunning["attempts"] + 1}
        next_retry = self.policy.next_retry(dunning["failed_at"], dunning["attempts"])
        dunning["next_retry_at"] = next_retry
        dunning["seq"] = payment["purpose"]["seq"]
        await self.store.subscriptions.update(
            session,
            sub,
            {"live": True},
            {"status": S.PAST_DUE.value, "dunning": dunning, "due_at": self.next_dunning_due(dunning, sub)},
        )
        await self.store.subscriptions.notify(
            session,
            sub["community_id"],
            {
                "dedupe": f"{sub['_id']}:payment_failed:{payment['_id']}",
                "kind": "PAYMENT_FAILED",
                "subscription_id": sub["_id"],
                "member_id": sub["member_id"],
                "message": f"Renewal payment failed (attempt {dunning['attempts'] + 1}); we will retry.",
            },
        )

    def next_dunning_due(self, dunning: Doc, sub: Doc) -> datetime:
        """The next moment the scheduler must look at a past-due subscription: a retry or a milestone."""
        failed_at: datetime = dunning["failed_at"]
        milestones = [failed_at + timedelta(days=d) for d in (self.policy.notice_day, self.policy.block_day)]
        milestones.append(failed_at + timedelta(days=self.policy.cancel_day))
        candidates = [m for m in milestones if not _passed(m, dunning, sub, self.policy, failed_at)]
        if dunning.get("next_retry_at"):
            candidates.append(dunning["next_retry_at"])
        return min(candidates)

    async def _upgrade_paid(self, session: Session, payment: Doc) -> None:
        sub, plan = await self._load(session, payment)
        purpose = payment["purpose"]
        start, end = purpose["period_start"], purpose["period_end"]
        mrr = [mrr_segment(s["cents"], s["from"], s["to"]) for s in purpose["mrr"]]
        carried = 0
        if purpose["restart"]:
            # The unused old period was credited against this charge: its deferred rest joins the new period.
            old_source = f"payment:{sub.get('latest_payment_id')}"
            carried = await self.recognition.take_rest(session, sub["community_id"], old_source)
        await self._book(session, payment, sub, plan, start, end, mrr, carried)
        changes: Doc = {"plan_id": plan["_id"], "latest_payment_id": payment["_id"]}
        if purpose["restart"]:
            changes.update(
                anchor_local=purpose["anchor_local"],
                period_seq=0,
                current_period_start=start,
                current_period_end=end,
                due_at=end,
            )
        await self.store.subscriptions.update(session, sub, {}, changes, unset=["pending_plan_id"])

    async def _nothing(self, session: Session, payment: Doc) -> None:
        return None


def _passed(moment: datetime, dunning: Doc, sub: Doc, policy: DunningPolicy, failed_at: datetime) -> bool:
    if moment == failed_at + timedelta(days=policy.notice_day):
        return bool(dunning.get("noticed"))
    if moment == failed_at + timedelta(days=policy.block_day):
        return bool(sub.get("access_blocked"))
    return False
