"""The served model: compiled (lleaves) and bare LightGBM score alike; explanations add up to the score."""

from __future__ import annotations

import numpy as np
import pytest

from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.model import ModelMismatchError, RankingModel, top_contributions
from distribution_service.ranking.training import TrainingData, TrainingResult, train_and_evaluate
from tests.unit.distribution_service.synthetic import DAY, START, community


@pytest.fixture(scope="module")
def trained() -> TrainingResult:
    catalog, log = community(members=15, items=50)
    return train_and_evaluate(TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY))


@pytest.fixture(scope="module")
def matrix() -> np.ndarray:
    x = np.random.default_rng(11).random((500, len(FEATURES))).astype(np.float32) * 5
    x[::7, 0] = np.nan  # unknown tiers take LightGBM's missing-value branch in both
    return x


def test_compiled_model_scores_like_lightgbm(trained: TrainingResult, matrix: np.ndarray) -> None:
    compiled = RankingModel("v", trained.model_text, FEATURES, compiled=True)
    bare = RankingModel("v", trained.model_text, FEATURES, compiled=False)
    assert compiled.compiled is not None
    assert bare.compiled is None
    np.testing.assert_allclose(compiled.score(matrix), bare.score(matrix), rtol=1e-9, atol=1e-9)


def test_contributions_add_up_to_the_score(trained: TrainingResult, matrix: np.ndarray) -> None:
    model = RankingModel("v", trained.model_text, FEATURES, compiled=False)
    parts = top_contributions(model.contributions(matrix[:1])[0])
    assert len(parts) == 7
    assert sum(parts.values()) == pytest.approx(model.score(matrix[:1])[0], abs=1e-5)


def test_model_trained_on_other_features_is_refused(trained: TrainingResult) -> None:
    with pytest.raises(ModelMismatchError, match="was trained on features"):
        RankingModel("v", trained.model_text, FEATURES[:-1])
