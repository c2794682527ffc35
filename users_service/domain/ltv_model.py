"""Train and evaluate an LTV model: gradient-boosted trees against a naive "next period = last period" baseline.

scikit-learn's HistGradientBoostingRegressor with a Poisson loss: value is a non-negative amount, mostly zero,
with a long tail, and the Poisson loss keeps predictions non-negative and their sum close to the real sum.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Errors:
    mae: float
    rmse: float


@dataclass(frozen=True)
class CalibrationBin:
    members: int
    predicted_mean: float
    actual_mean: float


@dataclass(frozen=True)
class Evaluation:
    model: Errors
    naive: Errors  # each member's value over the previous period, carried forward
    mean: Errors  # the training mean for everyone
    calibration: list[CalibrationBin]
    # Sum of predictions over sum of actual values on the test period (1.0 = right in total); None if no value.
    total_ratio: float | None


def errors(predicted: NDArray[np.float64], actual: NDArray[np.float64]) -> Errors:
    if actual.size == 0:
        return Errors(0.0, 0.0)
    diff = predicted - actual
    return Errors(mae=float(np.mean(np.abs(diff))), rmse=float(math.sqrt(float(np.mean(diff**2)))))


def calibration(predicted: NDArray[np.float64], actual: NDArray[np.float64]) -> list[CalibrationBin]:
    """Members sorted by prediction, cut into equal bins: mean predicted vs mean actual per bin."""
    order = np.argsort(predicted, kind="stable")
    bins = []
    for chunk in np.array_split(order, min(CALIBRATION_BINS, max(len(order), 1))):
        if chunk.size:
            bins.append(CalibrationBin(int(chunk.size), float(predicted[chunk].mean()), float(actual[chunk].mean())))
    return bins


def fit(features: NDArray[np.float64], labels: NDArray[np.float64]) -> Any:
    """The model; a constant zero when the training period holds no value at all (nothing to learn from)."""
    # scikit-learn is imported by training, not by users_service's start: it takes seconds.
    from sklearn.dummy import DummyRegressor
    from sklearn.ensemble import HistGradientBoostingRegressor

    if labels.size == 0 or float(labels.sum()) <= 0.0:
        return DummyRegressor(strategy="constant", constant=0.0).fit(
            np.zeros((max(labels.size, 1), 1)), np.zeros(max(labels.size, 1))
        )
    model = HistGradientBoostingRegressor(loss="poisson", max_iter=200, learning_rate=0.05, random_state=0)
    # One OpenMP thread: on a small, shared machine spinning threads cost far more than they bring.
    with threadpool_limits(limits=1, user_api="openmp"):
        return model.fit(features, labels)


def predict(model: Any, features: NDArray[np.float64]) -> NDArray[np.float64]:
    from sklearn.dummy import DummyRegressor  # already imported by whatever built or unpickled `model`

    if isinstance(model, DummyRegressor):
        return np.zeros(features.shape[0], dtype=np.float64)
    with threadpool_limits(limits=1, user_api="openmp"):
        return np.clip(np.asarray(model.predict(features), dtype=np.float64), 0.0, None)


def evaluate(
    model: Any,
    test_features: NDArray[np.float64],
    test_labels: NDArray[np.float64],
    naive_forecast: NDArray[np.float64],
    train_mean: float,
) -> Evaluation:
    predicted = predict(model, test_features)
    total = float(test_labels.sum())
    return Evaluation(
        model=errors(predicted, test_labels),
        naive=errors(naive_forecast, test_labels),
        mean=errors(np.full(test_labels.shape, train_mean), test_labels),
        calibration=calibration(predicted, test_labels),
        total_ratio=float(predicted.sum()) / total if total > 0 else None,
    )


def dumps(model: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def loads(blob: bytes) -> Any:
    return joblib.load(io.BytesIO(blob))
