"""`benchmarks.heuristic_weights` chooses, at the kept half-life, the largest engagement weight whose training mean
is within the tolerance of the best there, never reading the test groups."""

from __future__ import annotations

from typing import Any

from benchmarks.heuristic_weights import choose


def rows(train: dict[tuple[float, float], float]) -> dict[tuple[float, float], dict[str, Any]]:
    # Test means that would choose otherwise: the choice must not read them.
    return {point: {"train_mean": mean, "test_mean": 2.0 - mean} for point, mean in train.items()}


def test_the_largest_weight_within_the_tolerance_at_the_kept_half_life() -> None:
    grid = rows(
        {
            (0.0, 7.0): 1.000,
            (0.03, 7.0): 0.995,
            (0.05, 7.0): 0.985,
            (1.0, 7.0): 0.60,
            (0.03, 2.0): 1.010,  # the best overall, at a half-life the data cannot choose
        }
    )
    assert choose(grid, 7.0, 0.01) == (0.03, 7.0)
    assert choose(grid, 7.0, 0.02) == (0.05, 7.0)
    assert choose(grid, 7.0, 0.0) == (0.0, 7.0)
    assert choose(grid, 2.0, 0.01) == (0.03, 2.0)
