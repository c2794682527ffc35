"""The rankers the learned model is judged against, each scoring the same groups.

popularity and recency (and the sanity ranker age_idle) read the group's own feature columns (engagement
before the decision, age, idleness), so they see exactly what the model saw; heuristic is the production
fallback scorer itself; implicit_als is a real collaborative-filtering recommender (implicit's ALS), tuned on
the training period only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import scipy.sparse as sp

from distribution_service.domain.honeycomb import Scene, Slot
from distribution_service.ranking.base import Candidate, RankingContext
from distribution_service.ranking.dataset import ALIVE_DAYS, Group
from distribution_service.ranking.features import FEATURE_INDEX, KIND_CODE
from distribution_service.ranking.heuristic import HeuristicRanker
from distribution_service.ranking.metrics import per_group

KIND_BY_CODE = {v: k for k, v in KIND_CODE.items()}
ALS_GRID = {"factors": (16, 32, 64), "regularization": (0.01, 0.1), "alpha": (1.0, 10.0)}
ALS_ITERATIONS = 15
# Above any item's negated age: age_idle puts every dead item before every live one.
DEAD_FIRST = 1e6


def popularity_scores(group: Group) -> np.ndarray:
    return np.asarray(group.features[:, FEATURE_INDEX["content_popularity"]], dtype=float)


def recency_scores(group: Group) -> np.ndarray:
    return -np.asarray(group.features[:, FEATURE_INDEX["content_age_days"]], dtype=float)


def age_idle_scores(group: Group, alive_days: float = ALIVE_DAYS) -> np.ndarray:
    """The sanity ranker: items both older and idler than `alive_days` first (the oldest-and-idlest first),
    then the rest newest first. It learns nothing; under an honest protocol no such item is a candidate and it
    equals recency. If it beats recency, positives come from outside the negatives' pool (a leak)."""
    age = np.asarray(group.features[:, FEATURE_INDEX["content_age_days"]], dtype=float)
    idle = np.asarray(group.features[:, FEATURE_INDEX["content_last_activity_days"]], dtype=float)
    dead = (age > alive_days) & (idle > alive_days)
    return np.where(dead, DEAD_FIRST + np.minimum(age, idle), -age)


def heuristic_scores(group: Group, ranker: HeuristicRanker | None = None) -> np.ndarray:
    """The heuristic ranker run on candidates rebuilt from the group's features (age, engagement, kind)."""
    ranker = ranker or HeuristicRanker()
    now = datetime(2030, 1, 1, tzinfo=UTC)
    f = group.features
    candidates = [
        Candidate(
            content_id=str(i),
            kind=KIND_BY_CODE.get(int(f[i, FEATURE_INDEX["content_kind"]]), "UGC"),
            author_id=None,
            tags=(),
            published_at=now - timedelta(days=float(f[i, FEATURE_INDEX["content_age_days"]])),
            engagement=float(np.expm1(f[i, FEATURE_INDEX["content_popularity"]])),
        )
        for i in range(len(f))
    ]
    context = RankingContext("", "", Slot.MORNING, Scene.BEFORE_DECISION, now)
    scores = np.zeros(len(f))
    for scored in ranker.rank(candidates, context):
        scores[int(scored.content_id)] = scored.score
    return scores


@dataclass
class AlsBaseline:
    """implicit's ALS on the member x item engagement matrix; params chosen on a validation tail of training."""

    params: dict[str, float]
    user_index: dict[str, int]
    user_factors: np.ndarray
    item_factors: np.ndarray

    def scores(self, group: Group) -> np.ndarray:
        # A member or item ALS never saw gets no collaborative score: it falls back to popularity, scaled
        # below any learned score's spread so it only orders what ALS cannot.
        fallback = popularity_scores(group) * 1e-6
        u = self.user_index.get(group.member_id)
        if u is None:
            return fallback
        known = group.items < len(self.item_factors)
        out = fallback - 1.0
        out[known] = self.item_factors[group.items[known]] @ self.user_factors[u] + fallback[known]
        return out


def fit_als(
    members: Sequence[str], items: np.ndarray, weights: np.ndarray, n_items: int, params: dict[str, float], seed: int
) -> AlsBaseline:
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    user_index: dict[str, int] = {}
    rows = np.array([user_index.setdefault(m, len(user_index)) for m in members], dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.asarray(weights, dtype=np.float32), (rows, items)), shape=(max(1, len(user_index)), n_items)
    )
    # One BLAS thread: implicit's own advice (a BLAS thread pool fights its loops), and reproducible factors.
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=int(params["factors"]),
            regularization=float(params["regularization"]),
            alpha=float(params["alpha"]),
            iterations=ALS_ITERATIONS,
            random_state=seed,
            num_threads=1,
        )
        model.fit(matrix, show_progress=False)
    return AlsBaseline(params, user_index, np.asarray(model.user_factors), np.asarray(model.item_factors))


def tune_als(
    members: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray,
    times: np.ndarray,
    n_items: int,
    *,
    validation_start: float,
    validation_groups: list[Group],
    train_until: float,
    seed: int = 7,
) -> AlsBaseline:
    """Grid search on the training period (fit before `validation_start`, judged on validation groups by
    NDCG@10), then refit on the whole training period with the best parameters."""
    early = times < validation_start
    best: tuple[float, dict[str, float]] | None = None
    for factors, reg, alpha in itertools.product(*ALS_GRID.values()):
        params = {"factors": factors, "regularization": reg, "alpha": alpha}
        if not validation_groups:
            best = (0.0, params)
            break
        model = fit_als(list(members[early]), items[early], weights[early], n_items, params, seed)
        labels = [g.labels for g in validation_groups]
        score = float(per_group("ndcg", labels, [model.scores(g) for g in validation_groups], 10).mean())
        if best is None or score > best[0]:
            best = (score, params)
    assert best is not None
    train = times < train_until
    return fit_als(list(members[train]), items[train], weights[train], n_items, best[1], seed)
