"""The statistics of an experiment readout, pure: effect with a fixed-horizon interval (Welch, scipy), CUPED on
a pre-period covariate, always-valid intervals (a normal-mixture mSPRT confidence sequence: valid at every
look, so peeking does not inflate errors), power and sample size, and the blind labels of arms.

Units are members: a member's metric over the experiment is one observation, whatever they did many times.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ALPHA = 0.05
POWER = 0.8
# The playbook's floor: a test reads out with at least this many members.
PLAYBOOK_FLOOR = 100_000


def _stats() -> Any:
    """scipy.stats, imported on first use: it takes seconds, which a service's start-up does not need."""
    from scipy import stats

    return stats


def welch(control: np.ndarray, treatment: np.ndarray, alpha: float = ALPHA) -> tuple[float, float, float]:
    """Treatment's mean minus control's with its fixed-horizon (1-alpha) interval: valid at ONE pre-planned look."""
    if len(control) < 2 or len(treatment) < 2:
        return (
            (float(np.mean(treatment)) - float(np.mean(control)) if len(control) and len(treatment) else 0.0),
            (float("-inf")),
            float("inf"),
        )
    if float(np.var(control)) == 0.0 and float(np.var(treatment)) == 0.0:
        diff = float(treatment.mean() - control.mean())
        return diff, diff, diff
    result = _stats().ttest_ind(treatment, control, equal_var=False)
    interval = result.confidence_interval(confidence_level=1 - alpha)
    return float(treatment.mean() - control.mean()), float(interval.low), float(interval.high)


def cuped_theta(values: np.ndarray, pre: np.ndarray) -> float:
    """The CUPED coefficient cov(Y, X)/var(X), pooled over every arm (so it cannot favour one)."""
    variance = float(np.var(pre))
    if variance == 0.0 or len(values) < 2:
        return 0.0
    return float(np.cov(values, pre, ddof=0)[0, 1] / variance)


def cuped_adjust(values: np.ndarray, pre: np.ndarray, theta: float, pre_mean: float) -> np.ndarray:
    """Y − θ(X − mean X): same expectation, less variance by the share of Y the pre-period explains."""
    return values - theta * (pre - pre_mean)


def mixture_variance(control: np.ndarray, treatment: np.ndarray, mde: float | None) -> float:
    """τ² of the mSPRT's normal mixture over effects: the square of the effect the test is sized for (the
    pre-registered minimum detectable effect), else a tenth of a pooled standard deviation."""
    if mde:
        return float(mde) ** 2
    pooled = np.concatenate([control, treatment])
    sd = float(np.std(pooled)) if len(pooled) > 1 else 0.0
    return max((0.1 * sd) ** 2, 1e-12)


def cs_radius(variance: np.ndarray | float, alpha: float, tau2: float) -> np.ndarray | float:
    """Half-width of the always-valid (1-alpha) interval of a difference whose estimate has `variance` V:
    {θ : Λ(θ) < 1/alpha} with Λ(θ) = sqrt(V/(V+τ²))·exp(τ²(d−θ)²/(2V(V+τ²))) (Johari et al., 2017)."""
    v = np.asarray(variance, dtype=float)
    radius = np.sqrt(2 * v * (v + tau2) / tau2 * (np.log(1 / alpha) + 0.5 * np.log((v + tau2) / v)))
    return float(radius) if radius.ndim == 0 else radius


def always_valid_p(diff: float, variance: float, tau2: float) -> float:
    """1/Λ(0) capped at 1: below alpha exactly when the confidence sequence excludes zero."""
    if variance <= 0:
        return 1.0 if diff == 0 else 0.0
    log_lambda = 0.5 * np.log(variance / (variance + tau2)) + tau2 * diff**2 / (2 * variance * (variance + tau2))
    return float(min(1.0, np.exp(-log_lambda)))


def diff_variance(control: np.ndarray, treatment: np.ndarray) -> float:
    """Variance of the difference of the two means (unpooled)."""
    if len(control) < 2 or len(treatment) < 2:
        return float("inf")
    return float(np.var(control, ddof=1) / len(control) + np.var(treatment, ddof=1) / len(treatment))


@dataclass(frozen=True)
class Comparison:
    arm: str
    diff: float
    relative: float | None
    ci_low: float
    ci_high: float
    seq_low: float
    seq_high: float
    p_value: float
    always_valid_p: float
    cuped_diff: float
    cuped_seq_low: float
    cuped_seq_high: float
    variance_reduction: float
    significant: bool


def compare(
    control: np.ndarray,
    treatment: np.ndarray,
    *,
    arm: str,
    control_pre: np.ndarray | None = None,
    treatment_pre: np.ndarray | None = None,
    alpha: float = ALPHA,
    mde: float | None = None,
) -> Comparison:
    """One treatment against control: raw difference, Welch interval and p-value, the always-valid interval
    (the one to decide on while the test runs), and the same with CUPED when a pre-period is given."""
    diff, low, high = welch(control, treatment, alpha)
    p_value = 1.0
    if len(control) > 1 and len(treatment) > 1 and (np.var(control) > 0 or np.var(treatment) > 0):
        p_value = float(_stats().ttest_ind(treatment, control, equal_var=False).pvalue)
    tau2 = mixture_variance(control, treatment, mde)
    variance = diff_variance(control, treatment)
    radius = float(cs_radius(variance, alpha, tau2)) if np.isfinite(variance) and variance > 0 else float("inf")
    cuped_diff, c_low, c_high, reduction = diff, diff - radius, diff + radius, 0.0
    if control_pre is not None and treatment_pre is not None and len(control) > 1 and len(treatment) > 1:
        values = np.concatenate([control, treatment])
        pre = np.concatenate([control_pre, treatment_pre])
        theta = cuped_theta(values, pre)
        pre_mean = float(pre.mean())
        c_adj = cuped_adjust(control, control_pre, theta, pre_mean)
        t_adj = cuped_adjust(treatment, treatment_pre, theta, pre_mean)
        cuped_diff = float(t_adj.mean() - c_adj.mean())
        adj_variance = diff_variance(c_adj, t_adj)
        if variance > 0 and np.isfinite(variance):
            reduction = max(0.0, 1.0 - adj_variance / variance)
        c_radius = float(cs_radius(adj_variance, alpha, tau2)) if adj_variance > 0 else 0.0
        c_low, c_high = cuped_diff - float(c_radius), cuped_diff + float(c_radius)
    base = float(control.mean()) if len(control) else 0.0
    seq_low, seq_high = diff - float(radius), diff + float(radius)
    return Comparison(
        arm=arm,
        diff=diff,
        relative=diff / base if base else None,
        ci_low=low,
        ci_high=high,
        seq_low=seq_low,
        seq_high=seq_high,
        p_value=p_value,
        always_valid_p=always_valid_p(diff, variance, tau2) if np.isfinite(variance) else 1.0,
        cuped_diff=cuped_diff,
        cuped_seq_low=c_low,
        cuped_seq_high=c_high,
        variance_reduction=reduction,
        significant=bool(c_low > 0 or c_high < 0),
    )


def sample_size_per_arm(sd: float, mde: float, *, alpha: float = ALPHA, power: float = POWER) -> int:
    """Members per arm for a two-sided test to detect an absolute difference `mde` with `power`."""
    if mde <= 0 or sd <= 0:
        raise ValueError("mde and sd must be positive")
    z = _stats().norm.ppf(1 - alpha / 2) + _stats().norm.ppf(power)
    return int(np.ceil(2 * (z * sd / mde) ** 2))


def detectable_effect(sd: float, per_arm: int, *, alpha: float = ALPHA, power: float = POWER) -> float:
    """The smallest absolute difference a test of `per_arm` members per arm detects with `power`."""
    z = _stats().norm.ppf(1 - alpha / 2) + _stats().norm.ppf(power)
    return float(z * sd * np.sqrt(2 / per_arm))


def power_plan(
    baseline: float, sd: float | None, mde_relative: float, *, arms: int = 2, alpha: float = ALPHA, power: float = POWER
) -> dict[str, Any]:
    """Sample size for a relative effect on a metric whose control mean is `baseline` (a rate when `sd` is None:
    sd = sqrt(p(1-p))), and what each total sample up to the playbook's floor can detect."""
    deviation = sd if sd is not None else float(np.sqrt(baseline * (1 - baseline)))
    mde = abs(mde_relative * baseline)
    per_arm = sample_size_per_arm(deviation, mde, alpha=alpha, power=power)
    below_floor = []
    for total in (1_000, 5_000, 10_000, 20_000, 50_000, PLAYBOOK_FLOOR):
        effect = detectable_effect(deviation, total // arms, alpha=alpha, power=power)
        below_floor.append({"total": total, "absolute": effect, "relative": effect / baseline if baseline else None})
    return {
        "baseline": baseline,
        "sd": deviation,
        "mde_absolute": mde,
        "mde_relative": mde_relative,
        "alpha": alpha,
        "power": power,
        "per_arm": per_arm,
        "total": per_arm * arms,
        "meets_floor": per_arm * arms <= PLAYBOOK_FLOOR,
        "detectable": below_floor,
    }


def blind_labels(salt: str, arms: Sequence[str]) -> dict[str, str]:
    """Arm name → a neutral label ("Arm A", ...) in an order only the salt decides: a reader of masked results
    cannot tell control from treatment by position."""
    order = sorted(arms, key=lambda name: hashlib.sha256(f"{salt}:blind:{name}".encode()).hexdigest())
    return {name: f"Arm {chr(ord('A') + i)}" for i, name in enumerate(order)}


def interleaving_test(wins_a: int, wins_b: int) -> dict[str, Any]:
    """Preference of ranker A over B from decisions won by each (ties left out): Δ = (a−b)/(a+b) and an exact
    binomial test against no preference."""
    n = wins_a + wins_b
    if n == 0:
        return {"wins_a": 0, "wins_b": 0, "preference": 0.0, "p_value": 1.0}
    return {
        "wins_a": wins_a,
        "wins_b": wins_b,
        "preference": (wins_a - wins_b) / n,
        "p_value": float(_stats().binomtest(wins_a, n, 0.5).pvalue),
    }
