"""A simple, explained scorer: recency, engagement and kind (weighed by the decision scene). The baseline the learned
ranker must beat, and every community's ranker until a model is promoted."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields

import numpy as np

from distribution_service.ranking.base import Candidate, RankingContext, Scored

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class HeuristicWeights:
    """The fallback's weights; operators set engagement and half-life (`RANKING_HEURISTIC_*`). The engagement
    weight was chosen on real engagement (docs/ranking.md, "The fallback's weights")."""

    recency: float = 1.0
    # Half-life of freshness, in days: content a week old keeps half its recency score.
    half_life_days: float = 7.0
    engagement: float = 0.03
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

    def __post_init__(self) -> None:
        scalars = (self.recency, self.half_life_days, self.engagement, self.seen_penalty)
        if not all(math.isfinite(v) for v in scalars):
            raise ValueError("heuristic weights must be finite numbers")
        if self.half_life_days <= 0 or min(self.recency, self.engagement, self.seen_penalty) < 0:
            raise ValueError("heuristic weights must be >= 0, and the half-life > 0")


# heuristic-3: engagement 0.03 (heuristic-2: 1.0); heuristic-2: the kind weights follow the decision scene
# (heuristic-1 weighed every scene as BEFORE_DECISION).
VERSION = "heuristic-3"


def _shown(value: object) -> str:
    """A weight as the version names it: a number as it is, the kind table by a short digest of its contents."""
    if isinstance(value, dict):
        return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:8]
    return str(value)


def version_of(weights: HeuristicWeights) -> str:
    """`VERSION`, followed by every weight that differs from the defaults (decisions log what ranked them)."""
    default = HeuristicWeights()
    changed = [
        f"{f.name}={_shown(getattr(weights, f.name))}"
        for f in fields(weights)
        if getattr(weights, f.name) != getattr(default, f.name)
    ]
    return f"{VERSION}({','.join(changed)})" if changed else VERSION


class HeuristicRanker:
    def __init__(self, weights: HeuristicWeights | None = None) -> None:
        self.weights = weights or HeuristicWeights()
        self.version = version_of(self.weights)

    def rank(self, candidates: list[Candidate], context: RankingContext) -> list[Scored]:
        if not candidates:
            return []
        now = context.now.timestamp()
        age_days = np.array([max(0.0, now - c.published_at.timestamp()) for c in candidates]) / SECONDS_PER_DAY
        parts = self.parts(
            age_days,
            np.array([c.engagement for c in candidates], dtype=float),
            [c.kind for c in candidates],
            context.scene.value,
            np.array([c.seen_by_member for c in candidates], dtype=float),
        )
        scores = shown_scores(parts)
        order = np.lexsort((np.array([c.content_id for c in candidates]), -scores))
        return [Scored(candidates[i].content_id, float(scores[i]), explained(parts, int(i))) for i in order]

    def parts(
        self, age_days: np.ndarray, engagement: np.ndarray, kinds: list[str], scene: str, seen: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Each candidate's explained parts (unrounded), as columns: a decision scores its whole pool at once."""
        w = self.weights
        recency = w.recency * np.exp2(-np.maximum(age_days, 0.0) / w.half_life_days)
        # log-scaled and normalised by the best item, so one viral post does not flatten the rest.
        log_engagement = np.log1p(engagement)
        top = log_engagement.max() if len(log_engagement) else 0.0
        engagement_part = w.engagement * (log_engagement / top if top > 0 else log_engagement)
        kind_weights = w.kind_by_scene.get(scene, {})
        kind_part = np.array([kind_weights.get(k, 0.0) for k in kinds], dtype=float)
        seen_part = np.where(seen > 0, -w.seen_penalty, 0.0) if seen is not None else np.zeros(len(kinds))
        return {"recency": recency, "engagement": engagement_part, "kind": kind_part, "seen": seen_part}


# |v| below this: v * 1e6 is off the exact product by under 1.2e-7, so its nearest integer is the exact one's unless
# the product is within HALF_MARGIN of a half.
_EXACT_BOUND = 1e3
_HALF_MARGIN = 1e-6


def round6(values: np.ndarray) -> np.ndarray:
    """Python's `round(v, 6)` of every value (correctly rounded, not numpy's scale-rint-unscale), as one array
    operation: n = rint(v * 1e6) is the correctly rounded n except where v * 1e6 lies within a hair of a half
    (or v is huge or not finite), and n / 1e6 is then exactly Python's result (both are the double nearest
    n * 10^-6). The few unsure values are rounded by Python itself, so scores match to the last digit."""
    v = np.asarray(values, dtype=float)
    scaled = v * 1e6
    out = np.rint(scaled) / 1e6
    with np.errstate(invalid="ignore"):
        unsure = ~(np.abs(v) < _EXACT_BOUND) | (np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < _HALF_MARGIN)
    for i in np.flatnonzero(unsure).tolist():
        out[i] = round(float(v[i]), 6)
    return out


def shown_scores(parts: dict[str, np.ndarray]) -> np.ndarray:
    """The shown score: the sum of the shown (rounded) parts, rounded, so an explanation always adds up. Summed in
    the parts' order from 0.0, as Python's `sum` of the rounded parts would."""
    columns = list(parts.values())
    total = np.zeros(len(columns[0]) if columns else 0)
    for values in columns:
        total = total + round6(values)
    return round6(total)


def explained(parts: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """Candidate i's shown parts."""
    return {name: round(float(values[i]), 6) for name, values in parts.items()}
