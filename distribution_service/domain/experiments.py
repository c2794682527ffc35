"""Experiments on members: a stable share (by a hash of member and salt) gets the treatment arm; the pure
statistics that read one out (sample-ratio check, uplift with an interval)."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

CONTROL = "control"
TREATMENT = "treatment"


def bucket(member_id: str, salt: str) -> float:
    """A member's place in [0, 1) for this experiment: stable across requests and processes, independent
    between experiments (the salt is the experiment's version)."""
    digest = hashlib.sha256(f"{salt}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def arm(member_id: str, version: str, traffic: float) -> str:
    return TREATMENT if bucket(member_id, version) < traffic else CONTROL


# A sample-ratio mismatch this improbable means the split itself is broken (assignment, logging or bots), and
# no uplift read from it can be trusted: the conventional alert level of online experimentation.
SRM_ALERT_P = 0.001


def sample_ratio_check(observed: dict[str, int], expected_share: dict[str, float]) -> dict[str, Any]:
    """Pearson's chi-square of the units seen per arm against the designed shares; `flagged` below SRM_ALERT_P."""
    arms = [name for name in expected_share if expected_share[name] > 0]
    counts = np.array([observed.get(name, 0) for name in arms], dtype=float)
    total = counts.sum()
    if total == 0 or len(arms) < 2:
        return {"observed": observed, "expected_share": expected_share, "chi2": 0.0, "p_value": 1.0, "flagged": False}
    shares = np.array([expected_share[name] for name in arms], dtype=float)
    from scipy import stats  # seconds to import: a readout pays it, a service's start does not

    statistic, p_value = stats.chisquare(counts, f_exp=total * shares / shares.sum())
    return {
        "observed": observed,
        "expected_share": expected_share,
        "chi2": round(float(statistic), 6),
        "p_value": float(p_value),
        "flagged": bool(p_value < SRM_ALERT_P),
    }


def uplift(control: np.ndarray, treatment: np.ndarray, *, samples: int = 2000, seed: int = 7) -> dict[str, Any]:
    """Treatment's mean over control's, absolute and relative, with percentile ci95 from resampling each arm's
    units independently (the arms hold different members, so nothing is paired)."""
    control, treatment = np.asarray(control, dtype=float), np.asarray(treatment, dtype=float)
    if len(control) == 0 or len(treatment) == 0:
        return {"absolute": None, "absolute_ci95": None, "relative": None, "relative_ci95": None}
    rng = np.random.default_rng(seed)
    c = control[rng.integers(0, len(control), size=(samples, len(control)))].mean(axis=1)
    t = treatment[rng.integers(0, len(treatment), size=(samples, len(treatment)))].mean(axis=1)
    diff = t - c
    base = float(control.mean())
    out: dict[str, Any] = {
        "absolute": round(float(treatment.mean()) - base, 6),
        "absolute_ci95": [round(float(v), 6) for v in np.percentile(diff, [2.5, 97.5])],
        "relative": None,
        "relative_ci95": None,
    }
    if base > 0:
        ratio = diff[c > 0] / c[c > 0]
        out["relative"] = round((float(treatment.mean()) - base) / base, 6)
        out["relative_ci95"] = [round(float(v), 6) for v in np.percentile(ratio, [2.5, 97.5])] if len(ratio) else None
    return out
