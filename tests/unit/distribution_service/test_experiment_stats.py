"""The readout's statistics on simulated experiments (seeded): SRM caught, a known effect recovered inside its
interval, an A/A test's false positives held at alpha however often it is peeked at, power as published."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from distribution_service.domain.assignment import assign
from distribution_service.domain.experiment_enums import ExperimentMetric
from distribution_service.domain.experiment_readout import ArmSample, readout
from distribution_service.domain.experiment_stats import (
    ALPHA,
    PLAYBOOK_FLOOR,
    cs_radius,
    detectable_effect,
    power_plan,
    sample_size_per_arm,
)
from distribution_service.domain.experiments import sample_ratio_check


def _sample(name: str, opened: np.ndarray, pre: np.ndarray | None = None) -> ArmSample:
    zeros = np.zeros(len(opened))
    return ArmSample(name, opened, zeros + 1, zeros, zeros, zeros, pre)


def test_an_injected_sample_ratio_mismatch_is_flagged() -> None:
    members = [f"{i:024x}" for i in range(40_000)]
    arms = np.array([assign(m, "srm", [0.5, 0.5]) for m in members])
    clean = {"control": int((arms == 0).sum()), "treatment": int((arms == 1).sum())}
    assert not sample_ratio_check(clean, {"control": 0.5, "treatment": 0.5})["flagged"]
    # A logging bug drops 5% of the treatment's exposures.
    rng = np.random.default_rng(3)
    kept = (arms == 0) | (rng.random(len(arms)) > 0.05)
    broken = {"control": int(((arms == 0) & kept).sum()), "treatment": int(((arms == 1) & kept).sum())}
    check = sample_ratio_check(broken, {"control": 0.5, "treatment": 0.5})
    assert check["flagged"]
    assert check["p_value"] < 0.001


def test_a_known_effect_is_recovered_within_its_interval() -> None:
    rng = np.random.default_rng(11)
    n, base, effect = 30_000, 0.20, 0.02
    # Members have their own propensity, seen in the pre-period too: what CUPED uses.
    propensity = rng.beta(2, 8, size=2 * n)
    pre = (rng.random(2 * n) < propensity).astype(float)
    lift = np.r_[np.zeros(n), np.full(n, effect)]
    opened = (rng.random(2 * n) < np.clip(propensity + lift, 0, 1)).astype(float)
    assert propensity.mean() == pytest.approx(base, abs=0.01)
    result = readout(
        [_sample("control", opened[:n], pre[:n]), _sample("bold-copy", opened[n:], pre[n:])],
        [0.5, 0.5],
        ExperimentMetric.OPEN_RATE,
        salt="known",
        target_sample=2 * n,
    )
    (comparison,) = result["comparisons"]
    assert comparison["seq_low"] <= effect <= comparison["seq_high"]
    assert comparison["cuped_seq_low"] <= effect <= comparison["cuped_seq_high"]
    assert comparison["ci_low"] <= effect <= comparison["ci_high"]
    assert comparison["significant"]
    # CUPED narrows the interval by the share of variance the pre-period explains.
    assert comparison["variance_reduction"] > 0.0
    assert comparison["cuped_seq_high"] - comparison["cuped_seq_low"] < comparison["seq_high"] - comparison["seq_low"]
    assert not result["blinded"]
    assert {a["label"] for a in result["arms"]} == {"control", "bold-copy"}


def test_arm_labels_are_hidden_until_the_preregistered_sample() -> None:
    arms = [_sample("control", np.ones(50)), _sample("bold-copy", np.zeros(50))]
    early = readout(arms, [0.5, 0.5], ExperimentMetric.OPEN_RATE, salt="blind", target_sample=1000)
    assert early["blinded"]
    assert {a["label"] for a in early["arms"]} == {"Arm A", "Arm B"}
    shown = [early["control"], *(a["label"] for a in early["arms"]), *(c["label"] for c in early["comparisons"])]
    shown += list(early["srm"]["observed"])
    assert not {"control", "bold-copy"} & set(shown)
    late = readout(arms, [0.5, 0.5], ExperimentMetric.OPEN_RATE, salt="blind", target_sample=100)
    assert not late["blinded"]
    assert late["control"] == "control"


def _aa_peeking(rng: np.random.Generator, runs: int, n: int, looks: int, rate: float) -> tuple[float, float]:
    """False-positive rates of an A/A test read at `looks` evenly spaced moments: the always-valid interval's
    and, for contrast, a fixed-horizon t-test's read at every look."""
    a = (rng.random((runs, n)) < rate).astype(float)
    b = (rng.random((runs, n)) < rate).astype(float)
    at = np.linspace(n // looks, n, looks).astype(int)
    ca, cb = np.cumsum(a, axis=1)[:, at - 1], np.cumsum(b, axis=1)[:, at - 1]
    ma, mb = ca / at, cb / at
    va, vb = ma * (1 - ma) * at / (at - 1), mb * (1 - mb) * at / (at - 1)
    variance = np.maximum(va / at + vb / at, 1e-12)
    diff = mb - ma
    tau2 = (0.1 * np.sqrt(rate * (1 - rate))) ** 2
    sequential = (np.abs(diff) > cs_radius(variance, ALPHA, tau2)).any(axis=1).mean()
    naive = (np.abs(diff) > stats.norm.ppf(1 - ALPHA / 2) * np.sqrt(variance)).any(axis=1).mean()
    return float(sequential), float(naive)


def test_an_aa_tests_false_positives_stay_at_alpha_under_repeated_peeking() -> None:
    sequential, naive = _aa_peeking(np.random.default_rng(2026), runs=2000, n=2000, looks=20, rate=0.2)
    # Twenty peeks at a fixed-horizon test reject far more often than alpha; the always-valid interval does not.
    assert naive > 2 * ALPHA
    assert sequential <= ALPHA


def test_power_and_sample_size() -> None:
    # 5% relative on a 20% open rate: the textbook 2·(z_.975+z_.8)²·p(1-p)/δ² per arm.
    assert sample_size_per_arm(0.4, 0.01) == 25_117
    assert detectable_effect(0.4, 25_117) == pytest.approx(0.01, rel=1e-3)
    plan = power_plan(0.2, None, 0.05)
    assert plan["total"] == 50_234
    assert plan["meets_floor"]
    floor = plan["detectable"][-1]
    assert floor["total"] == PLAYBOOK_FLOOR
    # Below the floor only larger effects are detectable: 10,000 members see ~11% relative, not 5%.
    at_10k = next(d for d in plan["detectable"] if d["total"] == 10_000)
    assert at_10k["relative"] == pytest.approx(0.112, abs=0.002)
