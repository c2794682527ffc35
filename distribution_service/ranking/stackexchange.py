"""Read a Stack Exchange dump straight into the training arrays (Catalog, EventLog), without importing it.

This is the offline path used to measure the ranker on real engagement before (or without) an import into a
community: questions are the items; answering (grade 3), commenting (2) and favouriting (2) are the members'
engagement with a question; up-votes carry no user in the dump, so they count only towards the question's
popularity (as an anonymous member). Votes carry a day, not a time: they happen at the start of their day
(where they anchor and label a decision) and are known from the next day (what features may read).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from distribution_service.ranking.history import Catalog, EventLog
from distribution_service.ranking.text import item_text

ANONYMOUS = ""
DAY = 86_400.0
GRADE_ANSWER, GRADE_COMMENT, GRADE_FAVOURITE, GRADE_UPVOTE = 3, 2, 2, 1


def _time(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _rows(path: Path) -> list[dict[str, str]]:
    return [dict(row.attrib) for row in ET.parse(path).getroot().iter("row")]


def _tags(text: str) -> tuple[str, ...]:
    if text.startswith("|"):
        return tuple(t for t in text.split("|") if t)
    return tuple(t for t in text.replace(">", "").split("<") if t)


def load(folder: Path) -> tuple[Catalog, EventLog]:
    posts = _rows(folder / "Posts.xml")
    questions = [p for p in posts if p.get("PostTypeId") == "1"]
    index = {p["Id"]: i for i, p in enumerate(questions)}
    parent = {p["Id"]: p.get("ParentId", "") for p in posts if p.get("PostTypeId") == "2"}
    catalog = Catalog(
        content_ids=[p["Id"] for p in questions],
        created=np.array([_time(p["CreationDate"]) for p in questions]),
        kinds=["UGC"] * len(questions),
        author_ids=[p.get("OwnerUserId") for p in questions],
        tags=[_tags(p.get("Tags", "")) for p in questions],
        author_tiers=[None] * len(questions),
        exposure_boost=np.ones(len(questions)),
        texts=[item_text(p.get("Title", ""), p.get("Body", ""), _tags(p.get("Tags", ""))) for p in questions],
    )
    members: list[str] = []
    items: list[int] = []
    times: list[float] = []
    known: list[float] = []
    grades: list[int] = []

    def add(member: str, question: str | None, at: float, grade: int, *, date_only: bool = False) -> None:
        if question in index:
            members.append(member)
            items.append(index[question])
            times.append(at)
            known.append(at + DAY if date_only else at)
            grades.append(grade)

    for p in posts:
        if p.get("PostTypeId") == "2" and p.get("OwnerUserId"):
            add(p["OwnerUserId"], p.get("ParentId"), _time(p["CreationDate"]), GRADE_ANSWER)
    for c in _rows(folder / "Comments.xml"):
        if c.get("UserId"):
            post = c["PostId"]
            add(c["UserId"], post if post in index else parent.get(post), _time(c["CreationDate"]), GRADE_COMMENT)
    for v in _rows(folder / "Votes.xml"):
        post = v.get("PostId", "")
        question = post if post in index else parent.get(post)
        day = _time(v["CreationDate"])
        if v.get("VoteTypeId") == "5" and v.get("UserId"):
            add(v["UserId"], question, day, GRADE_FAVOURITE, date_only=True)
        elif v.get("VoteTypeId") == "2":
            add(ANONYMOUS, question, day, GRADE_UPVOTE, date_only=True)
    n = len(times)
    log = EventLog.sorted_by_time(
        members, items, times, grades, [float(g) for g in grades], [False] * n, [False] * n, known=known
    )
    return catalog, log


def main(argv: list[str] | None = None) -> int:
    """`python -m distribution_service.ranking.stackexchange PATH`: train and evaluate straight on a dump."""
    import argparse
    import dataclasses
    import json
    import sys

    from distribution_service.ranking.dataset import time_split
    from distribution_service.ranking.features import FEATURES
    from distribution_service.ranking.training import (
        MIN_GROUPS,
        Controls,
        TooFewGroupsError,
        TrainingData,
        train_and_evaluate,
    )

    parser = argparse.ArgumentParser(
        prog="python -m distribution_service.ranking.stackexchange",
        description="Train the ranker on a Stack Exchange dump without importing it; print the report (JSON).",
    )
    parser.add_argument("path", type=Path, help="the dump's folder (Posts.xml, Comments.xml, Votes.xml)")
    parser.add_argument("--seed", type=int, default=7, help="negative sampling and LightGBM seed")
    parser.add_argument("--min-groups", type=int, default=MIN_GROUPS, help="refuse below this many groups")
    parser.add_argument(
        "--shuffle-labels", action="store_true", help="control: train on labels shuffled within each group"
    )
    parser.add_argument("--only-features", default="", help="control: train on these features only (comma list)")
    parser.add_argument(
        "--backtest",
        action="store_true",
        help="cut everything at or after the usual test period and evaluate on the period before it: a test period "
        "that played no part in choosing features and parameters",
    )
    args = parser.parse_args(argv)
    missing = [name for name in ("Posts.xml", "Comments.xml", "Votes.xml") if not (args.path / name).is_file()]
    if missing:
        parser.error(f"{args.path} is not a Stack Exchange dump: no {', '.join(missing)}")
    catalog, log = load(args.path)
    if len(log) == 0:
        parser.error(f"{args.path} has no engagement to train on")
    since, until = float(log.times.min()), float(log.times.max()) + 1
    if args.backtest:
        engaged = (log.grades > 0) & (log.member_ids != "")
        until = time_split(log.times[engaged], since=since, until=until)
        kept = log.times < until
        log = type(log)(**{f.name: getattr(log, f.name)[kept] for f in dataclasses.fields(log)})
    data = TrainingData(args.path.name, catalog, log, since=since, until=until)
    only = tuple(f for f in args.only_features.split(",") if f)
    unknown = sorted(set(only) - set(FEATURES))
    if unknown:
        parser.error(f"unknown features: {', '.join(unknown)}")
    controls = Controls(shuffle_labels=args.shuffle_labels, only_features=only)
    try:
        result = train_and_evaluate(
            data, seed=args.seed, min_groups=args.min_groups, controls=controls if controls != Controls() else None
        )
    except TooFewGroupsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stderr.write(f"validation search: {json.dumps(result.search)}\n")
    sys.stdout.write(json.dumps(result.report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
