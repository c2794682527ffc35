"""The audit checks of the ranker on a Stack Exchange dump's list groups:
`python -m benchmarks.ranking_audit PATH [--backtest] [--seeds 7] [--features all]`.

Why: before a ranking figure is reported, the standards ask for the checks that would expose a gain that is not
learned: a model trained on labels shuffled within each training group (should score like chance), the best
model of one feature alone (the rest held at 0, as `train`'s `--only-features` control does: if one column
gives the whole figure, the model is that rule), and the no-learning rules (recency, popularity, `age_idle`,
which must not beat recency). All run on the groups `python -m distribution_service.ranking.stackexchange`
builds — the test groups are exactly the judgment lists' groups (`benchmarks/judgment_file.py`, same seed) —
with the shipped model beside them; each model chooses its `PARAM_GRID` entry on the validation groups, as
training does. One JSON line per ranker and seed (NDCG@10, ci95, ratio over the best of recency and popularity
with its paired ci95); the last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from benchmarks.ranking_variants import groups_for, judged
from distribution_service.ranking.baselines import age_idle_scores, popularity_scores, recency_scores
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.metrics import bootstrap_ci95, per_group
from distribution_service.ranking.training import Controls, search_lightgbm, validation_split


def model_row(name: str, train: list[Group], test: list[Group], seed: int, controls: Controls) -> dict[str, Any]:
    """A model fitted as `train_and_evaluate` fits it under `controls` (validation search included)."""
    fit, valid = validation_split(train)
    fit = controls.apply(fit, training=True, seed=seed)
    valid = controls.apply(valid, training=True, seed=seed + 1)
    scored = controls.apply(test, training=False, seed=seed)
    booster, _, searched = search_lightgbm(fit, valid, seed)
    scores = [np.asarray(booster.predict(g.features, num_threads=1), dtype=float) for g in scored]
    labels = [g.labels for g in test]
    low, high = bootstrap_ci95(per_group("ndcg", labels, scores, 10), seed=seed)
    return {
        "ranker": name,
        "seed": seed,
        "validation_ndcg@10": max(searched) if searched else None,
        **judged(test, scores, seed),
        "ndcg@10_ci95": [round(low, 3), round(high, 3)],
    }


def rule_row(name: str, test: list[Group], seed: int) -> dict[str, Any]:
    rules = {"recency": recency_scores, "popularity": popularity_scores, "age_idle": age_idle_scores}
    scores = [rules[name](g) for g in test]
    labels = [g.labels for g in test]
    low, high = bootstrap_ci95(per_group("ndcg", labels, scores, 10), seed=seed)
    return {"ranker": name, "seed": seed, **judged(test, scores, seed), "ndcg@10_ci95": [round(low, 3), round(high, 3)]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_audit", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--backtest", action="store_true", help="the period before the usual test period")
    parser.add_argument("--seeds", default="7")
    parser.add_argument("--features", default="all", help="one-feature models to fit: all, or a comma list")
    args = parser.parse_args(argv)
    singles = list(FEATURES) if args.features == "all" else [f for f in args.features.split(",") if f]
    unknown = sorted(set(singles) - set(FEATURES))
    if unknown:
        parser.error(f"unknown features: {', '.join(unknown)}")
    figures: dict[str, Any] = {"backtest": args.backtest}
    for seed in (int(s) for s in args.seeds.split(",")):
        train, test = groups_for(args.path, seed, backtest=args.backtest)
        rows = [rule_row(name, test, seed) for name in ("recency", "popularity", "age_idle")]
        rows.append(model_row("lightgbm", train, test, seed, Controls()))
        rows.append(model_row("shuffled_labels", train, test, seed, Controls(shuffle_labels=True)))
        for row in rows:
            print(json.dumps(row), flush=True)
        singles_rows = []
        for name in singles:
            row = model_row(f"only:{name}", train, test, seed, Controls(only_features=(name,)))
            singles_rows.append(row)
            print(json.dumps(row), flush=True)
        best = max(singles_rows, key=lambda r: r["validation_ndcg@10"] or 0.0) if singles_rows else None
        top = max(singles_rows, key=lambda r: r["ndcg@10"]) if singles_rows else None
        figures[f"seed{seed}"] = {
            "groups": {"train": len(train), "test": len(test)},
            **{r["ranker"]: {"ndcg@10": r["ndcg@10"], "ratio": r["ratio"], "ci95": r["ci95"]} for r in rows},
            "one_feature_best_by_validation": best and {k: best[k] for k in ("ranker", "ndcg@10", "ratio", "ci95")},
            "one_feature_best_on_test": top and {k: top[k] for k in ("ranker", "ndcg@10", "ratio", "ci95")},
        }
    print_summary(figures)


if __name__ == "__main__":
    main()
