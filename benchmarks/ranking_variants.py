"""Modelling variants of the ranker against the shipped search, on a Stack Exchange dump's groups:
`python -m benchmarks.ranking_variants PATH [--backtest] [--seeds 7,1,2,11] [--variants base,ens5]`.

Why: to try objectives, label gains, constraints, sample weights and ensembles without touching the evaluation
protocol. The groups are built exactly as `train_and_evaluate` builds them (`split_groups`, the same split, the
same last fifth of training as validation); each variant only changes how the booster is fitted, and chooses its
entry of `PARAM_GRID` on the validation groups. Select on `--backtest` (the period before the usual test
period) or on the validation scores, never on the usual test period. Printed per variant and seed: the
validation NDCG@10 of the chosen entry, the test NDCG@10, and the ratio over the best of recency and popularity
with its paired ci95 (the bare baseline, in the same run); the last line is one JSON object of the means.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

from benchmarks.common import print_summary
from distribution_service.ranking.baselines import popularity_scores, recency_scores
from distribution_service.ranking.dataset import Group, Protocol, engagement_groups, split_groups, time_split
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.history import text_rows
from distribution_service.ranking.metrics import paired_ratio_ci95, per_group
from distribution_service.ranking.stackexchange import load
from distribution_service.ranking.training import (
    EARLY_STOPPING_ROUNDS,
    NUM_BOOST_ROUND,
    PARAM_GRID,
    TrainingData,
    lightgbm_params,
    validation_split,
)

Scorer = Callable[[np.ndarray], np.ndarray]


def _scores(boosters: list[lgb.Booster]) -> Scorer:
    """The mean score of the boosters (more than one is a variant only: serving loads one model text)."""
    return lambda data: np.mean([np.asarray(b.predict(data, num_threads=1)) for b in boosters], axis=0)


def _searched(
    fit: list[Group],
    valid: list[Group],
    seed: int,
    extra: dict[str, Any] | None = None,
    weight: np.ndarray | None = None,
) -> tuple[float, Scorer, dict[str, Any]]:
    score, booster, overrides = _search(fit, valid, seed, extra, weight)
    return score, _scores([booster]), overrides


def _dataset(
    groups: list[Group], weight: np.ndarray | None = None, reference: lgb.Dataset | None = None
) -> lgb.Dataset:
    return lgb.Dataset(
        np.vstack([g.features for g in groups]),
        label=np.concatenate([g.labels for g in groups]),
        group=[len(g.items) for g in groups],
        feature_name=list(FEATURES),
        weight=weight,
        reference=reference,
        free_raw_data=False,
    )


def _fit(
    fit: list[Group], valid: list[Group], seed: int, overrides: dict[str, Any], weight: np.ndarray | None = None
) -> lgb.Booster:
    train_set = _dataset(fit, weight)
    return lgb.train(
        lightgbm_params(seed) | overrides,
        train_set,
        num_boost_round=NUM_BOOST_ROUND,
        valid_sets=[_dataset(valid, reference=train_set)],
        callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
    )


def _search(
    fit: list[Group],
    valid: list[Group],
    seed: int,
    extra: dict[str, Any] | None = None,
    weight: np.ndarray | None = None,
) -> tuple[float, lgb.Booster, dict[str, Any]]:
    """PARAM_GRID (each entry plus `extra`), the best validation NDCG@10 wins, as `search_lightgbm`."""
    best: tuple[float, lgb.Booster, dict[str, Any]] | None = None
    for entry in PARAM_GRID:
        overrides = entry | (extra or {})
        booster = _fit(fit, valid, seed, overrides, weight)
        score = float(booster.best_score["valid_0"]["ndcg@10"])
        if best is None or score > best[0]:
            best = (score, booster, overrides)
    assert best is not None
    return best


def _recent_weight(groups: list[Group], half_life: float) -> np.ndarray:
    """Each row weighted 0.5 ** (age of its group / (half_life x the training span)): recent groups count more."""
    at = np.array([g.at for g in groups])
    span = max(float(at.max() - at.min()), 1.0)
    weights = 0.5 ** ((at.max() - at) / (half_life * span))
    return np.concatenate([np.full(len(g.items), w) for g, w in zip(groups, weights, strict=True)])


def _monotone_age() -> dict[str, Any]:
    constraints = [0] * len(FEATURES)
    constraints[FEATURES.index("content_age_days")] = -1
    return {"monotone_constraints": constraints}


Variant = Callable[[list[Group], list[Group], int], tuple[float, Scorer, dict[str, Any]]]


def _ensemble(fit: list[Group], valid: list[Group], seed: int) -> tuple[float, Scorer, dict[str, Any]]:
    score, booster, overrides = _search(fit, valid, seed)
    others = [_fit(fit, valid, seed * 100 + k, overrides) for k in range(1, 5)]
    return score, _scores([booster, *others]), overrides


def _refit(fit: list[Group], valid: list[Group], seed: int) -> tuple[float, Scorer, dict[str, Any]]:
    """The chosen entry refitted on all of training (validation included) for 1.25x its early-stopped rounds."""
    score, booster, overrides = _search(fit, valid, seed)
    rounds = max(int(booster.best_iteration * 1.25), 1)
    refitted = lgb.train(lightgbm_params(seed) | overrides, _dataset(fit + valid), num_boost_round=rounds)
    return score, _scores([refitted]), overrides | {"rounds": rounds}


VARIANTS: dict[str, Variant] = {
    "base": lambda f, v, s: _searched(f, v, s),
    "xendcg": lambda f, v, s: _searched(f, v, s, {"objective": "rank_xendcg"}),
    "gain_lin": lambda f, v, s: _searched(f, v, s, {"label_gain": [0, 1, 2, 3]}),
    "gain_15": lambda f, v, s: _searched(f, v, s, {"label_gain": [0, 1, 3, 15]}),
    "sigmoid2": lambda f, v, s: _searched(f, v, s, {"sigmoid": 2.0}),
    "nonorm": lambda f, v, s: _searched(f, v, s, {"lambdarank_norm": False}),
    "slow": lambda f, v, s: _searched(f, v, s, {"learning_rate": 0.02}),
    "mono": lambda f, v, s: _searched(f, v, s, _monotone_age()),
    "recw0.5": lambda f, v, s: _searched(f, v, s, weight=_recent_weight(f, 0.5)),
    "recw0.25": lambda f, v, s: _searched(f, v, s, weight=_recent_weight(f, 0.25)),
    # Piecewise-linear leaves (a linear model of the leaf's columns in each leaf): candidates a leaf ties stay ordered.
    "linear": lambda f, v, s: _searched(f, v, s, {"linear_tree": True, "linear_lambda": 1.0}),
    "linear10": lambda f, v, s: _searched(f, v, s, {"linear_tree": True, "linear_lambda": 10.0}),
    "bins4095": lambda f, v, s: _searched(f, v, s, {"max_bin": 4095}),  # finer histograms of age and idleness
    "ens5": _ensemble,
    "refit": _refit,
}


def dump_data(path: Path, *, backtest: bool) -> TrainingData:
    """The dump as `python -m distribution_service.ranking.stackexchange` reads it (with `backtest`: cut at the
    usual test period's start, so that the period before it is the test period)."""
    catalog, log = load(path)
    since, until = float(log.times.min()), float(log.times.max()) + 1
    if backtest:
        engaged = (log.grades > 0) & (log.member_ids != "")
        until = time_split(log.times[engaged], since=since, until=until)
        kept = log.times < until
        log = type(log)(**{f.name: getattr(log, f.name)[kept] for f in dataclasses.fields(log)})
    return TrainingData(path.name, catalog, log, since=since, until=until)


def groups_for(path: Path, seed: int, *, backtest: bool) -> tuple[list[Group], list[Group]]:
    """Training and test groups as `python -m distribution_service.ranking.stackexchange` builds them."""
    data = dump_data(path, backtest=backtest)
    engaged = (data.log.grades > 0) & (data.log.member_ids != "")
    split = time_split(data.log.times[engaged], since=data.since, until=data.until)
    return split_groups(data, split, protocol=Protocol(alive_days=data.alive_days), seed=seed)


def augmented_groups(path: Path, seed: int, *, backtest: bool, copies: int) -> tuple[list[Group], list[Group]]:
    """`groups_for`, with the training groups drawn `copies` times (the same anchors and positives, negatives
    sampled with seeds seed, seed + 1000, ...): more negatives per positive for the fit; the test groups are the
    seed's own."""
    train, test = groups_for(path, seed, backtest=backtest)
    for k in range(1, copies):
        train += groups_for(path, seed + 1000 * k, backtest=backtest)[0]
    return sorted(train, key=lambda g: g.at), test


def anchored_groups(path: Path, seed: int, *, backtest: bool, gap_hours: float) -> tuple[list[Group], list[Group]]:
    """`groups_for`, with the training groups anchored at a member's engagements `gap_hours` apart (not 24 h):
    more training groups per period (0: every engagement opens one, with its own sampled pool); the test
    groups are the usual ones."""
    data = dump_data(path, backtest=backtest)
    engaged = (data.log.grades > 0) & (data.log.member_ids != "")
    split = time_split(data.log.times[engaged], since=data.since, until=data.until)
    train = engagement_groups(
        data.catalog,
        data.log,
        since=data.since,
        until=split,
        seed=seed,
        alive_days=data.alive_days,
        protocol=Protocol(alive_days=data.alive_days),
        text=text_rows(data.catalog),
        anchor_gap=gap_hours * 3600.0,
    )
    _, test = groups_for(path, seed, backtest=backtest)
    return train, test


def judged(test: list[Group], scores: list[np.ndarray], seed: int) -> dict[str, Any]:
    """The model's test NDCG@10 and its ratio over the best of recency and popularity (paired ci95)."""
    labels = [g.labels for g in test]
    model = per_group("ndcg", labels, scores, 10)
    recency = per_group("ndcg", labels, [recency_scores(g) for g in test], 10)
    popularity = per_group("ndcg", labels, [popularity_scores(g) for g in test], 10)
    over = recency if recency.mean() >= popularity.mean() else popularity
    ratio, low, high = paired_ratio_ci95(model, over, seed=seed)
    return {
        "ndcg@10": round(float(model.mean()), 4),
        "over": round(float(over.mean()), 4),
        "ratio": round(ratio, 4),
        "ci95": [round(low, 3), round(high, 3)],
    }


def run_seeds(
    path: Path,
    seeds: str,
    names: list[str],
    *,
    backtest: bool,
    groups: Callable[..., tuple[list[Group], list[Group]]],
    evaluate: Callable[[str, list[Group], list[Group], int], dict[str, Any]],
) -> None:
    """Every variant on every seed's groups, one JSON line each, then the means as the last line."""
    ratios: dict[str, list[float]] = {name: [] for name in names}
    for seed in (int(s) for s in seeds.split(",")):
        train, test = groups(path, seed, backtest=backtest)
        for name in names:
            row = evaluate(name, train, test, seed)
            ratios[name].append(row["ratio"])
            print(json.dumps(row), flush=True)
    print_summary({"backtest": backtest, "mean_ratio": {n: round(float(np.mean(r)), 4) for n, r in ratios.items()}})


def evaluate(name: str, train: list[Group], test: list[Group], seed: int) -> dict[str, Any]:
    fit, valid = validation_split(train)
    score, scorer, overrides = VARIANTS[name](fit, valid, seed)
    chosen = {k: v for k, v in overrides.items() if k != "monotone_constraints"}
    row = judged(test, [scorer(g.features) for g in test], seed)
    return {"variant": name, "seed": seed, "validation_ndcg@10": round(score, 4), **row, "chosen": chosen}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_variants", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--backtest", action="store_true", help="evaluate on the period before the usual test period")
    parser.add_argument("--seeds", default="7,1,2,11")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma list of {', '.join(VARIANTS)}")
    parser.add_argument(
        "--augment",
        type=int,
        default=1,
        help="training groups drawn this many times (each with its own negatives' seed); test groups unchanged",
    )
    parser.add_argument(
        "--anchor-gap-hours",
        type=float,
        default=None,
        help="training groups anchored this many hours apart per member (default: the 24 h label window)",
    )
    args = parser.parse_args(argv)
    names = [n for n in args.variants.split(",") if n]
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    groups: Callable[..., tuple[list[Group], list[Group]]] = groups_for
    if args.augment != 1:
        groups = partial(augmented_groups, copies=args.augment)
    if args.anchor_gap_hours is not None:
        groups = partial(anchored_groups, gap_hours=args.anchor_gap_hours)
    run_seeds(args.path, args.seeds, names, backtest=args.backtest, groups=groups, evaluate=evaluate)


if __name__ == "__main__":
    main()
