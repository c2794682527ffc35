"""Experiment assignment and readout speed: `python -m benchmarks.experiments`.

Assignment: --members members placed in one experiment the way serving places them (the layer's hash, the
rollout hash and the arm hash, three SHA-256 each), against the bare baseline of ONE SHA-256 per member in a
plain loop, in the same run; figures are assignments (hashes) per second.

Readout: the pure analysis of --exposures exposed members in two arms (per-arm metrics, the sample-ratio check,
Welch, CUPED on a pre-period, the always-valid mSPRT interval), against the bare baseline of numpy means of the
same arrays; figures are milliseconds. Reading exposures, events and the ledger from the databases is not in
either figure (it scales with the events in the experiment's window).

Medians over --repeats passes; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from distribution_service.domain.assignment import assign, in_layer_range, in_rollout
from distribution_service.domain.experiment_enums import ExperimentMetric
from distribution_service.domain.experiment_readout import ArmSample, metric_values, readout

WEIGHTS = (0.5, 0.25, 0.25)


def place_all(members: list[str]) -> int:
    """Serving's pure placement: layer range, rollout, arm."""
    placed = 0
    for m in members:
        if in_layer_range(m, "push", (0, 8000)) and in_rollout(m, "salt", 0.9):
            placed += assign(m, "salt", WEIGHTS) >= 0
    return placed


def bare_hashes(members: list[str]) -> int:
    n = 0
    for m in members:
        n += hashlib.sha256(f"salt:{m}".encode()).digest()[0] >= 0
    return n


def arms(exposures: int, seed: int = 7) -> list[ArmSample]:
    rng = np.random.default_rng(seed)
    half = exposures // 2
    samples = []
    for name, lift in (("control", 0.0), ("bold", 0.01)):
        propensity = rng.beta(2, 8, size=half)
        impressions = rng.poisson(8, size=half).astype(float)
        clicks = rng.binomial(impressions.astype(int), np.clip(propensity + lift, 0, 1)).astype(float)
        opened = (rng.random(half) < propensity + lift).astype(float)
        pre = ArmSample(name, (rng.random(half) < propensity).astype(float), impressions, clicks, clicks / 4, clicks)
        samples.append(
            ArmSample(
                name,
                opened,
                impressions,
                clicks,
                rng.binomial(clicks.astype(int), 0.2).astype(float),
                rng.exponential(50, size=half) * (rng.random(half) < 0.03),
                metric_values(pre, ExperimentMetric.OPEN_RATE),
            )
        )
    return samples


def timed(call: Callable[[], Any], repeats: int) -> list[float]:
    call()
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--members", type=int, default=200_000)
    p.add_argument("--exposures", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    members = [f"{i:024x}" for i in range(args.members)]
    place = statistics.median(timed(lambda: place_all(members), args.repeats))
    bare = statistics.median(timed(lambda: bare_hashes(members), args.repeats))
    samples = arms(args.exposures)

    def analyse() -> None:
        readout(samples, [0.5, 0.5], ExperimentMetric.OPEN_RATE, salt="bench", target_sample=args.exposures)

    def means() -> None:
        for s in samples:
            float(s.opened.mean())

    analysis = statistics.median(timed(analyse, args.repeats))
    baseline = statistics.median(timed(means, args.repeats))
    print(f"assignment: {args.members / place:,.0f}/s (bare sha256 loop {args.members / bare:,.0f}/s)")
    print(
        f"readout of {args.exposures:,} exposures: {analysis * 1000:.1f} ms (bare numpy means {baseline * 1000:.2f} ms)"
    )
    print_summary(
        {
            "members": args.members,
            "assignments_per_s": round(args.members / place),
            "bare_hashes_per_s": round(args.members / bare),
            "assignment_vs_bare": round(place / bare, 2),
            "exposures": args.exposures,
            "analysis_ms": round(analysis * 1000, 1),
            "bare_means_ms": round(baseline * 1000, 3),
            "analysis_vs_bare": round(analysis / baseline, 1),
            "repeats": args.repeats,
        }
    )


if __name__ == "__main__":
    main()
