"""Collaborative and velocity columns for `benchmarks.ranking_features`, each known strictly before the group's t.

Why: the columns tried before (docs/ranking.md) read the candidate's own engagers (`cross_neighbours`) or the
asker's tie to the member (`cross_author_replied`); a fresh question has few engagers, so those are mostly 0.
These read signals a fresh candidate already has: the co-engagement of the member's recent threads with the
candidate (item-item cosine over members), the overlap of the member's neighbours with the asker's audience
(everyone who engaged the asker's earlier questions), who engaged the member's own questions (their helpers)
among the candidate's engagers, and the candidate's named engagement in the last hours against its lifetime rate.
Only named engagement counts (anonymous up-votes are date-only and carry no member).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from distribution_service.ranking.history import Catalog, EventLog

K = TypeVar("K")
DAY = 86_400.0
HOUR = 3_600.0
RECENT_DAYS = 30.0
HISTORY = 100
VELOCITY_HOURS = 6.0

COLLAB = (
    "cross_coengagement",  # sum over the member's items of the last 30 days of the item-item cosine with it
    "cross_coengagement_max",  # the largest of those cosines
    "cross_audience_overlap",  # cosine of the member's neighbours with the asker's audience before t
    "cross_helpers",  # log1p of its engagers before t who engaged the member's own questions before t
    "content_events_6h",  # log1p of named engagement events on it in the 6 hours before t
    "content_velocity_rel",  # log of (its rate in the last 6 hours + eps) over (its lifetime rate + eps)
    "content_events_1h",  # log1p of named engagement events on it in the hour before t
    "content_events_24h",  # log1p of named engagement events on it in the 24 hours before t
    "content_last_named_hours",  # log1p hours since its last named engagement (since its creation: none yet)
    "content_text_words",  # log1p of the words of its title, tags and body (a content column, tried alongside)
)


def _cosine(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / float(np.sqrt(len(a) * len(b)))


class Collaborative:
    """The dump's named engagement indexed by item, member and asker, sorted by when it was known."""

    def __init__(self, catalog: Catalog, log: EventLog) -> None:
        self.catalog = catalog
        texts = catalog.texts or [""] * len(catalog)
        self.words = np.log1p(np.array([len(t.split()) for t in texts], dtype=float))
        real = (log.grades > 0) & (log.member_ids != "")
        idx = np.flatnonzero(real)
        order = idx[np.argsort(log.known[idx], kind="stable")]
        items: dict[int, list[int]] = defaultdict(list)
        members: dict[str, list[int]] = defaultdict(list)
        for e in order.tolist():
            items[int(log.items[e])].append(e)
            members[str(log.member_ids[e])].append(e)
        self.by_item = {i: (log.known[r], log.member_ids[r].astype(str)) for i, r in _arrays(items).items()}
        self.by_member = {m: (log.known[r], log.items[r]) for m, r in _arrays(members).items()}
        authored: dict[str, list[int]] = defaultdict(list)
        for i, owner in enumerate(catalog.author_ids):
            if owner:
                authored[owner].append(i)
        self.authored = {a: np.array(v, dtype=np.int64) for a, v in authored.items()}
        audience: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for owner, own in self.authored.items():
            for i in own.tolist():
                known, who = self.by_item.get(i, (np.zeros(0), np.zeros(0, dtype=str)))
                audience[owner].extend((float(k), w) for k, w in zip(known, who, strict=True) if w != owner)
        self.audience = {
            a: (np.array([k for k, _ in rows]), np.array([w for _, w in rows], dtype=str))
            for a, rows in ((a, sorted(v)) for a, v in audience.items())
        }

    def engagers(self, item: int, t: float, *, since: float = -np.inf) -> set[str]:
        known, who = self.by_item.get(item, (np.zeros(0), np.zeros(0, dtype=str)))
        lo = int(np.searchsorted(known, since, side="left"))
        return set(who[lo : int(np.searchsorted(known, t, side="left"))].tolist())

    def columns(self, member: str, t: float, items: np.ndarray) -> np.ndarray:
        out = np.zeros((len(items), len(COLLAB)))
        mine = self.by_member.get(member)
        engaged = np.zeros(0, dtype=np.int64)
        recent = np.zeros(0, dtype=np.int64)
        if mine is not None:
            hi = int(np.searchsorted(mine[0], t, side="left"))
            lo = int(np.searchsorted(mine[0], t - RECENT_DAYS * DAY, side="left"))
            engaged = np.unique(mine[1][max(0, hi - HISTORY) : hi])
            recent = np.unique(mine[1][max(lo, hi - HISTORY) : hi])
        recent_sets = [self.engagers(int(i), t) - {member} for i in recent.tolist()]
        neighbours: set[str] = set()
        for i in engaged.tolist():
            neighbours |= self.engagers(i, t)
        neighbours.discard(member)
        helpers: set[str] = set()
        for i in self.authored.get(member, np.zeros(0, dtype=np.int64)).tolist():
            if self.catalog.created[i] < t:
                helpers |= self.engagers(i, t)
        helpers.discard(member)
        authors = self.catalog.author_ids
        created = self.catalog.created
        for row, item in enumerate(items.tolist()):
            theirs = self.engagers(item, t) - {member}
            cosines = [_cosine(s, theirs) for s in recent_sets]
            out[row, 0] = float(np.sum(cosines)) if cosines else 0.0
            out[row, 1] = float(np.max(cosines)) if cosines else 0.0
            owner = authors[item]
            if owner and owner in self.audience:
                known, who = self.audience[owner]
                audience = set(who[: int(np.searchsorted(known, t, side="left"))].tolist()) - {member}
                out[row, 2] = _cosine(neighbours, audience)
            out[row, 3] = np.log1p(len(theirs & helpers))
            known, _ = self.by_item.get(item, (np.zeros(0), np.zeros(0, dtype=str)))
            total = int(np.searchsorted(known, t, side="left"))
            last = total - int(np.searchsorted(known, t - VELOCITY_HOURS * HOUR, side="left"))
            out[row, 4] = np.log1p(last)
            age_hours = max((t - float(created[item])) / HOUR, VELOCITY_HOURS)
            out[row, 5] = np.log((last / VELOCITY_HOURS + 0.01) / (total / age_hours + 0.01))
            out[row, 6] = np.log1p(total - int(np.searchsorted(known, t - HOUR, side="left")))
            out[row, 7] = np.log1p(total - int(np.searchsorted(known, t - DAY, side="left")))
            since = float(known[total - 1]) if total else float(created[item])
            out[row, 8] = np.log1p(max(t - since, 0.0) / HOUR)
            out[row, 9] = self.words[item]
        return out


def _arrays(rows: dict[K, list[int]]) -> dict[K, np.ndarray]:
    return {k: np.array(v, dtype=np.int64) for k, v in rows.items()}


def describe(path: Path, seed: int, *, backtest: bool) -> dict[str, Any]:
    """On the training groups: each column's share of non-zero values among positives and among all rows, and
    the within-group AUC of positives against negatives (0.5: no signal; below: higher on negatives); where the
    positives stand in age (share that are their group's newest candidate, median age in days)."""
    from benchmarks.ranking_variants import dump_data, groups_for
    from distribution_service.ranking.features import FEATURE_INDEX

    data = dump_data(path, backtest=backtest)
    train, _ = groups_for(path, seed, backtest=backtest)
    collab = Collaborative(data.catalog, data.log)
    columns = [collab.columns(g.member_id, g.at, g.items) for g in train]
    labels = [g.labels > 0 for g in train]
    x, y = np.vstack(columns), np.concatenate(labels)
    out: dict[str, Any] = {"groups": len(train), "positives": int(y.sum()), "rows": len(y)}
    for k, name in enumerate(COLLAB):
        wins = [
            float(np.mean(c[~pos, k] < v) + 0.5 * np.mean(c[~pos, k] == v))
            for c, pos in zip(columns, labels, strict=True)
            for v in c[pos, k]
        ]
        out[name] = {
            "nonzero_positives": round(float(np.mean(x[y, k] != 0)), 3),
            "nonzero_rows": round(float(np.mean(x[:, k] != 0)), 3),
            "auc": round(float(np.mean(wins)), 3),
        }
    age = FEATURE_INDEX["content_age_days"]
    newest = [
        float(np.all(g.features[~pos, age] > a))
        for g, pos in zip(train, labels, strict=True)
        for a in g.features[pos, age]
    ]
    ages = np.concatenate([g.features[pos, age] for g, pos in zip(train, labels, strict=True)])
    out["positives_newest_share"] = round(float(np.mean(newest)), 3)
    out["positives_median_age_days"] = round(float(np.median(ages)), 3)
    return out


def main(argv: list[str] | None = None) -> None:
    """`python -m benchmarks.ranking_collab PATH [--backtest] [--seed 7]`: `describe`, one JSON line."""
    import argparse

    from benchmarks.common import print_summary

    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_collab", description=describe.__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--backtest", action="store_true", help="the period before the usual test period")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print_summary(describe(args.path, args.seed, backtest=args.backtest))


if __name__ == "__main__":
    main()
