"""RFM scoring by quantiles within one community, and the three-layer pyramid. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from users_service.domain.layers import Layer
from users_service.domain.perks import Perk

SCORE_LEVELS = 5


@dataclass(frozen=True)
class Treatment:
    """How operators treat a layer; other services read it as data (offers, support, participation)."""

    summary: str
    perks: tuple[Perk, ...]


# The playbook's treatments (section 3, RFM pyramid; the core layer's early access from its content section);
# operators may overwrite them per community.
DEFAULT_TREATMENTS: dict[Layer, Treatment] = {
    Layer.BASE: Treatment("Standard content and batch offers", (Perk.STANDARD_CONTENT, Perk.BATCH_OFFERS)),
    Layer.ACTIVATED: Treatment(
        "A personalised growth path and dedicated support", (Perk.GROWTH_PATH, Perk.PRIORITY_SUPPORT)
    ),
    Layer.CORE: Treatment(
        "Take part in product decisions, share profits, read new pieces first",
        (Perk.PRODUCT_DECISIONS, Perk.PROFIT_SHARE, Perk.EARLY_ACCESS),
    ),
}


def quantile_scores(values: NDArray[np.float64], *, higher_is_better: bool = True) -> NDArray[np.int64]:
    """1 where a member shows nothing (NaN or 0), else 2..5 by quartile among those who show something.

    Scoring zeros apart matters: most members of a real community never pay, and ranking their ties together
    with payers would lift "nothing" into the middle quantiles.
    """
    scores = np.ones(values.shape[0], dtype=np.int64)
    present = ~np.isnan(values) & (values != 0)
    n = int(present.sum())
    if n == 0:
        return scores
    shown = values[present] if higher_is_better else -values[present]
    # Average ranks of ties, as a fraction in (0, 1]: equal values always get the same score.
    order = shown.argsort(kind="stable")
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = np.arange(1, n + 1, dtype=np.float64)
    _, inverse, counts = np.unique(shown, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    pct = (sums / counts)[inverse] / n
    quartile = np.clip(np.ceil(pct * (SCORE_LEVELS - 1) - 1e-9), 1, SCORE_LEVELS - 1).astype(np.int64)
    scores[present] = 1 + quartile
    return scores


@dataclass(frozen=True)
class RfmScores:
    recency: NDArray[np.int64]
    frequency: NDArray[np.int64]
    monetary: NDArray[np.int64]

    @property
    def total(self) -> NDArray[np.int64]:
        return self.recency + self.frequency + self.monetary


def score(
    recency_days: NDArray[np.float64], frequency: NDArray[np.float64], monetary: NDArray[np.float64]
) -> RfmScores:
    """Recency in days since the last event (NaN = never; 0 days counts as the freshest, not as nothing)."""
    # Shift by one day so that "today" (0 days) is a value, not an absence.
    recency = np.where(np.isnan(recency_days), np.nan, recency_days + 1.0)
    return RfmScores(
        recency=quantile_scores(recency, higher_is_better=False),
        frequency=quantile_scores(frequency),
        monetary=quantile_scores(monetary),
    )


def layer_sizes(n: int, *, activated_share: float, core_share: float) -> tuple[int, int]:
    """(activated, core) head counts for n members; rounding half up so that 10% of 25 is 3, not 2."""
    core = int(n * core_share + 0.5)
    activated = min(int(n * activated_share + 0.5), n - core)
    return activated, core


def assign_layers(
    scores: RfmScores,
    monetary: NDArray[np.float64],
    frequency: NDArray[np.float64],
    *,
    activated_share: float,
    core_share: float,
) -> list[Layer]:
    """Rank members by total score (ties: money, then activity, then the order given: the caller passes members in
    id order, earliest first) and cut the pyramid from the top.

    A member who shows nothing at all (score 3) stays in the base layer even when the community is small
    enough that the cut would reach them.
    """
    n = scores.total.shape[0]
    activated, core = layer_sizes(n, activated_share=activated_share, core_share=core_share)
    order = np.lexsort((-np.nan_to_num(frequency), -np.nan_to_num(monetary), -scores.total))
    layers = [Layer.BASE] * n
    empty = scores.total <= 3
    for position, index in enumerate(order.tolist()):
        if empty[index]:
            continue
        if position < core:
            layers[index] = Layer.CORE
        elif position < core + activated:
            layers[index] = Layer.ACTIVATED
    return layers
