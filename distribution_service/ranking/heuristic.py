"""A simple, explained scorer: recency, engagement and kind (weighed by the decision scene). The baseline the learned
ranker must beat."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from distribution_service.ranking.base import Candidate, RankingContext, Scored

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class HeuristicWeights:
    recency: float = 1.0
    # Half-life of freshness, in days: content a week old keeps half its recency score.
    half_life_days: float = 7.0
    engagement: float = 1.0
    # The kind's part by decision scene (the playbook's honeycomb: before, during and after a decision). Before
    # one, members research: experts' PGC leads. During one, they compare: the offers (COMMERCIAL) on the table
    # count as much as expert content. After one, they use what they chose: peers' experience (UGC) leads.
    kind_by_scene: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "BEFORE_DECISION": {"PGC": 0.3, "UGC": 0.2, "COMMERCIAL": 0.0},
            "DURING_DECISION": {"PGC": 0.3, "UGC": 0.1, "COMMERCIAL": 0.3},
            "AFTER_DECISION": {"PGC": 0.1, "UGC": 0.3, "COMMERCIAL": 0.0},
        }
    )
    # Already-opened items sink, so a returning member sees something new first.
    seen_penalty: float = 0.8


class HeuristicRanker:
    # heuristic-2: the kind weights follow the decision scene (heuristic-1 weighed every scene as BEFORE_DECISION).
    version = "heuristic-2"

    def __init__(self, weights: HeuristicWeights | None = None) -> None:
        self.weights = weights or HeuristicWeights()

    def rank(self, candidates: list[Candidate], context: RankingContext) -> list[Scored]:
        if not candidates:
            return []
        w = self.weights
        now = context.now.timestamp()
        age_days = np.array([max(0.0, now - c.published_at.timestamp()) for c in candidates]) / SECONDS_PER_DAY
        engagement = np.array([c.engagement for c in candidates], dtype=float)
        seen = np.array([c.seen_by_member for c in candidates], dtype=float)

        recency = w.recency * np.exp2(-age_days / w.half_life_days)
        # log-scaled and normalised by the best item, so one viral post does not flatten the rest.
        log_engagement = np.log1p(engagement)
        top = log_engagement.max()
        engagement_part = w.engagement * (log_engagement / top if top > 0 else log_engagement)
        kind_weights = w.kind_by_scene.get(context.scene.value, {})
        kind_part = np.array([kind_weights.get(c.kind, 0.0) for c in candidates])
        seen_part = np.where(seen > 0, -w.seen_penalty, 0.0)
        scores = recency + engagement_part + kind_part + seen_part

        order = np.lexsort((np.array([c.content_id for c in candidates]), -scores))
        ranked = []
        for i in order:
            parts = {
                "recency": round(float(recency[i]), 6),
                "engagement": round(float(engagement_part[i]), 6),
                "kind": round(float(kind_part[i]), 6),
                "seen": round(float(seen_part[i]), 6),
            }
            # The shown score is the sum of the shown parts, so an explanation always adds up.
            ranked.append(Scored(candidates[i].content_id, round(sum(parts.values()), 6), parts))
        return ranked
