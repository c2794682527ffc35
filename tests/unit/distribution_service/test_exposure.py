"""The exposure boost rule: ln(factor) added to any ranker's score, so +300% is four times the odds of first place."""

from __future__ import annotations

import math

import numpy as np

from distribution_service.domain.exposure import boosted, log_boost


def test_unboosted_scores_are_unchanged_and_300_percent_adds_ln_4() -> None:
    assert log_boost(np.array([1.0, 4.0])).tolist() == [0.0, math.log(4.0)]
    assert boosted(np.array([-0.5, 2.0]), np.array([1.0, 1.0])).tolist() == [-0.5, 2.0]


def test_a_boost_lifts_past_rivals_within_its_log_and_is_an_odds_ratio_of_its_factor() -> None:
    scores = np.array([1.0, 0.0, -2.0])  # a lambdarank model's scores: may be negative
    lifted = boosted(scores, np.array([1.0, 4.0, 4.0]))
    assert np.argsort(-lifted).tolist() == [1, 0, 2]  # 1.386 > 1.0: the boosted item passes; -0.61 does not
    odds = math.exp(lifted[1] - lifted[0]) / math.exp(scores[1] - scores[0])
    assert math.isclose(odds, 4.0)
