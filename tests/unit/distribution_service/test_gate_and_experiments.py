"""The promotion gate's verdict and the experiment statistics, on figures whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from distribution_service.domain.experiments import sample_ratio_check, uplift
from distribution_service.ranking.gate import verdict


def candidate(model: float, *, groups: int = 500, **baselines: float) -> dict[str, object]:
    metrics = {"lightgbm": {"ndcg@10": model}} | {k: {"ndcg@10": v} for k, v in baselines.items()}
    return {"version": "lgbm-new", "groups": {"train": groups, "test": 100}, "metrics": metrics}


def test_a_model_above_every_baseline_and_the_active_one_passes() -> None:
    v = verdict(candidate(0.6, recency=0.5, popularity=0.55), min_groups=200, active_version="old", active_ndcg=0.58)
    assert v.passed
    assert (v.figures["best_baseline"], v.figures["active_ndcg@10"]) == ("popularity", 0.58)


def test_below_the_best_baseline_is_refused_but_a_leak_detector_is_no_baseline() -> None:
    refused = verdict(candidate(0.5, recency=0.52, age_idle=0.9), min_groups=200, active_version=None, active_ndcg=None)
    assert refused.refusals == ["NDCG@10 0.5000 is below the best baseline's (recency 0.5200)"]
    assert verdict(candidate(0.5, age_idle=0.9), min_groups=200, active_version=None, active_ndcg=None).passed


def test_below_the_active_model_or_under_the_minimum_is_refused() -> None:
    v = verdict(candidate(0.5, groups=150, recency=0.4), min_groups=200, active_version="old", active_ndcg=0.51)
    assert v.refusals == [
        "trained on 150 groups, fewer than the minimum of 200 (--min-groups)",
        "NDCG@10 0.5000 is below the active model's (old 0.5100) on the same test groups",
    ]


def test_a_sixty_forty_split_under_a_fifty_fifty_design_is_flagged_and_a_fair_one_is_not() -> None:
    design = {"control": 0.5, "treatment": 0.5}
    assert sample_ratio_check({"control": 600, "treatment": 400}, design)["flagged"] is True
    fair = sample_ratio_check({"control": 507, "treatment": 493}, design)
    assert fair["flagged"] is False
    assert fair["p_value"] > 0.5
    # A 90/10 design is judged against its own shares.
    assert sample_ratio_check({"control": 900, "treatment": 100}, {"control": 0.9, "treatment": 0.1})["p_value"] == 1.0


def test_uplift_interval_covers_the_true_difference_and_excludes_zero_when_it_is_large() -> None:
    rng = np.random.default_rng(1)
    control = rng.binomial(1, 0.10, size=4000).astype(float)
    treatment = rng.binomial(1, 0.13, size=4000).astype(float)
    lift = uplift(control, treatment)
    low, high = lift["absolute_ci95"]
    assert 0.0 < low <= lift["absolute"] <= high
    assert low <= 0.03 <= high
    assert lift["relative"] == pytest.approx(lift["absolute"] / control.mean(), abs=1e-5)
    assert uplift(np.array([]), treatment)["absolute"] is None
