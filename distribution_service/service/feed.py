"""A member's feed (one ranking decision, logged) and the explanation of any item of a logged decision."""

from __future__ import annotations

import numpy as np
from bson import ObjectId

from distribution_service.domain import decision_log
from distribution_service.ranking.features import FEATURES
from distribution_service.schemas import ExplainRequest, FeatureValue, FeedExplanation, FeedItem, FeedPage, FeedRequest
from distribution_service.service.metrics import FEEDS_SERVED
from distribution_service.service.push_reasons import AT_READ, PushReasons
from distribution_service.service.ranker import FeedRanker
from distribution_service.store import DistributionStore
from infra.errors import NotFoundError

DECISION_NOT_FOUND = "no such decision for this member"


class FeedService:
    def __init__(self, store: DistributionStore, ranker: FeedRanker) -> None:
        self.store = store
        self.ranker = ranker

    async def feed(self, cid: ObjectId, request: FeedRequest) -> FeedPage:
        decision = await self.ranker.decide(
            cid,
            request.member_id,
            request.slot,
            request.scene,
            first=request.first,
            source="feed",
            reasons=request.reasons,
        )
        heuristic = decision.model_version == self.ranker.heuristic.version
        FEEDS_SERVED.labels(ranker="heuristic" if heuristic else "model").inc()
        return FeedPage(
            items=[
                FeedItem(
                    content_id=s.content_id, score=s.score, reasons=s.reasons, position=s.position, sources=s.sources
                )
                for s in decision.shown
            ],
            model_version=decision.model_version,
            decision_id=str(decision.id),
        )

    async def explain(self, cid: ObjectId, request: ExplainRequest) -> FeedExplanation:
        decision = await self.store.decisions.get_decision(cid, ObjectId(request.decision_id))
        # Only the member the decision was made for may read it; anyone else is told it does not exist.
        if decision is None or str(decision["member_id"]) != request.member_id:
            raise NotFoundError(DECISION_NOT_FOUND, field="decisionId")
        candidates = [str(c) for c in decision_log.candidate_ids(decision)]
        if request.content_id not in candidates:
            raise NotFoundError("the item was not a candidate of this decision", field="contentId")
        row = candidates.index(request.content_id)
        features = decision_log.features(decision)[row]
        shown = {str(s["content_id"]): s for s in decision["shown"]}
        item = shown.get(request.content_id)
        reasons = item["reasons"] if item else {}
        if item and not reasons and decision.get(AT_READ):
            found = await PushReasons(self.store, self.ranker.registry).of_decision(cid, decision, [request.content_id])
            reasons = found.get((decision["_id"], request.content_id), {})
        return FeedExplanation(
            decision_id=request.decision_id,
            content_id=request.content_id,
            model_version=decision["model_version"],
            experiment_arm=decision.get("experiment_arm"),
            shadow_version=decision.get("shadow_version"),
            slot=decision["slot"],
            scene=decision["scene"],
            at=decision["at"],
            position=item["position"] if item else None,
            # The shown score as served; a candidate not shown reads its logged (float32) score.
            score=item["score"] if item else round(float(decision_log.scores(decision)[row]), 6),
            reasons=reasons,
            sources=item.get("sources", []) if item else [],
            features=[
                FeatureValue(name=name, value=None if np.isnan(v) else round(float(v), 6))
                for name, v in zip(FEATURES, features, strict=True)
            ],
        )
