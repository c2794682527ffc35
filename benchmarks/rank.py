"""Judgment lists through `rank`: `python -m benchmarks.rank`.

A Stack Exchange dump (--dump, default the shared cardano) read offline, a model trained on it, and --groups
judgment lines built from its last month (each: a member who engaged then, the moment, 50 items alive then).
Measured: `rank`'s own work per group — parse the line, build the feature matrix as of its moment from what
was known before it, score with the model (Booster.predict, one thread), order, write the output line —
against the baseline of bare `Booster.predict` on the very same matrices (prebuilt), in the same run. Medians
over --repeats passes; figures are groups per second. The database read (`load_history`, once per run) is
not in either figure.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from distribution_service.ranking import stackexchange
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.history import ItemHistory
from distribution_service.ranking.judgments import Judged, Ranker, parse_lines, ranking
from distribution_service.ranking.model import RankingModel
from distribution_service.ranking.training import TrainingData, train_and_evaluate
from infra.settings import Settings

DAY = 86_400.0
CANDIDATES = 50


def judgment_lines(data: TrainingData, groups: int, seed: int = 7) -> list[str]:
    rng = np.random.default_rng(seed)
    log, catalog = data.log, data.catalog
    history = ItemHistory(catalog, log)
    engaged = np.flatnonzero((log.grades > 0) & (log.member_ids != "") & (log.times >= data.until - 30 * DAY))
    lines = []
    for k, e in enumerate(rng.choice(engaged, size=min(groups, len(engaged)), replace=False)):
        at = float(log.times[e])
        alive = history.alive(at, days=30.0)
        picks = rng.choice(alive, size=min(CANDIDATES, len(alive)), replace=False)
        row = {
            "id": f"g{k}",
            "member": str(log.member_ids[e]),
            "at": datetime.fromtimestamp(at, UTC).isoformat(),
            "candidates": [catalog.content_ids[int(i)] for i in picks],
        }
        lines.append(json.dumps(row))
    return lines


def rank_pass(ranker: Ranker, model: RankingModel, lines: list[str]) -> float:
    started = time.perf_counter()
    out = io.StringIO()
    for line in parse_lines(lines):
        assert isinstance(line, Judged)
        group = ranker.group(line)
        out.write(json.dumps({"id": line.id, "ranking": ranking(group, model.score(group.features), ranker.catalog)}))
        out.write("\n")
    return time.perf_counter() - started


def predict_pass(model: RankingModel, matrices: list[np.ndarray]) -> float:
    started = time.perf_counter()
    for x in matrices:
        model.booster.predict(x, num_threads=1)
    return time.perf_counter() - started


def measure(args: argparse.Namespace) -> dict[str, Any]:
    catalog, log = stackexchange.load(args.dump)
    data = TrainingData(args.dump.name, catalog, log, since=float(log.times.min()), until=float(log.times.max()) + 1)
    result = train_and_evaluate(data)
    model = RankingModel(result.model_version, result.model_text, FEATURES, compiled=False)
    lines = judgment_lines(data, args.groups)
    judged = [j for j in parse_lines(lines) if isinstance(j, Judged)]
    # As `rank` does: the text index is fitted on items created before the earliest judged moment.
    ranker = Ranker(catalog, log)
    matrices = [ranker.group(j).features for j in judged]
    rank_s = [rank_pass(ranker, model, lines) for _ in range(args.repeats)]
    predict_s = [predict_pass(model, matrices) for _ in range(args.repeats)]
    rank_gps = len(lines) / statistics.median(rank_s)
    predict_gps = len(lines) / statistics.median(predict_s)
    return {
        "dump": args.dump.name,
        "groups": len(lines),
        "candidates_per_group": CANDIDATES,
        "rank_groups_per_s": round(rank_gps, 1),
        "bare_predict_groups_per_s": round(predict_gps, 1),
        "bare_predict_over_rank": round(predict_gps / rank_gps, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", type=Path, default=Settings().stackexchange_data_dir / "cardano")
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    figures = measure(parser.parse_args())
    print(
        f"rank on {figures['dump']}: {figures['rank_groups_per_s']} groups/s; bare Booster.predict on the same "
        f"matrices {figures['bare_predict_groups_per_s']} groups/s ({figures['bare_predict_over_rank']}x)"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
