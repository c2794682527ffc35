"""Revenue recognition: deferred revenue becomes revenue day by day over the period it pays for."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from bson import ObjectId

from billing_service.domain.ledger import Account, credit, debit, recognised_to_date
from billing_service.domain.periods import whole_days
from billing_service.store import BillingStore, Doc, Session


class Recognition:
    def __init__(self, store: BillingStore) -> None:
        self.store = store

    async def open_schedule(
        self,
        session: Session,
        *,
        community_id: ObjectId,
        source: str,
        amount: int,
        start: datetime,
        end: datetime,
        revenue_account: Account,
        member_id: ObjectId | None,
        subscription_id: ObjectId | None = None,
    ) -> None:
        await self.store.commerce.insert(
            "schedules",
            session,
            {
                "community_id": community_id,
                "source": source,
                "member_id": member_id,
                "subscription_id": subscription_id,
                "amount": amount,
                "recognised": 0,
                "start": start,
                "end": end,
                "next_at": min(start + timedelta(days=1), end),
                "open": amount > 0,
                "revenue_account": revenue_account.value,
            },
        )

    async def recognise_due(self, now: datetime, batch: int = 500) -> int:
        """Post what each open schedule has earned up to `now`; a repeated run posts nothing new."""
        posted = 0
        seen: set[object] = set()
        while True:
            due = [s for s in await self.store.commerce.list_unrecognised(now, batch) if s["_id"] not in seen]
            seen.update(s["_id"] for s in due)
            for schedule in due:
                total = whole_days(schedule["start"], schedule["end"])
                elapsed = whole_days(schedule["start"], min(now, schedule["end"]))
                done = now >= schedule["end"]
                target = schedule["amount"] if done else recognised_to_date(schedule["amount"], total, elapsed)
                label = "end" if done else str(elapsed)
                at = schedule["end"] if done else schedule["start"] + timedelta(days=elapsed)
                next_at = min(schedule["start"] + timedelta(days=elapsed + 1), schedule["end"])
                post = partial(
                    self._post,
                    schedule=schedule,
                    target=target,
                    label=label,
                    at=at,
                    keep_open=not done,
                    next_at=next_at,
                )
                if await self.store.transaction(post):
                    posted += 1
            if len(due) < batch:  # the last page (or only schedules seen already: a conflict to retry next cycle)
                return posted

    async def close_subscription(
        self, session: Session, community_id: ObjectId, subscription_id: ObjectId, at: datetime, meta: Doc
    ) -> None:
        """Recognise at once what a subscription's open schedules have left (canceled now, the money is kept).

        `meta` (the MRR change) rides on the first posting made.
        """
        schedules = await self.store.commerce.list_open_schedules_of_subscription(
            community_id, subscription_id, session
        )
        for schedule in schedules:
            posted = await self._post(
                session, schedule=schedule, target=schedule["amount"], label="close", at=at, keep_open=False, meta=meta
            )
            if posted:
                meta = {}

    async def take_rest(self, session: Session, community_id: ObjectId, source: str) -> int:
        """Close a schedule without recognising its rest, which stays deferred for a successor schedule."""
        schedule = await self.store.commerce.get_schedule_by_source(community_id, source, session)
        if schedule is None or not schedule["open"]:
            return 0
        if not await self.store.commerce.advance_schedule(session, schedule, schedule["amount"], False):
            return 0
        return int(schedule["amount"] - schedule["recognised"])

    async def _post(
        self,
        session: Session,
        *,
        schedule: Doc,
        target: int,
        label: str,
        at: datetime,
        keep_open: bool,
        meta: Doc | None = None,
        next_at: datetime | None = None,
    ) -> bool:
        amount = target - schedule["recognised"]
        recognised = max(target, schedule["recognised"])
        if not await self.store.commerce.advance_schedule(session, schedule, recognised, keep_open, next_at):
            return False
        if amount <= 0:
            return False  # nothing more earned yet (or the period is over, and so is its MRR segment)
        lines = [debit(Account.DEFERRED_REVENUE, amount), credit(Account(schedule["revenue_account"]), amount)]
        await self.store.ledger.post(
            session,
            community_id=schedule["community_id"],
            posting_id=f"recognise:{schedule['_id']}:{label}",
            kind="recognition",
            lines=lines,
            occurred_at=at,
            meta=meta or {},
        )
        return True
