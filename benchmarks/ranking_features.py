"""Candidate features for the ranker, tried on a Stack Exchange dump before any is installed:
`python -m benchmarks.ranking_features PATH [--backtest] [--seeds 7,1,2,11] [--variants base,all,+x,-x,only:x]`.

Why: issue 13 step 5 asks for signals that generalise across communities. Adding a column to `FEATURES` means
a serving input, a parity test and a brute-force test; this benchmark first measures whether a signal is worth
that. Each extra column is computed here from the dump's own arrays (catalog, event log), strictly from what
was known before the group's moment (`EventLog.known < t`), and appended to the groups `split_groups` built (the
same groups, split and validation fifth as training). Variants: `base` (the shipped 31 columns), `all` (plus
every extra), `+A+B` (base plus these), `-A-B` (all but these: the ablation), `only:A+B` (these columns alone).
Each chooses its `PARAM_GRID` entry on the validation groups (as training does). Printed per variant and seed:
validation NDCG@10, test NDCG@10 and the ratio over the best of recency and popularity with its paired ci95 (the
bare baselines, in the same run); the last line is one JSON object of the means. Select on `--backtest`.
"""

from __future__ import annotations

import argparse
import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

from benchmarks.ranking_collab import COLLAB, Collaborative
from benchmarks.ranking_pooled import RELATIVE as POOLED_RELATIVE
from benchmarks.ranking_variants import dump_data, judged, run_seeds
from benchmarks.ranking_variants import groups_for as variant_groups
from distribution_service.ranking.dataset import ALIVE_DAYS, Group
from distribution_service.ranking.features import FEATURE_INDEX, FEATURES
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory
from distribution_service.ranking.text import text_matrix
from distribution_service.ranking.training import (
    EARLY_STOPPING_ROUNDS,
    NUM_BOOST_ROUND,
    PARAM_GRID,
    lightgbm_params,
    validation_split,
)

DAY = 86_400.0
ANSWER_GRADE = 3
HISTORY = 100

EXTRAS = (
    "cross_new_since_visit",  # log age minus log days since the member's last engagement (new to them)
    "cross_active_since_visit",  # log idle minus log days since the member's last engagement
    "content_last_answer_days",  # days since the item's last answer known before t (NaN: none)
    "content_author_activity",  # log1p of the asker's own engagement events known before t
    "cross_author_replied",  # times the asker engaged with the member's own items before t (reciprocity)
    "cross_neighbours",  # log1p of the item's engagers before t who engaged an item the member engaged
    "cross_title_max",  # closest cosine of the item's title with the titles the member engaged with
    "content_newest_rank",  # log1p of how many items were created after it and before t (the "newest" tab)
    "content_active_rank",  # log1p of how many alive items were active after its last activity (the "active" tab)
    "content_accepted",  # 1 when an answer of the question was accepted before t (a date-only vote: known next day)
    "content_downvotes",  # log1p of the question's own down-votes known before t (date-only)
    "content_closed",  # 1 when the question was closed before t (Posts.xml ClosedDate)
)

# Group-relative columns: LightGBM scores one row at a time, so "the newest (most active, most answered) of
# these candidates" is not learnable from raw values whose scale moves with the community's pace and the day.
# Each shipped column below gets its percentile within the group (0 lowest, 1 highest, ties averaged) and its
# z-score within the group (NaN where the group does not vary); both read only the group's own features.
RELATIVE_OF = (
    *POOLED_RELATIVE,  # the six count and time columns `ranking_pooled` replaced by percentiles
    "cross_text_similarity",
    "cross_text_max",
    "cross_tag_lift",
    "cross_tag_affinity",
)
RELATIVE = (*(f"rel_pct_{n}" for n in RELATIVE_OF), *(f"rel_z_{n}" for n in RELATIVE_OF))
ALIASES = {
    "rel_pct": [f"rel_pct_{n}" for n in RELATIVE_OF],
    "rel_z": [f"rel_z_{n}" for n in RELATIVE_OF],
    "collab": list(COLLAB[:4]),  # the collaborative columns
    "velocity": list(COLLAB[4:9]),  # named engagement in the last hours
    "rel_time": [
        "rel_pct_content_age_days",
        "rel_pct_content_last_activity_days",
        "rel_z_content_age_days",
        "rel_z_content_last_activity_days",
    ],
}


def relative_columns(features: np.ndarray) -> np.ndarray:
    """Percentile and z-score within the group of each `RELATIVE_OF` column (see above)."""
    from scipy.stats import rankdata

    n = len(features)
    out = np.full((n, len(RELATIVE)), np.nan)
    for k, name in enumerate(RELATIVE_OF):
        x = features[:, FEATURE_INDEX[name]].astype(float)
        known = int(np.count_nonzero(~np.isnan(x)))
        if known > 1:
            out[:, k] = (rankdata(x, method="average", nan_policy="omit") - 1) / (known - 1)
        sd = np.nanstd(x)
        if np.isfinite(sd) and sd > 0:
            out[:, len(RELATIVE_OF) + k] = (x - np.nanmean(x)) / sd
    return out


@dataclasses.dataclass
class Sources:
    """The dump's arrays indexed for "known before t" lookups."""

    catalog: Catalog
    log: EventLog
    titles: Any
    # Per question (catalog order): when an accept became known (inf: never), its down-votes' known times, when
    # it was closed (inf: never).
    thread: tuple[np.ndarray, list[np.ndarray], np.ndarray] | None = None

    def __post_init__(self) -> None:
        log = self.log
        real = (log.grades > 0) & (log.member_ids != "")
        self.by_item: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.by_member: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.by_pair: dict[tuple[str, str], np.ndarray] = {}
        idx = np.flatnonzero(real)
        order = idx[np.argsort(log.known[idx], kind="stable")]
        items: dict[int, list[int]] = {}
        members: dict[str, list[int]] = {}
        pairs: dict[tuple[str, str], list[float]] = {}
        authors = self.catalog.author_ids
        for e in order:
            item, member = int(log.items[e]), str(log.member_ids[e])
            items.setdefault(item, []).append(e)
            members.setdefault(member, []).append(e)
            owner = authors[item]
            if owner and owner != member:
                pairs.setdefault((member, owner), []).append(float(log.known[e]))
        for item, rows in items.items():
            r = np.array(rows)
            self.by_item[item] = (log.known[r], log.member_ids[r].astype(str), log.grades[r])
        for member, rows in members.items():
            r = np.array(rows)
            self.by_member[member] = (log.known[r], log.items[r])
        self.by_pair = {k: np.array(v) for k, v in pairs.items()}
        self.history = ItemHistory(self.catalog, log)
        self.created_sorted = np.sort(self.catalog.created)

    def columns(self, group: Group) -> np.ndarray:
        t, member = group.at, group.member_id
        n = len(group.items)
        out = np.full((n, len(EXTRAS)), np.nan)
        f = group.features
        recency = np.log1p(f[:, FEATURE_INDEX["member_recency_days"]].astype(float))
        out[:, 0] = np.log1p(f[:, FEATURE_INDEX["content_age_days"]].astype(float)) - recency
        out[:, 1] = np.log1p(f[:, FEATURE_INDEX["content_last_activity_days"]].astype(float)) - recency
        mine = self.by_member.get(member)
        if mine is not None:
            hi = int(np.searchsorted(mine[0], t, side="left"))
            engaged = mine[1][max(0, hi - HISTORY) : hi]
        else:
            engaged = np.zeros(0, dtype=np.int64)
        neighbours: set[str] = set()
        for item in set(engaged.tolist()):
            known, who, _ = self.by_item[item]
            neighbours.update(who[: np.searchsorted(known, t, side="left")].tolist())
        neighbours.discard(member)
        if len(engaged):
            sims = np.asarray((self.titles[group.items] @ self.titles[engaged].T).todense())
            out[:, 6] = sims.max(axis=1)
        else:
            out[:, 6] = 0.0
        created = self.catalog.created[group.items]
        newer = np.searchsorted(self.created_sorted, t, side="left") - np.searchsorted(
            self.created_sorted, created, side="right"
        )
        out[:, 7] = np.log1p(np.maximum(newer, 0))
        alive = self.history.alive(t, days=ALIVE_DAYS)
        active = np.sort(self.history.last_activity(alive, t))
        mine_last = self.history.last_activity(group.items, t)
        out[:, 8] = np.log1p(len(active) - np.searchsorted(active, mine_last, side="right"))
        if self.thread is not None:
            accepted, downvotes, closed = self.thread
            out[:, 9] = (accepted[group.items] < t).astype(float)
            out[:, 10] = [np.log1p(np.searchsorted(downvotes[i], t, side="left")) for i in group.items.tolist()]
            out[:, 11] = (closed[group.items] < t).astype(float)
        authors = self.catalog.author_ids
        for row, item in enumerate(group.items.tolist()):
            known, who, grades = self.by_item.get(item, (np.zeros(0), np.zeros(0, dtype=str), np.zeros(0)))
            k = int(np.searchsorted(known, t, side="left"))
            answered = np.flatnonzero(grades[:k] >= ANSWER_GRADE)
            if len(answered):
                out[row, 2] = (t - known[answered[-1]]) / DAY
            owner = authors[item]
            if owner:
                theirs = self.by_member.get(owner)
                out[row, 3] = np.log1p(np.searchsorted(theirs[0], t, side="left")) if theirs is not None else 0.0
                replied = self.by_pair.get((owner, member))
                out[row, 4] = 0.0 if replied is None else float(np.searchsorted(replied, t, side="left"))
            else:
                out[row, 3] = 0.0
                out[row, 4] = 0.0
            out[row, 5] = np.log1p(len(neighbours.intersection(who[:k].tolist()))) if neighbours else 0.0
        return out


def _titles(path: Path) -> list[str]:
    """Question titles in `load`'s catalog order."""
    rows = ET.parse(path / "Posts.xml").getroot().iter("row")
    return [r.attrib.get("Title", "") for r in rows if r.attrib.get("PostTypeId") == "1"]


def _thread_state(path: Path, catalog: Catalog) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Accepts, down-votes and closing of each question, from the dump (votes are dated by day: known next day)."""
    from distribution_service.ranking.stackexchange import _rows, _time

    index = {c: i for i, c in enumerate(catalog.content_ids)}
    posts = _rows(path / "Posts.xml")
    parent = {p["Id"]: p.get("ParentId", "") for p in posts if p.get("PostTypeId") == "2"}
    accepted = np.full(len(catalog), np.inf)
    closed = np.full(len(catalog), np.inf)
    for p in posts:
        if p.get("PostTypeId") == "1" and p.get("ClosedDate"):
            closed[index[p["Id"]]] = _time(p["ClosedDate"])
    down: list[list[float]] = [[] for _ in range(len(catalog))]
    for v in _rows(path / "Votes.xml"):
        post, known = v.get("PostId", ""), _time(v["CreationDate"]) + DAY
        if v.get("VoteTypeId") == "1" and parent.get(post) in index:
            q = index[parent[post]]
            accepted[q] = min(accepted[q], known)
        elif v.get("VoteTypeId") == "3" and post in index:
            down[index[post]].append(known)
    return accepted, [np.sort(np.array(d)) for d in down], closed


def groups_for(path: Path, seed: int, *, backtest: bool) -> tuple[list[Group], list[Group]]:
    """Training and test groups as `python -m distribution_service.ranking.stackexchange` builds them, each with
    the extra columns appended after the shipped ones."""
    data = dump_data(path, backtest=backtest)
    train, test = variant_groups(path, seed, backtest=backtest)
    sources = Sources(data.catalog, data.log, text_matrix(_titles(path)), _thread_state(path, data.catalog))
    collab = Collaborative(data.catalog, data.log)

    def extend(groups: list[Group]) -> list[Group]:
        return [
            dataclasses.replace(
                g,
                features=np.hstack(
                    [
                        g.features,
                        sources.columns(g),
                        collab.columns(g.member_id, g.at, g.items),
                        relative_columns(g.features),
                    ]
                ).astype(np.float32),
            )
            for g in groups
        ]

    return extend(train), extend(test)


NAMES = (*FEATURES, *EXTRAS, *COLLAB, *RELATIVE)


def columns_of(variant: str, names: tuple[str, ...] = NAMES, aliases: dict[str, list[str]] | None = None) -> list[int]:
    """Which columns (of `names`: the shipped ones first, then the extras) a variant trains on."""
    aliases = ALIASES if aliases is None else aliases
    base = list(range(len(FEATURES)))
    every = list(range(len(names)))
    if variant == "base":
        return base
    if variant == "all":
        return every
    if variant.startswith("only:"):
        picked_names = variant.removeprefix("only:").split("+")
        sign = "only"
    else:
        sign, picked_names = variant[0], variant[1:].split(variant[0])
    asked = [m for n in picked_names for m in aliases.get(n, [n])]
    unknown = [n for n in asked if n not in names]
    if unknown or sign not in ("+", "-", "only"):
        raise ValueError(f"unknown variant {variant}")
    picked = [names.index(n) for n in asked]
    if sign == "+":
        return [*base, *picked]
    if sign == "-":
        return [c for c in every if c not in picked]
    return picked


def _dataset(
    groups: list[Group], cols: list[int], names: tuple[str, ...], reference: lgb.Dataset | None = None
) -> lgb.Dataset:
    return lgb.Dataset(
        np.vstack([g.features[:, cols] for g in groups]),
        label=np.concatenate([g.labels for g in groups]),
        group=[len(g.items) for g in groups],
        feature_name=[names[c] for c in cols],
        reference=reference,
        free_raw_data=False,
    )


def _search(
    fit: list[Group], valid: list[Group], seed: int, cols: list[int], names: tuple[str, ...]
) -> tuple[float, lgb.Booster]:
    """PARAM_GRID, the best validation NDCG@10 wins, as `training.search_lightgbm`."""
    best: tuple[float, lgb.Booster] | None = None
    train_set = _dataset(fit, cols, names)
    valid_set = _dataset(valid, cols, names, reference=train_set)
    for entry in PARAM_GRID:
        booster = lgb.train(
            lightgbm_params(seed) | entry,
            train_set,
            num_boost_round=NUM_BOOST_ROUND,
            valid_sets=[valid_set],
            callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
        )
        score = float(booster.best_score["valid_0"]["ndcg@10"])
        if best is None or score > best[0]:
            best = (score, booster)
    assert best is not None
    return best


def evaluate(variant: str, train: list[Group], test: list[Group], seed: int) -> dict[str, Any]:
    return evaluate_columns(variant, columns_of(variant), NAMES, train, test, seed)


def fit_columns(
    cols: list[int], names: tuple[str, ...], train: list[Group], seed: int
) -> tuple[float, lgb.Booster, list[Group]]:
    """The booster training would choose on `cols` (its validation NDCG@10), and the validation groups (the last
    fifth of training)."""
    fit, valid = validation_split(train)
    score, booster = _search(fit, valid, seed, cols, names)
    return score, booster, valid


def evaluate_columns(
    variant: str, cols: list[int], names: tuple[str, ...], train: list[Group], test: list[Group], seed: int
) -> dict[str, Any]:
    """Fit on `cols` of the groups' features (named `names`), validated and judged as training does."""
    score, booster, _ = fit_columns(cols, names, train, seed)
    scores = [np.asarray(booster.predict(g.features[:, cols], num_threads=1)) for g in test]
    return {"variant": variant, "seed": seed, "validation_ndcg@10": round(score, 4), **judged(test, scores, seed)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_features", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--backtest", action="store_true", help="evaluate on the period before the usual test period")
    parser.add_argument("--seeds", default="7,1,2,11")
    parser.add_argument("--variants", default="base,all", help="comma list: base, all, +A+B, -A-B, only:A+B")
    args = parser.parse_args(argv)
    names = [n for n in args.variants.split(",") if n]
    for name in names:
        try:
            columns_of(name)
        except ValueError as exc:
            parser.error(str(exc))
    run_seeds(args.path, args.seeds, names, backtest=args.backtest, groups=groups_for, evaluate=evaluate)


if __name__ == "__main__":
    main()
