"""The no-model fallback's engagement weight, chosen on real engagement: `python -m benchmarks.heuristic_weights DUMP
[DUMP ...] [--backtest] [--seed 7] [--engagement 0,0.03,...] [--half-life 1,2,...] [--half-life-kept 7]
[--tolerance 0.01]`.

Why: every community's feed is ranked by the heuristic (`ranking/heuristic.py`) until a model is promoted, and
by it again after a rollback to no model. Its weights were set by hand (engagement 1.0, half-life 7 days); on the
shared Stack Exchange dumps that ranked at about half of newest-first on cardano (0.268 against 0.539 NDCG@10),
because all-time engagement favours old, settled threads. This scores a grid of (engagement weight, half-life)
on each dump's groups (`ranking_variants.groups_for`: the groups `train` builds, the seed drawing the negatives)
as the ratio of the heuristic's NDCG@10 over recency's on the same groups.

The choice reads the **training** groups only; the test groups only report it:
- the half-life stays the product's (`--half-life-kept`): every item of these dumps is UGC, so at engagement 0
  every half-life gives the same order (`half_life_spread_at_engagement_0`) — the data cannot choose it, and it
  decides how long the kind weights (experts' PGC before a decision) keep their lead;
- the engagement weight is the largest whose training mean (over the dumps) is within `--tolerance` of the best
  at that half-life: as much of the engagement signal as real engagement tolerates, not the noise-level optimum.

One JSON line per grid point; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from benchmarks.ranking_variants import groups_for
from distribution_service.ranking.baselines import heuristic_scores, recency_scores
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.heuristic import HeuristicRanker, HeuristicWeights
from distribution_service.ranking.metrics import per_group

HAND_SET = (1.0, 7.0)  # the weights before this benchmark: engagement 1.0, half-life 7 days


def ratio_over_recency(groups: list[Group], weights: HeuristicWeights) -> float:
    """The heuristic's mean NDCG@10 over recency's on the same groups."""
    labels = [g.labels for g in groups]
    ranker = HeuristicRanker(weights)
    heuristic = per_group("ndcg", labels, [heuristic_scores(g, ranker) for g in groups], 10).mean()
    recency = per_group("ndcg", labels, [recency_scores(g) for g in groups], 10).mean()
    return round(float(heuristic / recency), 4)


def choose(rows: dict[tuple[float, float], dict[str, Any]], half_life: float, tolerance: float) -> tuple[float, float]:
    """The largest engagement weight at `half_life` whose training mean is within `tolerance` of the best there."""
    kept = {point: row for point, row in rows.items() if point[1] == half_life}
    best = max(row["train_mean"] for row in kept.values())
    return max(point for point, row in kept.items() if row["train_mean"] >= best - tolerance)


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.heuristic_weights", description=__doc__)
    parser.add_argument("paths", type=Path, nargs="+", help="Stack Exchange dumps' folders")
    parser.add_argument("--backtest", action="store_true", help="the period before the usual test period")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engagement", default="0,0.03,0.05,0.1,0.2,1", help="engagement weights (comma list)")
    parser.add_argument("--half-life", default="1,2,3,7,14", help="half-lives in days (comma list)")
    parser.add_argument("--half-life-kept", type=float, default=7.0, help="the product's half-life, not chosen here")
    parser.add_argument("--tolerance", type=float, default=0.01, help="training-mean margin of the engagement choice")
    args = parser.parse_args(argv)
    half_lives = sorted(set(floats(args.half_life)) | {args.half_life_kept})
    grid = sorted({(e, h) for e in {0.0, *floats(args.engagement)} for h in half_lives} | {HAND_SET})
    if any(e < 0 or h <= 0 for e, h in grid):
        parser.error("engagement weights must be >= 0 and half-lives > 0")
    dumps = {path.name: groups_for(path, args.seed, backtest=args.backtest) for path in args.paths}
    rows: dict[tuple[float, float], dict[str, Any]] = {}
    for engagement, half_life in grid:
        weights = HeuristicWeights(engagement=engagement, half_life_days=half_life)
        train = {name: ratio_over_recency(tr, weights) for name, (tr, _) in dumps.items()}
        test = {name: ratio_over_recency(te, weights) for name, (_, te) in dumps.items()}
        row = {
            "engagement": engagement,
            "half_life_days": half_life,
            "train": train,
            "train_mean": round(float(np.mean(list(train.values()))), 4),
            "test": test,
            "test_mean": round(float(np.mean(list(test.values()))), 4),
        }
        rows[(engagement, half_life)] = row
        print(json.dumps(row), flush=True)
    chosen = choose(rows, args.half_life_kept, args.tolerance)
    at_zero = [rows[(0.0, h)]["train_mean"] for h in half_lives]
    print_summary(
        {
            "backtest": args.backtest,
            "seed": args.seed,
            "groups": {name: {"train": len(tr), "test": len(te)} for name, (tr, te) in dumps.items()},
            "half_life_spread_at_engagement_0": round(max(at_zero) - min(at_zero), 4),
            "chosen": rows[chosen],
            "best_training_point": rows[max(grid, key=lambda p: (rows[p]["train_mean"], -p[0]))],
            "hand_set": rows[HAND_SET],
        }
    )


if __name__ == "__main__":
    main()
