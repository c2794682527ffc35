"""The member's habits and recencies as candidate features, tried before any is installed:
`python -m benchmarks.ranking_habits PATH [--backtest] [--seeds 7,1,2,11] [--variants base,+member_hour_match]`.

Why: issue 13 step 5 (the member's hours and weekdays; how recently the member touched a candidate's tags). Each
column reads only what serving has at hand — the member's last `HISTORY_LIMIT` engagements known before t
(`MemberHistory.engagements_at`, the window `member_recent` holds) and the candidate's own fields — so a kept one
could hold serving parity. The columns are appended to the groups `split_groups` built (the same groups, split
and validation fifth as training); variants as `benchmarks.ranking_features` (`base`, `all`, `+A+B`, `-A-B`,
`only:A+B`), each choosing its `PARAM_GRID` entry on the validation groups. Select on `--backtest`; the last line
is one JSON object of the means.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from benchmarks.ranking_features import columns_of, evaluate_columns, fit_columns
from benchmarks.ranking_variants import dump_data, run_seeds
from benchmarks.ranking_variants import groups_for as variant_groups
from distribution_service.ranking.baselines import recency_scores
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.features import FEATURE_INDEX, FEATURES, CandidateColumns
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory, MemberHistory
from distribution_service.ranking.member_features import HISTORY_LIMIT, Engagements
from distribution_service.ranking.metrics import per_group

DAY = 86_400.0
HOUR = 3_600.0
# An engagement within this many hours (circular) of the decision's hour of day counts as "at this hour".
HOUR_SPAN = 1.0

HABITS = (
    "member_hour_match",  # share of the member's timed engagements within ±1 h (UTC, circular) of t's hour
    "member_weekday_match",  # share of the member's engagements on t's weekday (UTC)
    "cross_tag_recency_days",  # log1p(days since the member last engaged with any of the item's tags); NaN: never
    "cross_author_recency_days",  # log1p(days since the member last engaged with the item's author); NaN: never
    "cross_tag_recent_share",  # share of the member's last 10 engagements carrying one of the item's tags
    # log1p(engagement) of the item minus the median of the member's engaged items' (their counters before t):
    # some members go to busy threads, others to quiet ones (where the model lost to recency on validation)
    "cross_popularity_gap",
    "cross_answers_gap",  # the same for log1p(answers): the positives the model missed were already answered
)
NAMES = (*FEATURES, *HABITS)
RECENT = 10


def date_only(times: np.ndarray) -> np.ndarray:
    """Events stamped exactly at midnight carry a day, not a time (`member_features.known_at`)."""
    return np.asarray(times, dtype=float) % DAY == 0


def hour_match(times: np.ndarray, t: float) -> float:
    """Share of the engagements with a time of day whose UTC hour is within `HOUR_SPAN` of t's (circular); NaN
    when t or every engagement carries a day only."""
    timed = np.asarray(times, dtype=float)[~date_only(times)]
    if t % DAY == 0 or len(timed) == 0:
        return float("nan")
    gap = np.abs((timed % DAY) - (t % DAY)) / HOUR
    return float(np.mean(np.minimum(gap, 24.0 - gap) <= HOUR_SPAN))


def weekday_match(times: np.ndarray, t: float) -> float:
    """Share of the engagements that happened on t's UTC weekday (a date-only one on the day it carries: known
    the next midnight); NaN without engagements."""
    if len(times) == 0:
        return float("nan")
    happened = np.asarray(times, dtype=float) - np.where(date_only(times), DAY, 0.0)
    return float(np.mean(np.floor(happened / DAY) % 7 == np.floor(t / DAY) % 7))


def last_seen(keys: list[list[str]], times: np.ndarray) -> dict[str, float]:
    """Each key's latest time among the engagements (oldest first)."""
    out: dict[str, float] = {}
    for these, at in zip(keys, np.asarray(times, dtype=float).tolist(), strict=True):
        for key in these:
            out[key] = at
    return out


def recency_days(keys: list[list[str]], seen: dict[str, float], t: float) -> np.ndarray:
    """log1p(days since the latest of each row's keys in `seen`), NaN for a row none of whose keys was seen."""
    out = np.full(len(keys), np.nan)
    for row, these in enumerate(keys):
        times = [seen[k] for k in these if k in seen]
        if times:
            out[row] = np.log1p(max(0.0, t - max(times)) / DAY)
    return out


def habit_columns(
    engaged: Engagements,
    catalog: Catalog,
    items: np.ndarray,
    t: float,
    engaged_now: CandidateColumns,
    candidates_now: CandidateColumns,
) -> np.ndarray:
    """The `HABITS` columns of one group's candidates (`engaged_now`, `candidates_now`: the member's engaged
    items' and the candidates' counters known before t)."""
    out = np.full((len(items), len(HABITS)), np.nan)
    out[:, 0] = hour_match(engaged.times, t)
    out[:, 1] = weekday_match(engaged.times, t)
    tags = [list(catalog.tags[i]) for i in items.tolist()]
    authors = [[catalog.author_ids[i] or ""] for i in items.tolist()]
    out[:, 2] = recency_days(tags, last_seen([list(x) for x in engaged.tags], engaged.times), t)
    out[:, 3] = recency_days(authors, last_seen([[a] for a in engaged.author_ids if a], _authored(engaged)), t)
    recent = [set(x) for x in engaged.tags[-RECENT:]]
    if recent:
        out[:, 4] = [np.mean([bool(r.intersection(these)) for r in recent]) for these in tags]
    if len(engaged_now):
        for col, field in ((5, "engagement"), (6, "answers")):
            mine = np.log1p(np.maximum(np.asarray(getattr(engaged_now, field), dtype=float), 0.0))
            theirs = np.log1p(np.maximum(np.asarray(getattr(candidates_now, field), dtype=float), 0.0))
            out[:, col] = theirs - float(np.median(mine))
    return out


def _authored(engaged: Engagements) -> np.ndarray:
    return np.asarray(engaged.times)[[bool(a) for a in engaged.author_ids]]


class Habits:
    """The `HABITS` columns from a dump's arrays, each as of a group's moment."""

    def __init__(self, catalog: Catalog, log: EventLog) -> None:
        self.catalog = catalog
        self.members = MemberHistory(catalog, log)
        self.items = ItemHistory(catalog, log)

    def columns(self, member_id: str, t: float, items: np.ndarray) -> np.ndarray:
        past = self.members.engaged_before(member_id, t)[-HISTORY_LIMIT:]
        engaged = self.members.engagements_at(member_id, t)
        now = self.items.columns_at(past, t), self.items.columns_at(items, t)
        return habit_columns(engaged, self.catalog, items, t, *now)


def groups_for(path: Path, seed: int, *, backtest: bool) -> tuple[list[Group], list[Group]]:
    """The training and test groups with the `HABITS` columns appended after the shipped ones."""
    data = dump_data(path, backtest=backtest)
    train, test = variant_groups(path, seed, backtest=backtest)
    habits = Habits(data.catalog, data.log)

    def extend(groups: list[Group]) -> list[Group]:
        return [
            dataclasses.replace(
                g, features=np.hstack([g.features, habits.columns(g.member_id, g.at, g.items)]).astype(np.float32)
            )
            for g in groups
        ]

    return extend(train), extend(test)


def evaluate(variant: str, train: list[Group], test: list[Group], seed: int) -> dict[str, Any]:
    return evaluate_columns(variant, columns_of(variant, NAMES, {}), NAMES, train, test, seed)


LOSS_COLUMNS = ("content_age_days", "content_answers", "content_popularity", "cross_tag_affinity", "cross_text_max")


def losses(path: Path, seed: int, *, backtest: bool) -> dict[str, Any]:
    """Where the shipped columns lose to recency on the validation groups (NDCG@10 per group): how many groups
    each wins, and in the lost groups the medians of a few columns for the positives and for the model's top
    item (what the third column was chosen from)."""
    train, _ = groups_for(path, seed, backtest=backtest)
    base = list(range(len(FEATURES)))
    _, booster, valid = fit_columns(base, NAMES, train, seed)
    scores = [np.asarray(booster.predict(g.features[:, base], num_threads=1)) for g in valid]
    labels = [g.labels for g in valid]
    model = per_group("ndcg", labels, scores, 10)
    recency = per_group("ndcg", labels, [recency_scores(g) for g in valid], 10)
    lost = [k for k in range(len(valid)) if model[k] < recency[k] - 1e-9]
    cols = [FEATURE_INDEX[n] for n in LOSS_COLUMNS]
    positives = np.vstack([valid[k].features[valid[k].labels > 0][:, cols] for k in lost])
    tops = np.vstack([valid[k].features[int(np.argmax(scores[k])), cols] for k in lost])
    return {
        "seed": seed,
        "validation_groups": len(valid),
        "model_wins": int(np.count_nonzero(model > recency + 1e-9)),
        "recency_wins": len(lost),
        "lost_positive_median": dict(
            zip(LOSS_COLUMNS, np.round(np.median(positives.astype(float), axis=0), 3).tolist(), strict=True)
        ),
        "lost_model_top_median": dict(
            zip(LOSS_COLUMNS, np.round(np.median(tops.astype(float), axis=0), 3).tolist(), strict=True)
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_habits", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--backtest", action="store_true", help="evaluate on the period before the usual test period")
    parser.add_argument("--seeds", default="7,1,2,11")
    parser.add_argument("--variants", default="base,all", help="comma list: base, all, +A+B, -A-B, only:A+B")
    parser.add_argument(
        "--losses", action="store_true", help="only print where the shipped columns lose to recency on validation"
    )
    args = parser.parse_args(argv)
    if args.losses:
        for seed in (int(s) for s in args.seeds.split(",")):
            print_summary(losses(args.path, seed, backtest=args.backtest))
        return
    names = [n for n in args.variants.split(",") if n]
    for name in names:
        try:
            columns_of(name, NAMES, {})
        except ValueError as exc:
            parser.error(str(exc))
    run_seeds(args.path, args.seeds, names, backtest=args.backtest, groups=groups_for, evaluate=evaluate)


if __name__ == "__main__":
    main()
