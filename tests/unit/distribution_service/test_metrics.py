"""Ranking metrics against worked examples (the oracles of recommenders-team/recommenders' tests)."""

from __future__ import annotations

import numpy as np
import pytest

from distribution_service.ranking.metrics import average_precision_at_k, bootstrap_ci95, ndcg_at_k, summary


def test_ndcg_of_perfect_ranking_is_one() -> None:
    labels = np.array([0, 3, 1, 2])
    assert ndcg_at_k(labels, labels.astype(float), 10) == pytest.approx(1.0)


def test_ndcg_with_no_relevant_item_in_top_k_is_zero() -> None:
    labels = np.array([0, 0, 0, 1])
    assert ndcg_at_k(labels, np.array([4.0, 3.0, 2.0, 1.0]), 3) == 0.0


def test_ndcg_worked_example() -> None:
    # Wikipedia's relevances 3,2,3,0,1,2 in ranked order, with gain 2^rel - 1:
    # DCG = 7 + 3/log2(3) + 7/2 + 0 + 1/log2(6) + 3/log2(7) = 13.84826;
    # ideal 7,7,3,3,1,0: 7 + 7/log2(3) + 3/2 + 3/log2(5) + 1/log2(6) = 14.59538; ratio 0.948811.
    labels = np.array([3, 2, 3, 0, 1, 2])
    assert ndcg_at_k(labels, np.array([6.0, 5, 4, 3, 2, 1]), 6) == pytest.approx(0.948811, abs=1e-6)


def test_ndcg_breaks_ties_in_given_order() -> None:
    assert ndcg_at_k(np.array([0, 1]), np.array([1.0, 1.0]), 1) == 0.0


def test_map_worked_example() -> None:
    # Hits at ranks 1 and 3 of 2 relevant items: (1/1 + 2/3) / 2.
    assert average_precision_at_k(np.array([1, 0, 1, 0, 0]), np.array([5.0, 4, 3, 2, 1]), 10) == pytest.approx(5 / 6)


def test_map_divides_by_k_when_more_relevant_than_k() -> None:
    assert average_precision_at_k(np.array([1, 1, 1]), np.array([3.0, 2, 1]), 2) == pytest.approx(1.0)


def test_summary_averages_over_groups() -> None:
    labels = [np.array([1, 0]), np.array([0, 1])]
    scores = [np.array([2.0, 1.0]), np.array([2.0, 1.0])]
    assert summary(labels, scores) == {"ndcg@5": 0.815465, "ndcg@10": 0.815465, "map@10": 0.75}


def test_bootstrap_interval_of_constant_values_is_that_value() -> None:
    assert bootstrap_ci95(np.full(30, 0.5)) == (0.5, 0.5)


def test_bootstrap_interval_contains_the_mean() -> None:
    values = np.linspace(0.0, 1.0, 101)
    low, high = bootstrap_ci95(values)
    assert low < 0.5 < high
    assert (round(low, 1), round(high, 1)) == (0.4, 0.6)


def test_ndcg_agrees_with_scikit_learn_on_binary_labels() -> None:
    # With 0/1 labels, exponential and linear gains coincide: scikit-learn's ndcg_score is an independent oracle.
    from sklearn.metrics import ndcg_score

    rng = np.random.default_rng(3)
    for _ in range(20):
        labels = (rng.random(30) < 0.2).astype(int)
        labels[0] = 1
        scores = rng.permutation(30).astype(float)
        expected = ndcg_score(labels[None, :], scores[None, :], k=10)
        assert ndcg_at_k(labels, scores, 10) == pytest.approx(expected, abs=1e-12)
