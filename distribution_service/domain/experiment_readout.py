"""An experiment's readout from per-member arrays, pure: the arms' metrics, each treatment against control on
the primary metric (with CUPED and always-valid intervals), the sample-ratio check, and blinding until the
pre-registered sample is reached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from distribution_service.domain.experiment_enums import ExperimentMetric
from distribution_service.domain.experiment_stats import ALPHA, blind_labels, compare
from distribution_service.domain.experiments import sample_ratio_check


@dataclass(frozen=True)
class ArmSample:
    """One arm's exposed members, one entry each: what they did after exposure (and the primary metric's value
    in the pre-period, for CUPED)."""

    name: str
    opened: np.ndarray
    impressions: np.ndarray
    clicks: np.ndarray
    shares: np.ndarray
    revenue: np.ndarray
    pre: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.opened)


def metric_values(sample: ArmSample, metric: ExperimentMetric) -> np.ndarray:
    """The per-member values the test compares: a member is one unit however often they acted."""
    if metric == ExperimentMetric.OPEN_RATE:
        return (sample.opened > 0).astype(float)
    if metric == ExperimentMetric.CONVERSION:
        return (sample.revenue > 0).astype(float)
    if metric == ExperimentMetric.REVENUE_PER_MEMBER:
        return sample.revenue.astype(float)
    numerator = sample.clicks if metric == ExperimentMetric.CTR else sample.shares
    return numerator / np.maximum(sample.impressions, 1)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> float:
    total = float(denominator.sum())
    return float(numerator.sum()) / total if total else 0.0


def arm_metrics(sample: ArmSample, label: str) -> dict[str, Any]:
    n = sample.size
    return {
        "label": label,
        "members": n,
        "open_rate": float((sample.opened > 0).mean()) if n else 0.0,
        "ctr": _ratio(sample.clicks, sample.impressions),
        "share_rate": _ratio(sample.shares, sample.impressions),
        "conversion": float((sample.revenue > 0).mean()) if n else 0.0,
        "revenue_per_member": float(sample.revenue.mean()) if n else 0.0,
    }


def readout(
    samples: Sequence[ArmSample],
    weights: Sequence[float],
    metric: ExperimentMetric,
    *,
    salt: str,
    target_sample: int,
    mde_relative: float | None = None,
    alpha: float = ALPHA,
) -> dict[str, Any]:
    """The whole readout; arm names are replaced by neutral labels while fewer than `target_sample` members are
    exposed (double blind: nobody reading an early result knows which arm is which)."""
    total = sum(s.size for s in samples)
    blinded = total < target_sample
    names = [s.name for s in samples]
    labels = blind_labels(salt, names) if blinded else {name: name for name in names}
    control = samples[0]
    control_values = metric_values(control, metric)
    mde = mde_relative * float(control_values.mean()) if mde_relative and control.size else None
    comparisons = []
    for sample in samples[1:]:
        c = compare(
            control_values,
            metric_values(sample, metric),
            arm=labels[sample.name],
            control_pre=control.pre,
            treatment_pre=sample.pre,
            alpha=alpha,
            mde=mde or None,
        )
        row = {k: (v if not isinstance(v, float) or np.isfinite(v) else None) for k, v in asdict(c).items()}
        row["label"] = row.pop("arm")
        row["metric"] = metric.value
        comparisons.append(row)
    srm = sample_ratio_check(
        {labels[s.name]: s.size for s in samples},
        {labels[s.name]: float(w) for s, w in zip(samples, weights, strict=True)},
    )
    return {
        "metric": metric.value,
        "sample": total,
        "target_sample": target_sample,
        "blinded": blinded,
        "control": labels[control.name],
        "arms": [arm_metrics(s, labels[s.name]) for s in samples],
        "comparisons": comparisons,
        "srm": srm,
    }
