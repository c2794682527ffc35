"""RFM quantile scores and the pyramid cut."""

from __future__ import annotations

import numpy as np

from users_service.domain import rfm
from users_service.domain.layers import Layer


def test_zero_and_missing_score_one_and_the_rest_score_by_quartile() -> None:
    values = np.array([0.0, np.nan, 10.0, 20.0, 30.0, 40.0])
    assert rfm.quantile_scores(values).tolist() == [1, 1, 2, 3, 4, 5]


def test_ties_share_a_score() -> None:
    # Three tied at average rank 2 of 4 (50th percentile) score 3; the top scores 5.
    assert rfm.quantile_scores(np.array([5.0, 5.0, 5.0, 9.0])).tolist() == [3, 3, 3, 5]


def test_recency_scores_fewer_days_higher_and_today_is_not_absence() -> None:
    scores = rfm.score(np.array([0.0, 30.0, np.nan, 300.0]), np.zeros(4), np.zeros(4))
    assert scores.recency.tolist() == [5, 4, 1, 3]


def test_layer_sizes_round_half_up() -> None:
    assert rfm.layer_sizes(25, activated_share=0.15, core_share=0.10) == (4, 3)


def test_pyramid_cuts_from_the_top_and_leaves_members_without_signal_in_base() -> None:
    n = 20
    frequency = np.zeros(n)
    frequency[:3] = [30.0, 20.0, 10.0]
    monetary = np.zeros(n)
    recency = np.where(frequency > 0, 1.0, np.nan)
    scores = rfm.score(recency, frequency, monetary)
    layers = rfm.assign_layers(scores, monetary, frequency, activated_share=0.15, core_share=0.10)
    assert layers[:3] == [Layer.CORE, Layer.CORE, Layer.ACTIVATED]
    assert layers[3:] == [Layer.BASE] * 17
