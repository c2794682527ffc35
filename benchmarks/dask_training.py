"""Ranker training on a Dask cluster against single-node training: `python -m benchmarks.dask_training`.

The same synthetic training groups (--groups groups of --items candidates, features with a planted signal plus noise,
graded 0-3) are trained twice with the single-node parameters for DASK_ROUNDS rounds: by `lgb.train` in this
process (the bare baseline), and by `fit_lightgbm_dask` on a LocalCluster of --workers workers, each building its
part of the matrix. Printed: median seconds of each over --repeats (the cluster's start is not counted), their
ratio, and NDCG@10 of both on held-out groups (they should agree within noise). `--processes` runs the workers as
processes (real parallelism; a minute to start on a loaded machine) instead of threads of this process.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import lightgbm as lgb
import numpy as np

from benchmarks.common import print_summary
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.distributed import DASK_ROUNDS, fit_lightgbm_dask
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.metrics import paired_ratio_ci95, per_group
from distribution_service.ranking.training import _dataset, lightgbm_params


def synthetic_groups(count: int, items: int, seed: int) -> list[Group]:
    """Groups whose grade follows a fixed linear taste over a few features, plus noise."""
    rng = np.random.default_rng(seed)
    taste = np.zeros(len(FEATURES))
    taste[: min(6, len(FEATURES))] = rng.normal(size=min(6, len(FEATURES)))
    groups = []
    for g in range(count):
        features = rng.normal(size=(items, len(FEATURES)))
        signal = features @ taste + rng.normal(scale=1.0, size=items)
        grades = np.digitize(signal, np.quantile(signal, [0.7, 0.9, 0.97])).astype(float)
        groups.append(Group(f"m{g}", float(g), np.arange(items), grades, features))
    return groups


def median_seconds(run: Any, repeats: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples), 3), result


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from distributed import LocalCluster

    train = synthetic_groups(args.groups, args.items, seed=1)
    test = synthetic_groups(max(50, args.groups // 5), args.items, seed=2)
    params = lightgbm_params(7) | {"num_threads": args.threads}
    single_s, single = median_seconds(
        lambda: lgb.train(params, _dataset(train), num_boost_round=DASK_ROUNDS), args.repeats
    )
    with LocalCluster(
        n_workers=args.workers, threads_per_worker=args.threads, processes=args.processes, dashboard_address=None
    ) as cluster:
        placed: dict[str, int] = {}
        dask_s, distributed = median_seconds(
            lambda: fit_lightgbm_dask(train, params, cluster.scheduler_address, placed=placed), args.repeats
        )
    labels = [g.labels for g in test]
    ndcg_single = per_group("ndcg", labels, [np.asarray(single.predict(g.features)) for g in test], 10)
    ndcg_dask = per_group("ndcg", labels, [np.asarray(distributed.predict(g.features)) for g in test], 10)
    ratio, low, high = paired_ratio_ci95(ndcg_dask, ndcg_single, seed=7)
    return {
        "groups": args.groups,
        "rows": args.groups * args.items,
        "workers": args.workers,
        "processes": args.processes,
        "rows_per_worker": sorted(placed.values()),
        "single_node_s": single_s,
        "dask_s": dask_s,
        "dask_over_single": round(dask_s / single_s, 2),
        "ndcg@10_single": round(float(ndcg_single.mean()), 4),
        "ndcg@10_dask": round(float(ndcg_dask.mean()), 4),
        "ndcg@10_ratio_ci95": [ratio, low, high],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker, and of the single-node run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", action="store_true")
    figures = measure(parser.parse_args())
    print(
        f"{figures['rows']} rows in {figures['groups']} groups: single node {figures['single_node_s']} s, "
        f"Dask on {figures['workers']} workers {figures['dask_s']} s ({figures['dask_over_single']}x; rows per "
        f"worker {figures['rows_per_worker']}); NDCG@10 single {figures['ndcg@10_single']}, "
        f"Dask {figures['ndcg@10_dask']} (ratio, ci95 {figures['ndcg@10_ratio_ci95']})"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
