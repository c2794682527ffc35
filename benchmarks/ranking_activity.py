"""Whose view of a question's last activity: the offline reader's or the imported community's?
`python -m benchmarks.ranking_activity PATH [--seed 7] [--backtest]`.

Why: through the product, `age_idle` scored below recency on the judgment lists (docs/ranking.md), so the imported
community calls some of the lists' candidates idle that the offline reader (`ranking/stackexchange.py`) calls
active. This rebuilds, from the dump alone, the events the Stack Exchange importer stores on each question's
content item (answers by anyone, comments and votes on the question itself; comments, votes and accepts on an
answer land on the answer's own item), then, for the candidates of the judgment list's groups (the test groups,
as `benchmarks.judgment_file` writes them), compares the two views of idleness: how many candidates are "dead"
(older and idler than `alive_days`) in each, which missing signal accounts for them, and `age_idle`'s NDCG@10
against recency under each view. The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks.common import print_summary
from benchmarks.judgment_file import list_groups
from distribution_service.ranking.dataset import ALIVE_DAYS
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory
from distribution_service.ranking.metrics import per_group
from distribution_service.ranking.stackexchange import ANONYMOUS, _rows, _time

DAY = 86_400.0
# What the importer puts on an answer's own item (never on its question's): the signals a reader of the
# question's thread counts as the question's activity.
Signals = dict[str, tuple[list[int], list[float]]]
ANSWER_SIGNALS = ("comment_on_answer", "upvote_on_answer", "downvote_on_answer", "accept")


def _signals(folder: Path, index: dict[str, int]) -> Signals:
    """Every activity signal of a question's thread, by kind: (question index, time the platform knows it)."""
    posts = _rows(folder / "Posts.xml")
    parent = {p["Id"]: p.get("ParentId", "") for p in posts if p.get("PostTypeId") == "2"}
    out: dict[str, tuple[list[int], list[float]]] = {}

    def add(kind: str, question: str | None, known: float) -> None:
        if question in index:
            items, times = out.setdefault(kind, ([], []))
            items.append(index[question])
            times.append(known)

    for p in posts:
        if p.get("PostTypeId") == "2":
            add("answer", p.get("ParentId"), _time(p["CreationDate"]))
    for c in _rows(folder / "Comments.xml"):
        post, at = c["PostId"], _time(c["CreationDate"])
        if c.get("UserId") == "-1":
            add("bot_comment", post if post in index else parent.get(post), at)
        elif post in index:
            add("comment_on_question", post, at)
        else:
            add("comment_on_answer", parent.get(post), at)
    names = {"1": "accept", "2": "upvote", "3": "downvote", "5": "favourite"}
    for v in _rows(folder / "Votes.xml"):
        kind, post = names.get(v.get("VoteTypeId", "")), v.get("PostId", "")
        if kind is None:
            continue
        known = _time(v["CreationDate"]) + DAY  # date-only: known from the next day
        if post in index:
            add(f"{kind}_on_question" if kind != "accept" else "accept", post, known)
        else:
            add(f"{kind}_on_answer" if kind != "accept" else "accept", parent.get(post), known)
    return out


def _history(catalog: Catalog, kinds: list[str], signals: Signals) -> ItemHistory:
    items = [i for k in kinds for i in signals.get(k, ([], []))[0]]
    times = [t for k in kinds for t in signals.get(k, ([], []))[1]]
    n = len(times)
    log = EventLog.sorted_by_time([ANONYMOUS] * n, items, times, [1] * n, [1.0] * n, [False] * n, [False] * n)
    return ItemHistory(catalog, log)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ranking_activity", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--seed", type=int, default=7, help="negative sampling seed")
    parser.add_argument("--backtest", action="store_true", help="the period before the usual test period")
    args = parser.parse_args(argv)
    data, groups = list_groups(args.path, seed=args.seed, backtest=args.backtest, text=False)
    catalog, log = data.catalog, data.log
    index = {c: i for i, c in enumerate(catalog.content_ids)}
    signals = _signals(args.path, index)
    # Nothing at or after the period's end (a backtest cuts the log there).
    signals = {
        k: ([i for i, t in zip(*v, strict=True) if t < data.until], [t for t in v[1] if t < data.until])
        for k, v in signals.items()
    }
    product = ["answer", "comment_on_question", "upvote_on_question", "downvote_on_question", "favourite_on_question"]
    views = {"reader": None, "product": product}
    views |= {f"product+{k}": [*product, k] for k in ANSWER_SIGNALS}
    views["product+all_answer_signals"] = [*product, *ANSWER_SIGNALS]
    labels = [g.labels for g in groups]
    recency = [-(g.at - catalog.created[g.items]) for g in groups]
    out: dict[str, object] = {
        "groups": len(groups),
        "candidates": int(sum(len(g.items) for g in groups)),
        "recency_ndcg@10": round(float(per_group("ndcg", labels, recency, 10).mean()), 4),
    }
    reader = ItemHistory(catalog, log)
    for name, kinds in views.items():
        history = reader if kinds is None else _history(catalog, kinds, signals)
        dead, scores = 0, []
        for g in groups:
            age = (g.at - catalog.created[g.items]) / DAY
            idle = (g.at - history.last_activity(g.items, g.at)) / DAY
            is_dead = (age > ALIVE_DAYS) & (idle > ALIVE_DAYS)
            dead += int(is_dead.sum())
            scores.append(np.where(is_dead, 1e6 + np.minimum(age, idle), -age))
        ndcg = float(per_group("ndcg", labels, scores, 10).mean())
        out[name] = {"dead_candidates": dead, "age_idle_ndcg@10": round(ndcg, 4)}
        print(f"{name:32s} dead candidates {dead:6d}  age_idle NDCG@10 {ndcg:.4f}")
    out["counts"] = {k: len(v[0]) for k, v in sorted(signals.items())}
    out |= {"backtest": args.backtest, "seed": args.seed}
    print_summary(out)


if __name__ == "__main__":
    main()
