"""How far the shipped columns can carry the ranker on a Stack Exchange dump, and how much of a figure is noise:
`python -m benchmarks.ranking_ceiling PATH [--backtest] [--seeds 7] [--fit-seeds 7,1,2,11,3] [--folds 5]
[--in-period-copies 1]`.

Why: issue 13 asks for 1.10x the best of recency and popularity; every feature and fit tried stays at ~1.06x
(docs/ranking.md). Before another column is tried, these questions decide whether one could be enough:

- `fit_seeds`: the same groups, only LightGBM's own seed changed (bagging and column sampling). The spread of
  the ratio is the part of any one figure that no feature caused.
- `within_period`: the test groups scored out of fold (`--folds` random folds), each fold by a model fitted on
  training's fit part plus the other folds' test groups (`--in-period-copies` times each: a weight), its
  `PARAM_GRID` entry and rounds still chosen on training's last fifth, as `train` does. The model has then seen
  the test period's own members, items and habits: a generous within-period estimate, not an honest figure — and
  not a bound either (a model fitted and scored on the test groups themselves does far better; the estimate moves
  with the fold dealing and the in-period weight).
- `date_only_anchors`: the test groups anchored on a date-only event (a favourite, stored at the start of its
  day) against those anchored on a timed one, with the shipped model's ratio on each, and the same for a model
  fitted and scored with the decision's clock (`CLOCK`: hour, weekday, slot) held at 0: a gain made only where
  the anchor's midnight gives the event type away would be protocol, not ranking. A partial control: the 1-day
  and 7-day windows count from 00:00 UTC and an item's age from the anchor, so a midnight still shapes them.

Groups are the ones `python -m distribution_service.ranking.stackexchange` builds (`ranking_variants.groups_for`,
the `--seeds` seed draws the negatives). One JSON line per group seed; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from benchmarks.ranking_variants import groups_for, judged
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.training import Controls, search_lightgbm, validation_split

DAY = 86_400.0
# The decision's clock: a group anchored on a date-only event sits at 00:00 UTC, which these columns show.
CLOCK = ("context_local_hour", "context_weekday", "context_slot")


def model_scores(fit: list[Group], valid: list[Group], scored: list[Group], seed: int) -> list[np.ndarray]:
    """Scores of `scored` by the model the validation search picks for (fit, valid) with LightGBM seed `seed`."""
    booster, _, _ = search_lightgbm(fit, valid, seed)
    return [np.asarray(booster.predict(g.features, num_threads=1), dtype=float) for g in scored]


def folds_of(count: int, folds: int, seed: int) -> list[np.ndarray]:
    """`count` group indices dealt at random into `folds` folds (every index in exactly one)."""
    order = np.random.default_rng(seed).permutation(count)
    return [np.sort(part) for part in np.array_split(order, folds)]


def out_of_fold_scores(
    train: list[Group], test: list[Group], folds: int, seed: int, copies: int = 1
) -> list[np.ndarray]:
    """Every test group's scores from a model fitted on training's fit part and the other folds' test groups
    (`copies` times each), validated on training's last fifth."""
    fit, valid = validation_split(train)
    scores: list[np.ndarray] = [np.empty(0)] * len(test)
    for held in folds_of(len(test), folds, seed):
        held_set = set(held.tolist())
        seen = [g for k, g in enumerate(test) if k not in held_set] * copies
        for k, row in zip(held.tolist(), model_scores(fit + seen, valid, [test[k] for k in held], seed), strict=True):
            scores[k] = row
    return scores


def date_only_anchor(group: Group) -> bool:
    """Anchored on a date-only event: its moment is a UTC midnight (timed events land there by chance only)."""
    return group.at % DAY == 0


def without_clock_scores(fit: list[Group], valid: list[Group], test: list[Group], seed: int) -> list[np.ndarray]:
    """`model_scores` with the `CLOCK` columns held at 0 for fitting and scoring alike."""
    controls = Controls(only_features=tuple(name for name in FEATURES if name not in CLOCK))
    return model_scores(
        controls.apply(fit, training=False, seed=seed),
        controls.apply(valid, training=False, seed=seed),
        controls.apply(test, training=False, seed=seed),
        seed,
    )


def anchor_parts(test: list[Group], scores: list[np.ndarray], seed: int) -> dict[str, dict[str, Any] | None]:
    """`judged` on the groups anchored on a date-only event and on the others."""

    def part(indices: list[int]) -> dict[str, Any] | None:
        if not indices:
            return None
        return {"groups": len(indices), **judged([test[k] for k in indices], [scores[k] for k in indices], seed)}

    return {
        "date_only": part([k for k, g in enumerate(test) if date_only_anchor(g)]),
        "timed": part([k for k, g in enumerate(test) if not date_only_anchor(g)]),
    }


def seed_figures(
    train: list[Group], test: list[Group], seed: int, fit_seeds: list[int], folds: int, copies: int = 1
) -> dict[str, Any]:
    fit, valid = validation_split(train)
    scores = {s: model_scores(fit, valid, test, s) for s in dict.fromkeys([*fit_seeds, seed])}
    by_fit_seed = {s: judged(test, scores[s], seed) for s in fit_seeds}
    shipped = scores[seed]
    clockless = without_clock_scores(fit, valid, test, seed)

    ratios = [row["ratio"] for row in by_fit_seed.values()]
    return {
        "seed": seed,
        "groups": {"train": len(train), "test": len(test)},
        "shipped": judged(test, shipped, seed),
        "fit_seeds": {
            "ratios": {str(s): row["ratio"] for s, row in by_fit_seed.items()},
            "min": min(ratios),
            "median": round(float(np.median(ratios)), 4),
            "max": max(ratios),
        },
        "within_period": {
            "folds": folds,
            "in_period_copies": copies,
            **judged(test, out_of_fold_scores(train, test, folds, seed, copies), seed),
        },
        "date_only_anchors": anchor_parts(test, shipped, seed),
        "without_clock": {**judged(test, clockless, seed), "anchors": anchor_parts(test, clockless, seed)},
    }


def brief(parts: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Each anchor part's group count, NDCG@10 and ratio."""
    return {
        name: part and {"groups": part["groups"], "ratio": part["ratio"], "ndcg@10": part["ndcg@10"]}
        for name, part in parts.items()
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_ceiling", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--backtest", action="store_true", help="the period before the usual test period")
    parser.add_argument("--seeds", default="7", help="group seeds (negatives' sampling), comma list")
    parser.add_argument("--fit-seeds", default="7,1,2,11,3", help="LightGBM seeds tried on the same groups")
    parser.add_argument("--folds", type=int, default=5, help="random folds of the test groups (within_period)")
    parser.add_argument(
        "--in-period-copies", type=int, default=1, help="each seen test group this many times in the within-period fit"
    )
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    if args.in_period_copies < 1:
        parser.error("--in-period-copies must be at least 1")
    fit_seeds = [int(s) for s in args.fit_seeds.split(",") if s]
    figures: dict[str, Any] = {"dump": args.path.name, "backtest": args.backtest}
    for seed in (int(s) for s in args.seeds.split(",")):
        train, test = groups_for(args.path, seed, backtest=args.backtest)
        row = seed_figures(train, test, seed, fit_seeds, args.folds, args.in_period_copies)
        print(json.dumps(row), flush=True)
        figures[f"seed{seed}"] = {
            "shipped": row["shipped"]["ratio"],
            "fit_seeds": row["fit_seeds"],
            "within_period": row["within_period"]["ratio"],
            "within_period_ci95": row["within_period"]["ci95"],
            "date_only_anchors": brief(row["date_only_anchors"]),
            "without_clock": row["without_clock"]["ratio"],
            "without_clock_anchors": brief(row["without_clock"]["anchors"]),
        }
    print_summary(figures)


if __name__ == "__main__":
    main()
