"""Plans, subscribing (trial or paid, with a coupon), canceling, changing plan and memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

import billing_service.service.render as render
from billing_service.domain.analytics import mrr_at
from billing_service.domain.periods import local_anchor, period_bounds
from billing_service.domain.plans import Interval, SubscriptionStatus
from billing_service.domain.proration import PlanPrice, decide_change, discounted
from billing_service.schemas import (
    NotificationList,
    NotificationRead,
    PlanChange,
    PlanCreate,
    PlanRead,
    SubscriptionCancel,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionRead,
)
from billing_service.service.charging import PaymentFlow, payment_key
from billing_service.service.coupons import CouponsService
from billing_service.service.idempotency import IdempotentRunner
from billing_service.service.membership import mrr_segment
from billing_service.service.recognition import Recognition
from billing_service.service.webhook_events import subscription_canceled
from billing_service.store import BillingStore, Doc, Session
from infra.errors import BadInputError, ConflictError, NotFoundError
from infra.schemas import object_id
from users_service.client import UsersClient

S = SubscriptionStatus
MAX_PLANS = 100


@dataclass(frozen=True)
class NewSubscription:
    plan: Doc
    timezone: str
    method: str | None
    trial: bool
    coupon: Doc | None
    amount: int


class SubscriptionService:
    def __init__(
        self,
        store: BillingStore,
        flow: PaymentFlow,
        runner: IdempotentRunner,
        recognition: Recognition,
        users: UsersClient | None,
        coupons: CouponsService,
        *,
        default_method: str | None,
    ) -> None:
        self.coupons = coupons
        self.store = store
        self.flow = flow
        self.runner = runner
        self.recognition = recognition
        self.users = users
        self.default_method = default_method

    # Plans

    async def create_plan(self, cid: ObjectId, plan_in: PlanCreate) -> PlanRead:
        return render.plan(await self.store.subscriptions.create_plan(cid, plan_in.model_dump(mode="json")))

    async def list_plans(self, cid: ObjectId) -> list[PlanRead]:
        return [render.plan(p) for p in await self.store.subscriptions.list_plans(cid, limit=MAX_PLANS)]

    async def _plan_or_raise(self, cid: ObjectId, plan_id: str, session: Session | None = None) -> Doc:
        plan = await self.store.subscriptions.get_plan(cid, ObjectId(plan_id), session=session)
        if plan is None:
            raise NotFoundError(f"no plan with id {plan_id} in this community", field="planId")
        return plan

    async def timezone(self, cid: ObjectId) -> str:
        if self.users is None:
            return "UTC"
        return (await self.users.get_community(str(cid))).timezone

    # Subscribe

    async def subscribe(self, cid: ObjectId, sub_in: SubscriptionCreate) -> SubscriptionRead:
        """Start a subscription: a plan with a trial starts it (any method is charged at its end), else charge."""
        member = ObjectId(sub_in.member_id)

        async def prepare() -> NewSubscription:
            plan = await self._plan_or_raise(cid, sub_in.plan_id)
            if await self.store.subscriptions.get_live(cid, member):
                raise ConflictError("this member already has a live subscription", field="planId")
            coupon = None
            if sub_in.coupon_code:
                coupon = await self.coupons.redeemable(cid, sub_in.coupon_code, member_id=member, plan_id=plan["_id"])
            trial = bool(plan.get("trial_days"))  # a given method is kept and charged when the trial ends
            method = sub_in.payment_method or self.default_method
            if not trial and not method and plan["price_cents"] > 0:
                raise BadInputError("a payment method is required for this plan", field="paymentMethod")
            amount = discounted(plan["price_cents"], *_coupon_terms(coupon))
            return NewSubscription(plan, await self.timezone(cid), method, trial, coupon, amount)

        async def start(session: Session, new: NewSubscription) -> Doc:
            now = datetime.now(UTC)
            sub_id = ObjectId()
            interval = Interval(new.plan["interval"])
            if new.trial:
                trial_end = now + timedelta(days=new.plan["trial_days"])
                anchor = local_anchor(trial_end, new.timezone)
                status, start_at, end_at = S.TRIALING, now, trial_end
            else:
                anchor = local_anchor(now, new.timezone)
                status = S.ACTIVE if new.amount == 0 else S.INCOMPLETE
                start_at, end_at = period_bounds(anchor, new.timezone, interval, 0)
            doc: Doc = {
                "_id": sub_id,
                "community_id": cid,
                "member_id": member,
                "plan_id": new.plan["_id"],
                "status": status.value,
                "live": True,
                "timezone": new.timezone,
                "anchor_local": anchor.isoformat(),
                "period_seq": 0,
                "current_period_start": start_at,
                "current_period_end": end_at,
                "due_at": end_at,
                "payment_method": sub_in.payment_method or (None if new.trial else new.method),
                "coupon": _coupon_doc(new.coupon),
            }
            if new.trial:
                doc["trial_end"] = end_at
            await self.store.subscriptions.create(session, doc)
            if new.coupon is not None:
                # A trial's first charge is at its end (the cycle's), so nothing is discounted now.
                await self.coupons.redeem(
                    session,
                    new.coupon,
                    member_id=member,
                    subscription_id=sub_id,
                    list_cents=new.plan["price_cents"],
                    paid_cents=new.plan["price_cents"] if new.trial else new.amount,
                )
            if status != S.INCOMPLETE:
                return {"subscription_id": sub_id, "payment_id": None}
            payment = await self.flow.create_intent(
                session,
                {
                    "community_id": cid,
                    "member_id": member,
                    "key": payment_key("sub", sub_id, 0),
                    "amount_cents": new.amount,
                    "currency": new.plan["currency"],
                    "method": new.method,
                    "purpose": {"type": "subscription_start", "subscription_id": sub_id, "seq": 0},
                },
            )
            return {"subscription_id": sub_id, "payment_id": payment["_id"]}

        async def proceed(ref: Doc) -> Doc:
            await self._collect(cid, ref.get("payment_id"))
            return (await self._read(cid, ref["subscription_id"])).to_wire()

        body = await self.runner.run(
            community_id=cid,
            scope=f"member:{member}",
            key=sub_in.idempotency_key,
            params={
                "op": "subscribe",
                "planId": sub_in.plan_id,
                "paymentMethod": sub_in.payment_method,
                "coupon": sub_in.coupon_code,
            },
            prepare=prepare,
            start=start,
            proceed=proceed,
            on_duplicate=_duplicate_subscription,
        )
        return SubscriptionRead.model_validate(body)

    async def _collect(self, cid: ObjectId, payment_id: ObjectId | None) -> None:
        if payment_id is None:
            return
        payment = await self.flow.collect(await self.flow.payment_or_raise(cid, payment_id))
        if payment["status"] == "FAILED":
            raise BadInputError(f"the payment was declined ({payment.get('decline_reason')})", field="paymentMethod")

    async def _read(self, cid: ObjectId, sub_id: ObjectId) -> SubscriptionRead:
        sub = await self._sub_or_raise(cid, sub_id, None)
        plan = await self._plan_or_raise(cid, str(sub["plan_id"]))
        return render.subscription(sub, plan)

    async def _sub_or_raise(self, cid: ObjectId, subscription_id: ObjectId, member_id: str | None) -> Doc:
        """The subscription (the member's own, when one is named), or the one not-found error for subscriptions."""
        sub = await self.store.subscriptions.get(cid, subscription_id)
        if sub is None or (member_id is not None and str(sub["member_id"]) != member_id):
            raise NotFoundError(f"no subscription with id {subscription_id} in this community", field="subscriptionId")
        return sub

    # Cancel

    async def cancel(self, cid: ObjectId, cancel_in: SubscriptionCancel) -> SubscriptionRead:
        """At period end: benefits until then, no renewal. At once: access ends now, the paid rest is kept."""
        sub = await self._sub_or_raise(
            cid, object_id(cancel_in.subscription_id, field="subscriptionId"), cancel_in.member_id
        )
        if not sub["live"]:
            return await self._read(cid, sub["_id"])
        if cancel_in.at_period_end and sub["status"] != S.INCOMPLETE.value:
            await self.store.subscriptions.update(None, sub, {"live": True}, {"cancel_at_period_end": True})
            return await self._read(cid, sub["_id"])
        now = datetime.now(UTC)

        async def cancel_now(session: Session) -> None:
            done = await self.store.subscriptions.update(
                session,
                sub,
                {"live": True},
                {"status": S.CANCELED.value, "live": False, "ended_at": now, "cancel_at_period_end": False},
                unset=["due_at"],
            )
            if done is None:
                return
            await self.store.outbox.add([subscription_canceled(sub, at=now, reason="CANCELED")], session=session)
            if sub["status"] == S.TRIALING.value:
                return
            postings = await self.store.ledger.mrr_postings_for_subscription(cid, sub["_id"], session)
            monthly = sum(mrr_at(postings, now).values())
            end = sub["current_period_end"]
            meta = {"stream": "MEMBERSHIP", "subscription_id": sub["_id"], "mrr": [mrr_segment(-monthly, now, end)]}
            await self.recognition.close_subscription(session, cid, sub["_id"], now, meta)

        await self.store.transaction(cancel_now)
        return await self._read(cid, sub["_id"])

    # Change plan

    async def change_plan(self, cid: ObjectId, change_in: PlanChange) -> SubscriptionRead:
        """Upgrades at once with a prorated charge; downgrades (and annual -> monthly) at period end."""
        scope = f"member:{change_in.member_id}" if change_in.member_id else "operator"

        async def prepare() -> tuple[Doc, Doc, Doc]:
            sub = await self._sub_or_raise(
                cid, object_id(change_in.subscription_id, field="subscriptionId"), change_in.member_id
            )
            if sub["status"] not in (S.ACTIVE.value, S.TRIALING.value):
                raise ConflictError("only an active or trialing subscription changes plan", field="subscriptionId")
            new_plan = await self._plan_or_raise(cid, change_in.plan_id)
            if new_plan["_id"] == sub["plan_id"]:
                raise BadInputError("the subscription is already on this plan", field="planId")
            old_plan = await self._plan_or_raise(cid, str(sub["plan_id"]))
            if new_plan["currency"] != old_plan["currency"]:
                raise BadInputError("plans of another currency cannot be swapped", field="planId")
            return sub, old_plan, new_plan

        async def start(session: Session, prepared: tuple[Doc, Doc, Doc]) -> Doc:
            sub, old_plan, new_plan = prepared
            now = datetime.now(UTC)
            if sub["status"] == S.TRIALING.value:
                await self.store.subscriptions.update(session, sub, {"live": True}, {"plan_id": new_plan["_id"]})
                return {"subscription_id": sub["_id"], "payment_id": None}
            old = PlanPrice(old_plan["price_cents"], Interval(old_plan["interval"]))
            new = PlanPrice(new_plan["price_cents"], Interval(new_plan["interval"]))
            start_at, end_at = sub["current_period_start"], sub["current_period_end"]
            decision = decide_change(old, new, start_at, end_at, now)
            if not decision.immediate or decision.charge_cents <= 0:
                changes: Doc = {"pending_plan_id": new_plan["_id"]}
                if decision.immediate:
                    changes = {"plan_id": new_plan["_id"]}
                await self.store.subscriptions.update(session, sub, {"live": True}, changes)
                return {"subscription_id": sub["_id"], "payment_id": None}
            old_monthly = _monthly(old_plan, self.flow.tax_rate_bps)
            new_monthly = _monthly(new_plan, self.flow.tax_rate_bps)
            purpose: Doc = {"type": "upgrade", "subscription_id": sub["_id"], "plan_id": new_plan["_id"]}
            if decision.restart_period:
                anchor = local_anchor(now, sub["timezone"])
                new_start, new_end = period_bounds(anchor, sub["timezone"], new.interval, 0)
                mrr = [mrr_segment(new_monthly, new_start, new_end), mrr_segment(-old_monthly, now, end_at)]
                purpose.update(anchor_local=anchor.isoformat(), period_start=new_start, period_end=new_end)
            else:
                mrr = [mrr_segment(new_monthly - old_monthly, now, end_at)]
                purpose.update(period_start=now, period_end=end_at)
            purpose.update(restart=decision.restart_period, mrr=mrr, seq=sub["period_seq"])
            payment = await self.flow.create_intent(
                session,
                {
                    "community_id": cid,
                    "member_id": sub["member_id"],
                    "key": payment_key("upgrade", sub["_id"], ObjectId()),
                    "amount_cents": decision.charge_cents,
                    "currency": new_plan["currency"],
                    "method": change_in.payment_method or sub.get("payment_method") or self.default_method,
                    "purpose": purpose,
                },
            )
            return {"subscription_id": sub["_id"], "payment_id": payment["_id"]}

        async def proceed(ref: Doc) -> Doc:
            await self._collect(cid, ref.get("payment_id"))
            return (await self._read(cid, ref["subscription_id"])).to_wire()

        body = await self.runner.run(
            community_id=cid,
            scope=scope,
            key=change_in.idempotency_key,
            params={"op": "changePlan", **change_in.model_dump(mode="json", exclude={"idempotency_key"})},
            prepare=prepare,
            start=start,
            proceed=proceed,
        )
        return SubscriptionRead.model_validate(body)

    # Reads

    async def lookup_memberships(self, cid: ObjectId, member_ids: list[str]) -> list[SubscriptionRead | None]:
        docs = await self.store.subscriptions.list_live(cid, [ObjectId(i) for i in dict.fromkeys(member_ids)])
        docs = [d for d in docs if d["status"] != S.INCOMPLETE.value]
        plans = await self.store.subscriptions.plans_by_id(cid, list({d["plan_id"] for d in docs}))
        live = {str(d["member_id"]): render.subscription(d, plans[d["plan_id"]]) for d in docs if d["plan_id"] in plans}
        return [live.get(i) for i in member_ids]

    async def lookup_subscriptions(self, cid: ObjectId, ids: list[str]) -> list[SubscriptionRead | None]:
        """Subscriptions by id in the order asked, None where the community has none (a list's links, batched)."""
        docs = await self.store.subscriptions.get_many(cid, [ObjectId(i) for i in dict.fromkeys(ids)])
        plans = await self.store.subscriptions.plans_by_id(cid, list({d["plan_id"] for d in docs.values()}))
        found = {str(k): render.subscription(d, plans[d["plan_id"]]) for k, d in docs.items() if d["plan_id"] in plans}
        return [found.get(i) for i in ids]

    async def list_subscriptions(self, cid: ObjectId, statuses: list[str], limit: int) -> SubscriptionList:
        docs = await self.store.subscriptions.list_for_operator(cid, statuses or [s.value for s in S], limit)
        plans = await self.store.subscriptions.plans_by_id(cid, list({d["plan_id"] for d in docs}))
        return SubscriptionList(
            items=[render.subscription(d, plans[d["plan_id"]]) for d in docs if d["plan_id"] in plans]
        )

    async def list_notifications(self, cid: ObjectId, limit: int) -> NotificationList:
        docs = await self.store.subscriptions.list_notifications(cid, limit)
        return NotificationList(
            items=[
                NotificationRead(
                    id=str(d["_id"]),
                    kind=d["kind"],
                    subscription_id=str(d["subscription_id"]),
                    member_id=str(d["member_id"]),
                    message=d["message"],
                    created_at=d["created_at"],
                )
                for d in docs
                if d.get("subscription_id")  # offer notices name no subscription: they are mail only
            ]
        )


def _duplicate_subscription(exc: DuplicateKeyError) -> ConflictError:
    """A concurrent twin won: a second redemption of the member's coupon, else a second live subscription."""
    if "coupon_id" in str(exc.details or {}):
        return ConflictError("this member already redeemed this coupon", field="couponCode")
    return ConflictError("this member already has a live subscription", field="planId")


def _coupon_terms(coupon: Doc | None) -> tuple[int, int]:
    return (coupon["percent_off"], coupon["amount_off_cents"]) if coupon else (0, 0)


def _coupon_doc(coupon: Doc | None) -> Doc | None:
    if coupon is None:
        return None
    return {k: coupon[k] for k in ("code", "percent_off", "amount_off_cents", "duration")}


def _monthly(plan: Doc, tax_rate_bps: int) -> int:
    from billing_service.domain.ledger import split_tax

    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[plan["interval"]]
    return split_tax(plan["price_cents"], tax_rate_bps)[0] // months
