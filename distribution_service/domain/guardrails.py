"""Guardrails judged against control, pure: is the treatment worse than control by more than a relative margin?

Checked every minute, so the test must stay valid however often it looks: the estimate d = μ_t − (1+m)·μ_c is
judged with the same always-valid interval as the readout (a normal-mixture mSPRT confidence sequence,
`experiment_stats.cs_radius`); the guardrail is breached once that interval lies wholly above zero. Below
`min_members` per arm nothing is judged (a first muted member must not roll a test back). Units are members for
member metrics; for ERROR_RATE, uses of the arm.
"""

from __future__ import annotations

from dataclasses import dataclass

from distribution_service.domain.experiment_stats import cs_radius

GUARDRAIL_ALPHA = 0.01
GUARDRAIL_MIN_MEMBERS = 100


@dataclass(frozen=True)
class Sample:
    """One arm's guardrail metric: its mean, the variance of one observation, and how many observations."""

    mean: float
    variance: float
    n: int

    @staticmethod
    def of_rate(hits: int, n: int) -> Sample:
        """A share (muted members, failed uses): Bernoulli observations."""
        p = hits / n if n else 0.0
        return Sample(p, p * (1 - p), n)

    @staticmethod
    def of_values(values: list[float]) -> Sample:
        """Per-member values (complaints, pushes per day): their mean and unbiased variance."""
        n = len(values)
        if n == 0:
            return Sample(0.0, 0.0, 0)
        mean = sum(values) / n
        variance = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
        return Sample(mean, variance, n)


@dataclass(frozen=True)
class RelativeJudgement:
    limit: float  # (1 + margin) × control's mean: the most the treatment may reach
    low: float  # the always-valid interval's low end of treatment − limit
    breached: bool
    judged: bool  # False below the minimum sample


def judge_relative(
    control: Sample,
    treatment: Sample,
    margin: float,
    *,
    alpha: float = GUARDRAIL_ALPHA,
    min_members: int = GUARDRAIL_MIN_MEMBERS,
) -> RelativeJudgement:
    """Breached when treatment's mean is above (1 + margin) × control's with always-valid confidence 1 − alpha."""
    limit = (1 + margin) * control.mean
    diff = treatment.mean - limit
    if min(control.n, treatment.n) < max(min_members, 1):
        return RelativeJudgement(limit, float("-inf"), breached=False, judged=False)
    variance = treatment.variance / treatment.n + (1 + margin) ** 2 * control.variance / control.n
    if variance <= 0:
        return RelativeJudgement(limit, diff, breached=diff > 0, judged=True)
    # τ² of the mixture: the margin's own size on control's scale (the effect the guardrail is meant to catch).
    tau2 = max((margin * control.mean) ** 2, 0.01 * (treatment.variance + control.variance), 1e-12)
    low = diff - float(cs_radius(variance, alpha, tau2))
    return RelativeJudgement(limit, low, breached=low > 0, judged=True)
