"""Ranking metrics over query groups, and a bootstrap over groups for how sure a figure is.

Conventions (those of recommenders-team/recommenders and LightGBM): NDCG@k uses gain 2^rel - 1 and log2
discounts, with the ideal DCG from the group's own labels; MAP@k divides by min(k, number of relevant items).
A group with no relevant item scores 0 (it cannot be ranked well or badly; training drops such groups).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _order(scores: np.ndarray) -> np.ndarray:
    # Stable, so that ties keep the candidates' given order and every ranker is judged the same way on ties.
    return np.argsort(-scores, kind="stable")


def ndcg_at_k(labels: np.ndarray, scores: np.ndarray, k: int) -> float:
    labels = np.asarray(labels, dtype=float)
    gains = np.power(2.0, labels) - 1.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    top = gains[_order(np.asarray(scores, dtype=float))][:k]
    ideal = np.sort(gains)[::-1][:k]
    ideal_dcg = float(np.sum(ideal * discounts[: len(ideal)]))
    if ideal_dcg == 0.0:
        return 0.0
    return float(np.sum(top * discounts[: len(top)])) / ideal_dcg


def average_precision_at_k(labels: np.ndarray, scores: np.ndarray, k: int) -> float:
    relevant = np.asarray(labels) > 0
    total = int(relevant.sum())
    if total == 0:
        return 0.0
    hits = relevant[_order(np.asarray(scores, dtype=float))][:k]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(precision * hits)) / min(k, total)


def per_group(metric: str, labels: Sequence[np.ndarray], scores: Sequence[np.ndarray], k: int) -> np.ndarray:
    fn = ndcg_at_k if metric == "ndcg" else average_precision_at_k
    return np.array([fn(y, s, k) for y, s in zip(labels, scores, strict=True)], dtype=float)


def summary(labels: Sequence[np.ndarray], scores: Sequence[np.ndarray]) -> dict[str, float]:
    return {
        "ndcg@5": round(float(per_group("ndcg", labels, scores, 5).mean()), 6) if labels else 0.0,
        "ndcg@10": round(float(per_group("ndcg", labels, scores, 10).mean()), 6) if labels else 0.0,
        "map@10": round(float(per_group("map", labels, scores, 10).mean()), 6) if labels else 0.0,
    }


def bootstrap_ci95(values: np.ndarray, *, samples: int = 1000, seed: int = 7) -> tuple[float, float]:
    """Percentile interval of the mean over groups resampled with replacement."""
    if len(values) == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(values), size=(samples, len(values)))
    means = values[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return (round(float(low), 6), round(float(high), 6))


def paired_ratio_ci95(
    a: np.ndarray, b: np.ndarray, *, samples: int = 1000, seed: int = 7
) -> tuple[float, float, float]:
    """mean(a) / mean(b) over the same groups, with a percentile interval from resampling groups (the same
    resample for both, so the interval is of the paired difference, not of two independent means)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) == 0 or b.mean() == 0:
        return (0.0, 0.0, 0.0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(a), size=(samples, len(a)))
    ratios = a[picks].mean(axis=1) / np.maximum(b[picks].mean(axis=1), 1e-12)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return (round(float(a.mean() / b.mean()), 6), round(float(low), 6), round(float(high), 6))
