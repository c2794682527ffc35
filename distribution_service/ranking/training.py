"""Train the LightGBM ranker on a time split and judge it against the baselines on the same test groups."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import lightgbm as lgb
import numpy as np

from distribution_service.domain.labels import LABEL_GAIN
from distribution_service.ranking.baselines import (
    AlsBaseline,
    age_idle_scores,
    heuristic_scores,
    popularity_scores,
    recency_scores,
    tune_als,
)
from distribution_service.ranking.dataset import (
    Group,
    Protocol,
    TrainingData,
    iso,
    split_groups,
    time_split,
)
from distribution_service.ranking.distributed import fit_lightgbm_dask
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.heuristic import HeuristicRanker, HeuristicWeights
from distribution_service.ranking.metrics import bootstrap_ci95, paired_ratio_ci95, per_group, summary

RANKERS = ("lightgbm", "popularity", "recency", "age_idle", "heuristic", "implicit_als")
# Fewer groups than this in training or in test is a refusal, not a model: a figure on a handful of groups
# means nothing. Small on purpose (every shared dump and a ~2,000-post community clear it); promotion has its own,
# stricter gate.
MIN_GROUPS = 20
PAIRED_WITH = ("recency", "popularity")
# Rebuilt groups were never shown: they share one position id, apart from every logged position.
NOT_SHOWN_POSITION = 10_000
NUM_BOOST_ROUND = 400
EARLY_STOPPING_ROUNDS = 40
# A small search on the validation groups only (never the test groups): each entry overrides
# `lightgbm_params`, is fitted with early stopping on validation, and the best validation NDCG@10 wins (a tie
# keeps the earlier, simpler entry). A longer truncation lets lambdarank see every candidate of a ~100-item
# group; the stronger L2 and larger leaves suit ~1,000 groups.
PARAM_GRID: tuple[dict[str, Any], ...] = (
    {},
    {"lambdarank_truncation_level": 100},
    {"lambdarank_truncation_level": 100, "lambda_l2": 10.0, "min_data_in_leaf": 40},
    {
        "lambdarank_truncation_level": 100,
        "lambda_l2": 10.0,
        "min_data_in_leaf": 40,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
    },
)


def lightgbm_params(seed: int) -> dict[str, Any]:
    # deterministic + one thread + row-wise histograms: the same data and seed give the same model, bit for bit.
    return {
        "objective": "lambdarank",
        "metric": "ndcg",
        "eval_at": [10],
        "label_gain": LABEL_GAIN,
        "lambdarank_truncation_level": 20,
        "learning_rate": 0.05,
        "num_leaves": 15,
        "min_data_in_leaf": 20,
        "feature_fraction": 0.9,
        "lambda_l2": 1.0,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
    }


@dataclass(frozen=True)
class Controls:
    """Ways to try to break a gain (never for a model meant to serve): train on labels shuffled within each
    training group (a model that learns nothing real should score like chance), or on a few features only
    (the rest held at 0, for training and test alike)."""

    shuffle_labels: bool = False
    only_features: tuple[str, ...] = ()

    def apply(self, groups: list[Group], *, training: bool, seed: int) -> list[Group]:
        rng = np.random.default_rng(seed)
        out = []
        for g in groups:
            features, labels = g.features, g.labels
            if self.only_features:
                features = features.copy()
                drop = [i for i, name in enumerate(FEATURES) if name not in self.only_features]
                features[:, drop] = 0.0
            if training and self.shuffle_labels:
                labels = labels[rng.permutation(len(labels))]
            out.append(replace(g, features=features, labels=labels))
        return out


# The last fifth of training (by time) is the validation set for early stopping, the grid search and ALS tuning.
VALIDATION_SHARE = 0.2


def validation_start(groups: list[Group]) -> float:
    """The moment the validation fifth of `groups` starts."""
    return float(np.quantile([g.at for g in groups], 1.0 - VALIDATION_SHARE))


def validation_split(groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """`groups` before the validation fifth (the fit part) and the validation fifth itself."""
    start = validation_start(groups)
    return [g for g in groups if g.at < start], [g for g in groups if g.at >= start]


class TooFewGroupsError(ValueError):
    """Training refused: too few groups to fit or to judge a model on. Nothing is registered."""


@dataclass
class TrainingResult:
    model_version: str
    model_text: str
    params: dict[str, Any]
    report: dict[str, Any]
    importance: dict[str, float]
    best_iteration: int
    cold_start_test_groups: int
    als_params: dict[str, float]
    # The validation search (PARAM_GRID): the chosen overrides and each entry's validation NDCG@10.
    search: dict[str, Any] = field(default_factory=dict)


def _dataset(groups: list[Group], reference: lgb.Dataset | None = None) -> lgb.Dataset:
    kwargs: dict[str, Any] = {}
    if any(g.positions is not None for g in groups):
        kwargs["position"] = np.concatenate(
            [g.positions if g.positions is not None else np.full(len(g.items), NOT_SHOWN_POSITION) for g in groups]
        )
    return lgb.Dataset(
        np.vstack([g.features for g in groups]),
        label=np.concatenate([g.labels for g in groups]),
        group=[len(g.items) for g in groups],
        feature_name=list(FEATURES),
        reference=reference,
        free_raw_data=False,
        **kwargs,
    )


def fit_lightgbm(
    train: list[Group], valid: list[Group], seed: int, overrides: dict[str, Any] | None = None
) -> lgb.Booster:
    params = lightgbm_params(seed) | (overrides or {})
    train_set = _dataset(train)
    if not valid:
        return lgb.train(params, train_set, num_boost_round=NUM_BOOST_ROUND // 4)
    valid_set = _dataset(valid, reference=train_set)
    return lgb.train(
        params,
        train_set,
        num_boost_round=NUM_BOOST_ROUND,
        valid_sets=[valid_set],
        callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
    )


def search_lightgbm(
    train: list[Group], valid: list[Group], seed: int
) -> tuple[lgb.Booster, dict[str, Any], list[float]]:
    """The best of PARAM_GRID by validation NDCG@10: the booster, its overrides, and every entry's score."""
    if not valid:
        return fit_lightgbm(train, valid, seed), {}, []
    best: tuple[float, lgb.Booster, dict[str, Any]] | None = None
    scores = []
    for overrides in PARAM_GRID:
        booster = fit_lightgbm(train, valid, seed, overrides)
        score = float(booster.best_score["valid_0"]["ndcg@10"])
        scores.append(round(score, 6))
        if best is None or score > best[0]:
            best = (score, booster, overrides)
    assert best is not None
    return best[1], best[2], scores


def train_and_evaluate(
    data: TrainingData,
    *,
    seed: int = 7,
    progress: Callable[[str], None] = lambda _: None,
    dask_scheduler: str | None = None,
    min_groups: int = MIN_GROUPS,
    controls: Controls | None = None,
    heuristic: HeuristicWeights | None = None,
) -> TrainingResult:
    """Train on `data`'s time split and judge the model against the baselines on the same test groups; the
    `heuristic` baseline is the fallback at `heuristic`'s weights (the defaults when None), as the feed serves it."""
    engaged = (data.log.grades > 0) & (data.log.member_ids != "")
    split = time_split(data.log.times[engaged], since=data.since, until=data.until)
    protocol = Protocol(alive_days=data.alive_days)
    train, test = split_groups(data, split, protocol=protocol, seed=seed, progress=progress)
    if len(train) < max(min_groups, 2) or len(test) < max(min_groups, 1):
        raise TooFewGroupsError(
            f"refused: {len(train)} training and {len(test)} test groups, fewer than the minimum of {min_groups}"
            f" each (--min-groups); no model was registered. Groups dropped by reason: {protocol.report()}"
        )
    fit_part, valid_part = validation_split(train)
    model_test, als_valid = test, valid_part
    if controls is not None:
        fit_part = controls.apply(fit_part, training=True, seed=seed)
        valid_part = controls.apply(valid_part, training=True, seed=seed + 1)
        train = controls.apply(train, training=True, seed=seed)
        model_test = controls.apply(test, training=False, seed=seed)
    tuned: dict[str, Any] = {}
    searched: list[float] = []
    if dask_scheduler:
        progress(f"training LightGBM on the Dask cluster at {dask_scheduler} on {len(train)} groups")
        booster = fit_lightgbm_dask(train, lightgbm_params(seed), dask_scheduler)
    else:
        progress(f"training LightGBM on {len(fit_part)} groups, validating on {len(valid_part)}")
        booster, tuned, searched = search_lightgbm(fit_part or train, valid_part if fit_part else [], seed)

    progress("tuning implicit ALS on the training period")
    log = data.log
    als: AlsBaseline = tune_als(
        log.member_ids[engaged],
        log.items[engaged],
        log.grades[engaged].astype(float),
        log.times[engaged],
        len(data.catalog),
        validation_start=validation_start(train),
        validation_groups=als_valid,
        train_until=split,
        seed=seed,
    )
    progress(f"scoring {len(test)} test groups with {len(RANKERS)} rankers")
    model_features = {id(g): m.features for g, m in zip(test, model_test, strict=True)}
    fallback = HeuristicRanker(heuristic)
    scorers: dict[str, Callable[[Group], np.ndarray]] = {
        "lightgbm": lambda g: np.asarray(booster.predict(model_features[id(g)], num_threads=1), dtype=float),
        "popularity": popularity_scores,
        "recency": recency_scores,
        "age_idle": lambda g: age_idle_scores(g, data.alive_days),
        "heuristic": lambda g: heuristic_scores(g, fallback),
        "implicit_als": als.scores,
    }
    labels = [g.labels for g in test]
    metrics: dict[str, dict[str, float]] = {}
    ci95: dict[str, dict[str, list[float]]] = {}
    ndcg10: dict[str, np.ndarray] = {}
    for name, scorer in scorers.items():
        scores = [scorer(g) for g in test]
        metrics[name] = summary(labels, scores)
        ndcg10[name] = per_group("ndcg", labels, scores, 10)
        ci95[name] = {"ndcg@10": list(bootstrap_ci95(ndcg10[name], seed=seed))}
    best = max(PAIRED_WITH, key=lambda name: metrics[name]["ndcg@10"])
    ratio, low, high = paired_ratio_ci95(ndcg10["lightgbm"], ndcg10[best], seed=seed)

    model_text = booster.model_to_string()
    version = "lgbm-" + hashlib.sha256(model_text.encode()).hexdigest()[:12]
    report = {
        "community": data.community,
        "model_version": version,
        "window": {"train": [iso(data.since), iso(split)], "test": [iso(split), iso(data.until)]},
        "groups": {"train": len(train), "test": len(test)},
        "metrics": metrics,
        "ci95": ci95,
        "protocol": protocol.report(),
        # The model over the best of recency and popularity on the same groups, paired bootstrap ci95.
        "paired": {"over": best, "ndcg@10_ratio": ratio, "ci95": [low, high]},
        # Which fallback the `heuristic` figures are (its weights may be set: RANKING_HEURISTIC_*).
        "baselines": {"heuristic": fallback.version},
    }
    gains = booster.feature_importance(importance_type="gain")
    importance = {name: round(float(v), 4) for name, v in zip(FEATURES, gains, strict=True)}
    return TrainingResult(
        model_version=version,
        model_text=model_text,
        params=lightgbm_params(seed) | tuned | {"best_iteration": booster.best_iteration, "dask": bool(dask_scheduler)},
        report=report,
        importance=importance,
        best_iteration=int(booster.best_iteration or booster.current_iteration()),
        cold_start_test_groups=sum(g.cold_start for g in test),
        als_params=als.params,
        search={"chosen": tuned, "validation_ndcg@10": searched},
    )


def write_plots(result: TrainingResult, stem: str) -> list[str]:
    """PNG plots beside the report: NDCG@10 per ranker with its ci95, and LightGBM's feature importance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    metrics, ci = result.report["metrics"], result.report["ci95"]
    names = list(metrics)
    values = [metrics[n]["ndcg@10"] for n in names]
    errors = np.array([[v - ci[n]["ndcg@10"][0], ci[n]["ndcg@10"][1] - v] for n, v in zip(names, values, strict=True)])
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar(names, values, yerr=errors.T.clip(min=0), capsize=4, color="#4c72b0")
    ax.set_ylabel("NDCG@10 (test groups, ci95)")
    ax.set_title(f"{result.report['community']}: {result.model_version}")
    fig.tight_layout()
    paths.append(f"{stem}-metrics.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    ordered = sorted(result.importance.items(), key=lambda kv: kv[1])
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.barh([k for k, _ in ordered], [v for _, v in ordered], color="#55a868")
    ax.set_xlabel("total gain")
    ax.set_title("LightGBM feature importance")
    fig.tight_layout()
    paths.append(f"{stem}-importance.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths
