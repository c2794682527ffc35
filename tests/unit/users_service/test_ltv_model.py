"""The LTV model's pure parts: features by subtraction, error metrics, calibration, beating the naive baseline."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from users_service.domain import ltv_features as features
from users_service.domain import ltv_model as model

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_errors_worked_example() -> None:
    result = model.errors(np.array([0.0, 2.0]), np.array([1.0, 4.0]))
    assert (result.mae, result.rmse) == (1.5, pytest.approx(math.sqrt(2.5)))


def test_calibration_puts_members_in_bins_sorted_by_prediction() -> None:
    bins = model.calibration(np.array([4.0, 1.0, 3.0, 2.0]), np.array([40.0, 10.0, 30.0, 20.0]))
    assert [(b.members, b.predicted_mean, b.actual_mean) for b in bins] == [
        (1, 1.0, 10.0),
        (1, 2.0, 20.0),
        (1, 3.0, 30.0),
        (1, 4.0, 40.0),
    ]


def test_model_without_any_value_to_learn_predicts_zero() -> None:
    fitted = model.fit(np.ones((5, 3)), np.zeros(5))
    assert model.predict(fitted, np.ones((2, 3))).tolist() == [0.0, 0.0]


def test_model_learns_value_from_activity_and_beats_carrying_last_period_forward() -> None:
    rng = np.random.default_rng(7)
    n = 1000
    activity = rng.poisson(3.0, size=(2, n)).astype(float)
    last_period = rng.poisson(2.0, size=(2, n)).astype(float) * 100
    x = np.zeros((2, n, len(features.FEATURES)))
    x[:, :, features.FEATURES.index("events_90d")] = activity
    x[:, :, features.FEATURES.index("revenue_365d")] = last_period
    # Next year's value follows recent activity, not last year's payments.
    y = activity * 200.0
    fitted = model.fit(x[0], y[0])
    evaluation = model.evaluate(fitted, x[1], y[1], naive_forecast=last_period[1], train_mean=float(y[0].mean()))
    assert evaluation.model.mae < 0.1 * evaluation.naive.mae
    assert evaluation.total_ratio == pytest.approx(1.0, abs=0.05)


def test_model_round_trips_through_bytes() -> None:
    fitted = model.fit(np.arange(60, dtype=float).reshape(30, 2), np.arange(30, dtype=float))
    again = model.loads(model.dumps(fitted))
    probe = np.array([[10.0, 11.0]])
    assert model.predict(again, probe).tolist() == model.predict(fitted, probe).tolist()


def _since(events: dict[str, int], revenue: dict[str, int] | None = None) -> features.Since:
    return features.Since(events=events, engagement={}, revenue=revenue or {}, contents={})


def test_window_features_are_differences_of_since_answers() -> None:
    cutoff = NOW - timedelta(days=365)
    since = {
        None: _since({"m": 10}, {"m": 500}),
        cutoff - timedelta(days=365): _since({"m": 9}, {"m": 500}),
        cutoff - timedelta(days=90): _since({"m": 6}, {"m": 300}),
        cutoff - timedelta(days=30): _since({"m": 5}),
        cutoff: _since({"m": 2}, {"m": 100}),
    }
    row = features.matrix(["m"], [cutoff - timedelta(days=400)], cutoff, since)[0]
    named = dict(zip(features.FEATURES, row.tolist(), strict=True))
    assert (named["tenure_days"], named["events_30d"], named["events_90d"], named["events_365d"]) == (
        400.0,
        3.0,
        4.0,
        7.0,
    )
    assert (named["events_all"], named["revenue_90d"], named["revenue_365d"], named["revenue_all"]) == (
        8.0,
        200.0,
        400.0,
        400.0,
    )
