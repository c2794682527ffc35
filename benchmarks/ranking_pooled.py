"""Pooled training across communities, measured before anything is installed:
`python -m benchmarks.ranking_pooled TARGET --others A,B [--backtest] [--seeds 7,1] [--variants own,pooled,...]`.

Why: issue 13 asks for the gain on communities the product has never seen, and a community with little history
has few groups to learn from. Each variant is judged on TARGET's own test groups (the usual protocol and split,
`ranking_variants.groups_for`), choosing its `PARAM_GRID` entry on validation groups as training does:

- `own`: TARGET's training groups alone (what `train` does today);
- `pooled`: the other dumps' groups from before TARGET's cut (nothing at or after it), plus TARGET's own fit
  groups; validated on TARGET's validation fifth;
- `unseen`: the other dumps' groups alone, validated on their own last fifth (TARGET is never seen: leave one
  community out);
- `own_rel` / `pooled_rel` / `unseen_rel`: the same, with the raw-count and time columns replaced by their
  percentile within the group (the candidates are a uniform sample of the pool, so this is the item's place in
  its community's pool as of t: community-relative, whatever the community's pace and size).

Printed per variant and seed: validation NDCG@10, test NDCG@10 and the ratio over the best of recency and
popularity with its paired ci95; the last line is one JSON object of the means.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from benchmarks.ranking_variants import _search, groups_for, judged
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.features import FEATURE_INDEX
from distribution_service.ranking.training import validation_split

RELATIVE = (
    "content_age_days",
    "content_last_activity_days",
    "content_popularity",
    "content_popularity_7d",
    "content_engagement_1d",
    "content_answers",
)
VARIANTS = ("own", "pooled", "unseen", "own_rel", "pooled_rel", "unseen_rel")


def relative(group: Group) -> Group:
    """The group with RELATIVE columns as percentiles within it (ties share their mean rank; NaN stays NaN)."""
    f = group.features.astype(float).copy()
    n = len(group.items)
    for name in RELATIVE:
        col = f[:, FEATURE_INDEX[name]]
        ok = ~np.isnan(col)
        if ok.sum() > 1:
            values = col[ok]
            below = np.searchsorted(np.sort(values), values, side="left")
            equal = np.searchsorted(np.sort(values), values, side="right") - below
            col[ok] = (below + (equal - 1) / 2) / max(n - 1, 1)
        f[:, FEATURE_INDEX[name]] = col
    return dataclasses.replace(group, features=f.astype(np.float32))


def evaluate(variant: str, own: list[Group], others: list[Group], test: list[Group], seed: int) -> dict[str, Any]:
    rel = variant.endswith("_rel")
    if rel:
        own, others, test = [relative(g) for g in own], [relative(g) for g in others], [relative(g) for g in test]
    fit, valid = validation_split(own)
    if variant.startswith("own"):
        pass
    elif variant.startswith("pooled"):
        fit = sorted(others + fit, key=lambda g: g.at)
    else:
        fit, valid = validation_split(sorted(others, key=lambda g: g.at))
    score, booster, _ = _search(fit, valid, seed)
    scores = [np.asarray(booster.predict(g.features, num_threads=1)) for g in test]
    return {
        "variant": variant,
        "seed": seed,
        "fit_groups": len(fit),
        "validation_ndcg@10": round(score, 4),
        **judged(test, scores, seed),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_pooled", description=__doc__)
    parser.add_argument("target", type=Path, help="the Stack Exchange dump judged")
    parser.add_argument("--others", required=True, help="comma list of the other dumps' folders")
    parser.add_argument("--backtest", action="store_true", help="evaluate on the period before the usual test period")
    parser.add_argument("--seeds", default="7,1")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    names = [n for n in args.variants.split(",") if n]
    if set(names) - set(VARIANTS):
        parser.error(f"variants are {', '.join(VARIANTS)}")
    ratios: dict[str, list[float]] = {n: [] for n in names}
    for seed in (int(s) for s in args.seeds.split(",")):
        own, test = groups_for(args.target, seed, backtest=args.backtest)
        cut = min(g.at for g in test)
        others: list[Group] = []
        for path in (Path(p) for p in args.others.split(",") if p):
            train, later = groups_for(path, seed, backtest=False)
            # Nothing at or after the target's cut: the pooled model could have been trained then.
            others += [g for g in train + later if g.at < cut]
        for name in names:
            row = evaluate(name, own, others, test, seed)
            ratios[name].append(row["ratio"])
            print(json.dumps(row), flush=True)
    print_summary(
        {"backtest": args.backtest, "mean_ratio": {n: round(float(np.mean(r)), 4) for n, r in ratios.items()}}
    )


if __name__ == "__main__":
    main()
