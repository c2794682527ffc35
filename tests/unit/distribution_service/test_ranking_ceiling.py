"""`benchmarks.ranking_ceiling`'s within-period bound scores each test group with a model that never saw it, its
date-only split finds the groups anchored at a UTC midnight, and its clockless model never sees the clock."""

from __future__ import annotations

import numpy as np
import pytest

import benchmarks.ranking_ceiling as ceiling
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.features import FEATURE_INDEX, FEATURES

DAY = 86_400.0


def _group(at: float, size: int = 4) -> Group:
    labels = np.zeros(size)
    labels[0] = 2.0
    return Group(member_id="m", at=at, items=np.arange(size), labels=labels, features=np.zeros((size, 3)))


def test_folds_deal_every_index_once() -> None:
    folds = ceiling.folds_of(23, 5, seed=7)
    assert len(folds) == 5
    assert sorted(np.concatenate(folds).tolist()) == list(range(23))
    assert ceiling.folds_of(23, 5, seed=7)[0].tolist() == folds[0].tolist()  # seeded


def test_out_of_fold_scores_never_fit_on_the_scored_group(monkeypatch: pytest.MonkeyPatch) -> None:
    train = [_group(1_000.0 * k) for k in range(10)]
    test = [_group(100_000.0 + k) for k in range(12)]
    calls: list[tuple[set[int], set[int]]] = []

    def fake_model_scores(fit: list[Group], valid: list[Group], scored: list[Group], seed: int) -> list[np.ndarray]:
        calls.append(({id(g) for g in fit + valid}, {id(g) for g in scored}))
        return [np.full(len(g.items), float(id(g))) for g in scored]

    monkeypatch.setattr(ceiling, "model_scores", fake_model_scores)
    scores = ceiling.out_of_fold_scores(train, test, folds=4, seed=1)

    assert len(calls) == 4
    for fitted, scored in calls:
        assert not fitted & scored
        assert {id(g) for g in train} <= fitted  # training's fit part and its validation fifth
    assert set().union(*(scored for _, scored in calls)) == {id(g) for g in test}
    assert all(row[0] == float(id(g)) for row, g in zip(scores, test, strict=True))  # each in its own place


def test_date_only_anchors_are_utc_midnights() -> None:
    assert ceiling.date_only_anchor(_group(19_000 * DAY))
    assert not ceiling.date_only_anchor(_group(19_000 * DAY + 1.5))


def test_the_clockless_model_neither_fits_nor_scores_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    def timed(at: float) -> Group:
        return Group(
            member_id="m", at=at, items=np.arange(3), labels=np.array([1.0, 0, 0]), features=np.ones((3, len(FEATURES)))
        )

    seen: list[np.ndarray] = []

    def fake_model_scores(fit: list[Group], valid: list[Group], scored: list[Group], seed: int) -> list[np.ndarray]:
        seen.extend(g.features for g in fit + valid + scored)
        return [np.zeros(len(g.items)) for g in scored]

    monkeypatch.setattr(ceiling, "model_scores", fake_model_scores)
    ceiling.without_clock_scores([timed(1.0)], [timed(2.0)], [timed(3.0)], seed=7)

    clock = [FEATURE_INDEX[name] for name in ceiling.CLOCK]
    others = [k for k in range(len(FEATURES)) if k not in clock]
    assert len(seen) == 3
    assert all((x[:, clock] == 0).all() and (x[:, others] == 1).all() for x in seen)


def test_in_period_copies_weigh_the_seen_test_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    train = [_group(1_000.0 * k) for k in range(10)]
    test = [_group(100_000.0 + k) for k in range(6)]
    fits: list[list[Group]] = []

    def fake_model_scores(fit: list[Group], valid: list[Group], scored: list[Group], seed: int) -> list[np.ndarray]:
        fits.append(fit)
        return [np.zeros(len(g.items)) for g in scored]

    monkeypatch.setattr(ceiling, "model_scores", fake_model_scores)
    ceiling.out_of_fold_scores(train, test, folds=3, seed=1, copies=4)

    for fit in fits:
        seen = [g for g in fit if g.at >= 100_000.0]
        assert len(seen) == 4 * 4  # the other two folds' four groups, four times each
        assert all(seen.count(g) == 4 for g in seen)
