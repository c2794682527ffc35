"""The fallback ranker's settings refuse weights it cannot rank with, and reach its weights as given."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from distribution_service.app import heuristic_weights
from distribution_service.ranking.heuristic import HeuristicRanker
from tests.fast_settings import build_settings


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ranking_heuristic_engagement", -0.1),
        ("ranking_heuristic_engagement", 11.0),
        ("ranking_heuristic_engagement", float("inf")),
        ("ranking_heuristic_half_life_days", 0.0),
        ("ranking_heuristic_half_life_days", 366.0),
        ("ranking_heuristic_half_life_days", float("nan")),
    ],
)
def test_weights_out_of_range_are_refused(name: str, value: float) -> None:
    with pytest.raises(ValidationError, match=name):
        build_settings(**{name: value})


def test_the_settings_become_the_fallbacks_weights() -> None:
    settings = build_settings(ranking_heuristic_engagement=0.2, ranking_heuristic_half_life_days=3.0)

    weights = heuristic_weights(settings)

    assert (weights.engagement, weights.half_life_days) == (0.2, 3.0)
    assert HeuristicRanker(weights).version == "heuristic-3(half_life_days=3.0,engagement=0.2)"
    assert HeuristicRanker(heuristic_weights(build_settings())).version == "heuristic-3"
