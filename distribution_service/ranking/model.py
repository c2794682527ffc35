"""A trained LightGBM ranker as serving uses it: loaded once from its text, scores a feature matrix, and
explains a score with LightGBM's exact per-feature contributions (`pred_contrib`, SHAP values)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

from distribution_service.ranking.features import FEATURES
from infra.logging import get_logger

TOP_CONTRIBUTIONS = 5
log = get_logger(__name__)


def compile_model(model_text: str) -> Any | None:
    """The model compiled to native code by lleaves (same scores, ~10x faster than Booster.predict on a feed's
    500 rows: benchmarks/ranking.py); None when lleaves is unavailable or refuses the model."""
    try:
        import lleaves
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.txt"
        path.write_text(model_text)
        try:
            compiled = lleaves.Model(model_file=str(path))
            compiled.compile()
        except Exception as exc:  # any refusal means: serve with LightGBM itself
            log.warning("model_not_compiled", error=str(exc))
            return None
    return compiled


class ModelMismatchError(ValueError):
    """The stored model was trained on other features than this code builds: refuse it, do not mis-score."""


class RankingModel:
    def __init__(self, version: str, model_text: str, features: Sequence[str], *, compiled: bool = True) -> None:
        if tuple(features) != FEATURES:
            raise ModelMismatchError(f"model {version} was trained on features {list(features)}, not {list(FEATURES)}")
        self.version = version
        self.booster = lgb.Booster(model_str=model_text)
        if self.booster.num_feature() != len(FEATURES):
            raise ModelMismatchError(f"model {version} expects {self.booster.num_feature()} features")
        self.compiled = compile_model(model_text) if compiled else None

    def score(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        if self.compiled is not None:
            return np.asarray(self.compiled.predict(np.asarray(x, dtype=np.float64), n_jobs=1), dtype=float)
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=float)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """(n, features + 1): each feature's share of each score, the last column the model's bias."""
        if len(x) == 0:
            return np.zeros((0, len(FEATURES) + 1))
        return np.asarray(self.booster.predict(x, pred_contrib=True, num_threads=1), dtype=float)


def top_contributions(row: np.ndarray, k: int = TOP_CONTRIBUTIONS) -> dict[str, float]:
    """The k largest contributions by magnitude, plus `bias` and `other` so that the parts add up to the score."""
    parts = row[:-1]
    order = np.argsort(-np.abs(parts), kind="stable")[:k]
    shown = {FEATURES[i]: round(float(parts[i]), 6) for i in order}
    shown["other"] = round(float(parts.sum() - parts[order].sum()), 6)
    shown["bias"] = round(float(row[-1]), 6)
    return shown
