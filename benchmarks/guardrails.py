"""How often a guardrail relative to control rolls an experiment back: `python -m benchmarks.guardrails`.

Simulated experiments (seeded), each looked at after every --step members per arm up to --members, as the
minute-by-minute check does: equal arms (false alarms), a treatment at the margin's edge (still the null), and
treatments at 2x and 3x control's rate (power). The test is `distribution_service/domain/guardrails.py`'s; the
rate of a fixed-horizon z-test at the same alpha, looked at just as often, is printed beside it as the baseline
a naive guardrail would give. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from benchmarks.common import print_summary
from distribution_service.domain.guardrails import GUARDRAIL_ALPHA, Sample, judge_relative

Z = 2.3263478740408408  # the one-sided 99% normal quantile: GUARDRAIL_ALPHA at one look


def naive(control: Sample, treatment: Sample, margin: float) -> bool:
    """A z-test of treatment − (1 + margin) × control at one look, reused at every look."""
    variance = treatment.variance / treatment.n + (1 + margin) ** 2 * control.variance / control.n
    diff = treatment.mean - (1 + margin) * control.mean
    return diff > 0 if variance <= 0 else diff / math.sqrt(variance) > Z


def rolled_back(rate: float, ratio: float, args: argparse.Namespace, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    always, fixed = 0, 0
    looks = range(args.step, args.members + 1, args.step)
    for _ in range(args.experiments):
        control = np.cumsum(rng.random(args.members) < rate)
        treatment = np.cumsum(rng.random(args.members) < rate * ratio)
        samples = [(Sample.of_rate(int(control[n - 1]), n), Sample.of_rate(int(treatment[n - 1]), n)) for n in looks]
        always += any(judge_relative(c, t, args.margin).breached for c, t in samples)
        fixed += any(naive(c, t, args.margin) for c, t in samples)
    return always / args.experiments, fixed / args.experiments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=1000)
    parser.add_argument("--members", type=int, default=3000, help="members per arm at the last look")
    parser.add_argument("--step", type=int, default=100, help="members per arm between looks")
    parser.add_argument("--rate", type=float, default=0.03, help="control's mute rate")
    parser.add_argument("--margin", type=float, default=0.2)
    args = parser.parse_args()
    cases = {"equal": 1.0, "margin_edge": 1 + args.margin, "twice": 2.0, "three_times": 3.0}
    summary: dict[str, object] = {"alpha": GUARDRAIL_ALPHA, "margin": args.margin, "looks": args.members // args.step}
    for i, (name, ratio) in enumerate(cases.items()):
        always, fixed = rolled_back(args.rate, ratio, args, seed=i + 1)
        print(
            f"{name:12} treatment {ratio:.2f}x control: rolled back {always:.3f} (always-valid) vs {fixed:.3f} "
            f"(fixed-horizon z-test at every look)"
        )
        summary[f"{name}_always_valid"] = round(always, 4)
        summary[f"{name}_fixed_horizon"] = round(fixed, 4)
    print_summary(summary)


if __name__ == "__main__":
    main()
