"""A trained LightGBM ranker as serving uses it: loaded once from its text, scores a feature matrix, and
explains a score with LightGBM's exact per-feature contributions (`pred_contrib`, SHAP values)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from prometheus_client import Counter

from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.lazy_imports import RANKING_IMPORTS
from infra.logging import get_logger

TOP_CONTRIBUTIONS = 5
# Serving scores with LightGBM itself: lleaves saved ~1.1 ms of predict on a feed's 500 rows (0.2 vs 1.3 ms,
# measured on this 2-core machine) but took ~8.5 s to compile each promoted model, and it pins llvmlite below
# 0.44 (no wheel for Python 3.13). compile_model stays for benchmarks/ranking.py's comparison.
COMPILE_WITH_LLEAVES = False
log = get_logger(__name__)
# Alert on any increase: a promoted model the code cannot serve (its features differ), so feeds use the heuristic.
MODELS_REFUSED = Counter(
    "ranking_models_refused_total", "Promoted models refused at load because their features differ", ["version"]
)


def compile_model(model_text: str) -> Any | None:
    """The model compiled to native code by lleaves (same scores, ~10x faster than Booster.predict on a feed's
    500 rows: benchmarks/ranking.py); None when lleaves is unavailable or refuses the model."""
    try:
        with RANKING_IMPORTS:
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
    def __init__(
        self, version: str, model_text: str, features: Sequence[str], *, compiled: bool = COMPILE_WITH_LLEAVES
    ) -> None:
        if tuple(features) != FEATURES:
            raise ModelMismatchError(f"model {version} was trained on features {list(features)}, not {list(FEATURES)}")
        self.version = version
        # Imported here, in the registry's loading thread: lightgbm pulls in scikit-learn, scipy and pandas (seconds),
        # which a service must not pay before it answers /readyz.
        with RANKING_IMPORTS:
            import lightgbm as lgb

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


def load_model(version: str, model_text: str, features: Sequence[str]) -> RankingModel | None:
    """The model, or None when its feature list is not the code's (a feature added or renamed since it was
    trained): the feed then ranks with the heuristic, and the refusal is logged and counted for an alert, never
    raised into a feed."""
    try:
        return RankingModel(version, model_text, features)
    except ModelMismatchError as exc:
        MODELS_REFUSED.labels(version=version).inc()
        log.error("model_refused", version=version, error=str(exc))
        return None


def top_contributions(row: np.ndarray, k: int = TOP_CONTRIBUTIONS) -> dict[str, float]:
    """The k largest contributions by magnitude, plus `bias` and `other` so that the parts add up to the score."""
    parts = row[:-1]
    order = np.argsort(-np.abs(parts), kind="stable")[:k]
    shown = {FEATURES[i]: round(float(parts[i]), 6) for i in order}
    shown["other"] = round(float(parts.sum() - parts[order].sum()), 6)
    shown["bias"] = round(float(row[-1]), 6)
    return shown
