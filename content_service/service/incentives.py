"""Incentive rules: a re-runnable monthly content-star selection, pending payouts, exposure boosts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from content_service.domain.scoring import month_bounds, pick_winners, split_budget
from content_service.schemas.incentives import (
    AwardRead,
    BoostGrant,
    BoostRead,
    ContentStarResult,
    ContentStarRun,
    PendingPayout,
)
from content_service.service.events import BILLING
from content_service.service.pieces import PiecesService
from content_service.service.settings import SettingsService
from content_service.store import ContentStore, Session
from infra.errors import BadInputError
from infra.outbox import OutboxEvent

Doc = dict[str, Any]
CURRENCY = "CNY"
SOURCE = "CONTENT_STAR"


def boost_factor(percent: int) -> float:
    """+300% exposure is four times the exposure: 1 + percent / 100."""
    return 1.0 + percent / 100.0


class IncentivesService:
    """Operator operations (checked by the gateway) and the payouts they leave pending."""

    def __init__(self, store: ContentStore, pieces: PiecesService, settings: SettingsService) -> None:
        self.store = store
        self.pieces = pieces
        self.settings = settings

    async def run_content_star(
        self, community_id: ObjectId, run: ContentStarRun, *, now: datetime | None = None
    ) -> ContentStarResult:
        """Pick the month's winners once; a second run returns the first run's result and pays nothing new."""
        try:
            start, end = month_bounds(run.month)
        except ValueError as exc:
            raise BadInputError(f"month: {exc}", field="month") from exc
        moment = now or datetime.now(UTC)
        if end > moment:
            raise BadInputError(f"month {run.month} has not ended yet", field="month")
        run_id = f"{community_id}:{run.month}"
        existing = await self.store.incentives.get_run(run_id)
        if existing is not None:
            return _result(existing, rerun=True)
        settings = await self.settings.get(community_id)
        pieces = await self.store.pieces.list_month_pieces(community_id, start, end)
        moderated = await self.store.moderation.upheld_targets(community_id, [str(p["_id"]) for p in pieces])
        pieces = [p for p in pieces if str(p["_id"]) not in moderated and p.get("author_id")]
        stats = await self.store.interaction.engagement(community_id, {p["_id"]: p["author_id"] for p in pieces})
        winners = pick_winners(
            [(str(p["author_id"]), str(p["_id"]), stats[str(p["_id"])]) for p in pieces], settings.content_star_winners
        )
        amounts = split_budget(settings.content_star_budget_minor, len(winners))
        awards: list[Doc] = [
            {
                "member_id": w.member_id,
                "rank": w.rank,
                "score": w.score,
                "amount_minor": amount,
                "currency": CURRENCY,
                "best_content_id": w.best_content_id,
            }
            for w, amount in zip(winners, amounts, strict=True)
        ]
        run_doc = {
            "_id": run_id,
            "community_id": community_id,
            "month": run.month,
            "ran_at": moment,
            "ran_by": run.actor_id,
            "budget_minor": settings.content_star_budget_minor,
            "awards": awards,
        }
        factor = boost_factor(settings.exposure_boost_percent)

        payout_ids = [ObjectId() for _ in awards]
        # Awards cross to billing's ledger through the outbox, keyed by run and member: at least once, booked once.
        award_events = [
            OutboxEvent(
                BILLING,
                "creator_award",
                str(community_id),
                {
                    "memberId": a["member_id"],
                    "amountMinor": a["amount_minor"],
                    "reason": f"content star {run.month} (rank {a['rank']})",
                    "payoutId": str(payout_id),
                },
                event_id=f"content-star:{run_id}:{a['member_id']}",
            )
            for a, payout_id in zip(awards, payout_ids, strict=True)
            if a["amount_minor"] > 0
        ]

        async def work(s: Session) -> None:
            await self.store.incentives.insert_run(run_doc, session=s)
            if awards:
                await self.store.incentives.insert_payouts(
                    [
                        {
                            "_id": payout_id,
                            "community_id": community_id,
                            "month": run.month,
                            "member_id": a["member_id"],
                            "amount_minor": a["amount_minor"],
                            "currency": CURRENCY,
                            "status": "PENDING",
                            "source": SOURCE,
                            "created_at": moment,
                        }
                        for a, payout_id in zip(awards, payout_ids, strict=True)
                    ],
                    session=s,
                )
                await self.store.incentives.insert_boosts(
                    [
                        {
                            "community_id": community_id,
                            "content_id": ObjectId(a["best_content_id"]),
                            "factor": factor,
                            "starts_at": moment,
                            "ends_at": moment + timedelta(days=settings.exposure_boost_days),
                            "reason": f"content star {run.month}",
                        }
                        for a in awards
                    ],
                    session=s,
                )
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=run.actor_id,
                action="CONTENT_STAR_SELECTED",
                target_type="COMMUNITY",
                target_id=str(community_id),
                detail={"month": run.month, "winners": [a["member_id"] for a in awards]},
                events=award_events,
            )

        try:
            await self.store.transaction(work)
        except DuplicateKeyError:
            # A concurrent run of the same month won: its result is the result.
            stored = await self.store.incentives.get_run(run_id)
            assert stored is not None
            return _result(stored, rerun=True)
        return _result(run_doc, rerun=False)

    async def payouts(self, community_id: ObjectId, *, status: str | None, limit: int) -> list[PendingPayout]:
        return [
            PendingPayout(
                id=str(d["_id"]),
                member_id=d["member_id"],
                month=d["month"],
                amount_minor=d["amount_minor"],
                currency=d["currency"],
                status=d["status"],
                source=d["source"],
                created_at=d["created_at"],
            )
            for d in await self.store.incentives.list_payouts(community_id, status=status, limit=limit)
        ]

    async def grant_boost(self, community_id: ObjectId, grant: BoostGrant) -> BoostRead:
        await self.pieces.get_or_raise(community_id, ObjectId(grant.content_id), fields=[])
        settings = await self.settings.get(community_id)
        now = datetime.now(UTC)
        doc: Doc = {
            "community_id": community_id,
            "content_id": ObjectId(grant.content_id),
            "factor": boost_factor(grant.percent or settings.exposure_boost_percent),
            "starts_at": now,
            "ends_at": now + timedelta(days=grant.days or settings.exposure_boost_days),
            "reason": grant.reason,
        }

        async def work(s: Session) -> None:
            doc["_id"] = await self.store.incentives.insert_boost(doc, session=s)
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=grant.actor_id,
                action="EXPOSURE_BOOSTED",
                target_type="CONTENT",
                target_id=grant.content_id,
                detail={"factor": doc["factor"], "days": (doc["ends_at"] - now).days},
            )

        await self.store.transaction(work)
        return BoostRead(
            id=str(doc["_id"]),
            content_id=grant.content_id,
            factor=doc["factor"],
            starts_at=now,
            ends_at=doc["ends_at"],
            reason=grant.reason,
        )


def _result(doc: Doc, *, rerun: bool) -> ContentStarResult:
    return ContentStarResult(
        month=doc["month"],
        ran_at=doc["ran_at"],
        rerun=rerun,
        budget_minor=doc["budget_minor"],
        awards=[AwardRead.model_validate(a) for a in doc["awards"]],
    )
