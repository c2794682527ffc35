"""A judgment file built from a Stack Exchange dump, named by the dump's own ids, for `rank`/`evaluate --ids source`:
`python -m benchmarks.judgment_file PATH --output OUT.jsonl [--seed 7] [--backtest]`.

Why: the done-when of issue 13 judges the ranker on lists built outside the product, ranked after `train --until`
the lists' cut. This writes such a list from the dump alone (no database): the groups of the period after the
usual 80% split (or, with `--backtest`, of the period before it), built by the same protocol as training's test
groups (`engagement_groups`: pool of alive items not the member's own and not engaged before, positives from the
pool, uniform seeded negatives), each line `{"id", "member": user Id, "at", "candidates": [post Ids],
"ratings": {post Id: grade}}`. The last stdout line is one JSON object: the cut to pass to `train --until`, the
period's end, and the group count.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.common import print_summary
from benchmarks.ranking_variants import dump_data
from distribution_service.ranking.dataset import Group, Protocol, engagement_groups, iso, time_split
from distribution_service.ranking.history import text_rows
from distribution_service.ranking.training import TrainingData


def _iso_z(t: float) -> str:
    return iso(t).replace("+00:00", "Z")


def list_cut(data: TrainingData) -> float:
    """Where the list's period starts: the usual 80% split of the (possibly backtest-cut) dump's engagement."""
    engaged = (data.log.grades > 0) & (data.log.member_ids != "")
    return time_split(data.log.times[engaged], since=data.since, until=data.until)


def list_groups(path: Path, *, seed: int, backtest: bool, text: bool = True) -> tuple[TrainingData, list[Group]]:
    """The dump and the groups of the list's period, by training's test-group protocol."""
    data = dump_data(path, backtest=backtest)
    rows = text_rows(data.catalog) if text else None
    groups = engagement_groups(
        data.catalog, data.log, since=list_cut(data), until=data.until, seed=seed, protocol=Protocol(), text=rows
    )
    return data, groups


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.judgment_file", description=__doc__)
    parser.add_argument("path", type=Path, help="a Stack Exchange dump's folder")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7, help="negative sampling seed")
    parser.add_argument("--backtest", action="store_true", help="the period before the usual test period")
    args = parser.parse_args(argv)
    data, groups = list_groups(args.path, seed=args.seed, backtest=args.backtest)
    catalog, cut = data.catalog, list_cut(data)
    ids = catalog.content_ids
    with args.output.open("w") as out:
        for k, g in enumerate(groups):
            line = {
                "id": f"g{k}",
                "member": g.member_id,
                "at": _iso_z(g.at),
                "candidates": [ids[i] for i in g.items.tolist()],
                "ratings": {ids[i]: int(r) for i, r in zip(g.items.tolist(), g.labels.tolist(), strict=True) if r > 0},
            }
            out.write(json.dumps(line) + "\n")
    print_summary({"cut": _iso_z(cut), "until": _iso_z(data.until), "groups": len(groups), "seed": args.seed})


if __name__ == "__main__":
    main()
