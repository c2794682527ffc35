"""The billing cycle: renewals at period end, trial conversions, dunning, plan changes due, recognition.

Each renewal's payment key is derived from the subscription and the period number, never from the clock, so
running the cycle twice - or at 23:59 and 00:01 either side of a UTC date line - bills a period at most once.
`python -m billing_service.scheduler` runs one cycle; the service also runs it every
BILLING_SCHEDULER_INTERVAL_SECONDS outside tests (a periodic task built in billing_service/app.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from billing_service.domain.dunning import DunningPolicy, dunning_step
from billing_service.domain.ledger import discount_lines
from billing_service.domain.plans import SubscriptionStatus
from billing_service.domain.proration import discounted
from billing_service.schemas import CycleResult
from billing_service.service.charging import PaymentFlow, payment_key
from billing_service.service.membership import MembershipBook
from billing_service.service.recognition import Recognition
from billing_service.service.webhook_events import subscription_canceled
from billing_service.store import BillingStore, Doc, Session
from infra.errors import BadInputError, ServiceError
from infra.logging import get_logger
from infra.moments import as_utc

S = SubscriptionStatus
log = get_logger(__name__)
BATCH = 500
# How far from the real clock a requested `now` may be: catch-up runs and tests move it by days or months; a date
# in year 9999 would bill every period up to it at once (and overflow period arithmetic).
CLOCK_HORIZON = timedelta(days=730)


class BillingCycle:
    def __init__(
        self,
        store: BillingStore,
        flow: PaymentFlow,
        book: MembershipBook,
        recognition: Recognition,
        policy: DunningPolicy,
        *,
        default_method: str | None,
        production: bool = False,
        clock_horizon: timedelta = CLOCK_HORIZON,
        pending_grace: timedelta = timedelta(seconds=30),
    ) -> None:
        self.store = store
        self.flow = flow
        self.book = book
        self.recognition = recognition
        self.policy = policy
        self.default_method = default_method
        self.production = production
        self.clock_horizon = clock_horizon
        self.pending_grace = pending_grace  # a live request's payment stays its own for this long

    async def run_requested(self, now: datetime | None) -> CycleResult:
        """One cycle asked for by an admin: a clock of its own only outside production, and near the real one."""
        if now is not None:
            if self.production:
                raise BadInputError("now: the cycle's clock cannot be set in production", field="now")
            aware = as_utc(now)
            if abs(aware - datetime.now(UTC)) > self.clock_horizon:
                raise BadInputError(
                    f"now: must be within {self.clock_horizon.days} days of the current time", field="now"
                )
            now = aware
        return await self.run(now)

    async def run(self, now: datetime | None = None) -> CycleResult:
        now = now or datetime.now(UTC)
        counts = {"renewed": 0, "failed": 0, "canceled": 0, "expired": 0, "trials_converted": 0, "plan_changes": 0}
        seen: set[object] = set()
        while True:
            due = [sub for sub in await self.store.subscriptions.list_due(now, BATCH) if sub["_id"] not in seen]
            seen.update(sub["_id"] for sub in due)
            for sub in due:
                try:
                    outcome = await self._advance(sub, now)
                except ServiceError as exc:
                    log.warning("billing_cycle_error", subscription_id=str(sub["_id"]), error=str(exc))
                    continue
                for name in outcome:
                    counts[name] += 1
            if len(due) < BATCH:  # the last page, or only subscriptions handled already in this cycle
                break
        # After the renewals (which finish their own PENDING payments): what a crashed request left behind.
        await self.reconcile(now)
        postings = await self.recognition.recognise_due(now)
        return CycleResult(**counts, recognition_postings=postings)

    async def reconcile(self, now: datetime) -> int:
        """Payments a crash left PENDING (older than the grace) completed or failed against the provider."""
        settled = 0
        while True:
            stale = await self.store.payments.list_stale_pending(now - self.pending_grace, BATCH)
            progressed = 0
            for payment in stale:
                try:
                    done = await self.flow.reconcile(payment)
                except ServiceError as exc:
                    log.warning("billing_reconcile_error", payment_id=str(payment["_id"]), error=str(exc))
                    continue
                progressed += done
            settled += progressed
            if len(stale) < BATCH or not progressed:  # the last page, or only payments the provider has pending
                break
        if settled:
            log.info("billing_reconciled", payments=settled)
        return settled

    async def _advance(self, sub: Doc, now: datetime) -> list[str]:
        subs = self.store.subscriptions
        if sub["status"] == S.PAST_DUE.value:
            return await self._dun(sub, now)
        if sub["status"] == S.INCOMPLETE.value:
            # Its first payment is still pending (a lost webhook?): ask the provider again, never charge period 1.
            first = await self.store.payments.get_by_key(sub["community_id"], payment_key("sub", sub["_id"], 0))
            if first is not None:
                await self.flow.collect(first)
            return []
        if sub.get("cancel_at_period_end"):
            await self._cancel(sub, sub["current_period_end"], reason="PERIOD_END")
            return ["canceled"]
        outcome: list[str] = []
        if sub.get("pending_plan_id"):
            sub = (
                await subs.update(
                    None, sub, {"live": True}, {"plan_id": sub["pending_plan_id"]}, unset=["pending_plan_id"]
                )
                or sub
            )
            outcome.append("plan_changes")
        method = sub.get("payment_method") or self.default_method
        trialing = sub["status"] == S.TRIALING.value
        if trialing and not method:
            await subs.update(
                None, sub, {"live": True}, {"status": S.EXPIRED.value, "live": False, "ended_at": now}, unset=["due_at"]
            )
            return [*outcome, "expired"]
        seq = 0 if trialing else sub["period_seq"] + 1
        paid = await self._charge(sub, seq, attempt=0, method=method, now=now)
        if paid:
            outcome.append("trials_converted" if trialing else "renewed")
        else:
            outcome.append("failed")
        return outcome

    async def _charge(self, sub: Doc, seq: int, *, attempt: int, method: str | None, now: datetime) -> bool:
        plan = await self.store.subscriptions.get_plan(sub["community_id"], sub["plan_id"])
        if plan is None:
            return False
        coupon = sub.get("coupon") or {}
        repeat = coupon.get("duration") == "FOREVER"
        amount = discounted(
            plan["price_cents"],
            coupon.get("percent_off", 0) if repeat else 0,
            coupon.get("amount_off_cents", 0) if repeat else 0,
        )
        key = payment_key("sub", sub["_id"], seq) + (f":retry{attempt}" if attempt else "")
        try:
            payment = await self.flow.create_intent(
                None,
                {
                    "community_id": sub["community_id"],
                    "member_id": sub["member_id"],
                    "key": key,
                    "amount_cents": amount,
                    "currency": plan["currency"],
                    "method": method or "tok_decline",
                    "occurred_at": now,
                    "purpose": {
                        "type": "renewal",
                        "subscription_id": sub["_id"],
                        "plan_id": plan["_id"],
                        "seq": seq,
                        "attempt": attempt,
                    },
                },
            )
        except DuplicateKeyError:
            existing = await self.store.payments.get_by_key(sub["community_id"], key)
            if existing is None:
                return False
            payment = existing  # an earlier or concurrent run made it: finish that one, never a second
        settled = await self.flow.collect(payment)
        if settled["status"] == "SUCCEEDED" and plan["price_cents"] > amount:
            await self._post_discount(settled, coupon, list_cents=plan["price_cents"])
        return bool(settled["status"] == "SUCCEEDED")

    async def _post_discount(self, payment: Doc, coupon: Doc, *, list_cents: int) -> None:
        """A FOREVER coupon's discount on a renewal, as the ledger's memorandum entry (once per payment)."""
        try:
            await self.store.ledger.post(
                None,
                community_id=payment["community_id"],
                posting_id=f"discount:payment:{payment['_id']}",
                kind="coupon_discount",
                lines=discount_lines(list_cents - payment["amount_cents"]),
                occurred_at=payment.get("occurred_at") or datetime.now(UTC),
                member_id=payment.get("member_id"),
                meta={"coupon_code": coupon.get("code"), "payment_id": payment["_id"], "list_cents": list_cents},
            )
        except DuplicateKeyError:
            pass  # posted by an earlier run of this renewal

    async def _cancel(self, sub: Doc, ended_at: datetime, *, reason: str) -> None:
        """End a live subscription and announce it (subscription.canceled) in one transaction."""

        async def cancel(session: Session) -> None:
            done = await self.store.subscriptions.update(
                session,
                sub,
                {"live": True},
                {"status": S.CANCELED.value, "live": False, "ended_at": ended_at},
                unset=["due_at"],
            )
            if done is not None:
                event = subscription_canceled(sub, at=ended_at, reason=reason)
                await self.store.outbox.add([event], session=session)

        await self.store.transaction(cancel)

    async def _dun(self, sub: Doc, now: datetime) -> list[str]:
        subs = self.store.subscriptions
        dunning = sub["dunning"]
        step = dunning_step(self.policy, dunning["failed_at"], now)
        base = {"subscription_id": sub["_id"], "member_id": sub["member_id"]}
        if step.cancel:
            await self._cancel(sub, now, reason="UNPAID")
            await subs.notify(
                None,
                sub["community_id"],
                {**base, "dedupe": f"{sub['_id']}:canceled", "kind": "CANCELED", "message": "Canceled: unpaid."},
            )
            return ["canceled"]
        if step.notice and not dunning.get("noticed"):
            dunning = {**dunning, "noticed": True}
            await subs.notify(
                None,
                sub["community_id"],
                {
                    **base,
                    "dedupe": f"{sub['_id']}:notice:{dunning['seq']}",
                    "kind": "FINAL_NOTICE",
                    "message": f"Final notice: access is blocked on day {self.policy.block_day}.",
                },
            )
        blocked = sub.get("access_blocked", False)
        if step.block and not blocked:
            blocked = True
            await subs.notify(
                None,
                sub["community_id"],
                {
                    **base,
                    "dedupe": f"{sub['_id']}:blocked:{dunning['seq']}",
                    "kind": "ACCESS_BLOCKED",
                    "message": f"Access blocked; canceled on day {self.policy.cancel_day} unless paid.",
                },
            )
        changes = {"dunning": dunning, "access_blocked": blocked}
        sub = await subs.update(None, sub, {"status": S.PAST_DUE.value}, changes) or sub
        retry_at = dunning.get("next_retry_at")
        if retry_at is not None and retry_at <= now:
            method = sub.get("payment_method") or self.default_method
            paid = await self._charge(sub, dunning["seq"], attempt=dunning["attempts"] + 1, method=method, now=now)
            return ["renewed" if paid else "failed"]
        refreshed = await subs.get(sub["community_id"], sub["_id"])
        if refreshed is not None and refreshed["status"] == S.PAST_DUE.value:
            await subs.update(
                None, refreshed, {}, {"due_at": self.book.next_dunning_due(refreshed["dunning"], refreshed)}
            )
        return []
