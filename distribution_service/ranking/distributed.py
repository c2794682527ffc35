"""The ranker trained across a Dask cluster (`lightgbm.dask`), its training matrix partitioned over the workers.

The training groups are cut into one contiguous run per worker, about equal in rows, never splitting a group (a
lambdarank query must sit whole on one worker). Each run is sent to its worker, which stacks its own feature
matrix, labels and group sizes there; the Dask arrays are the concatenation of those per-worker pieces, so
lightgbm.dask trains data-parallel on every worker with each worker's rows where they were built. lightgbm.dask
has no early stopping and no `position`: DASK_ROUNDS rounds, with the single-node parameters otherwise.
"""

from __future__ import annotations

import warnings
from typing import Any

import lightgbm as lgb
import numpy as np

from distribution_service.ranking.dataset import Group
from distribution_service.ranking.features import FEATURES

DASK_ROUNDS = 150


def partitions(groups: list[Group], parts: int) -> list[list[Group]]:
    """`groups` in at most `parts` contiguous runs of whole groups, about equal in rows; no run is empty."""
    if not groups:
        return []
    rows = np.cumsum([len(g.items) for g in groups])
    total = int(rows[-1])
    runs: list[list[Group]] = []
    start = 0
    for index in range(1, parts + 1):
        # The first group whose running total reaches this run's share closes the run.
        end = len(groups) if index == parts else int(np.searchsorted(rows, total * index / parts)) + 1
        end = max(end, start + 1) if start < len(groups) else start
        if end > start:
            runs.append(groups[start:end])
        start = end
    return runs


def stack_features(groups: list[Group]) -> np.ndarray:
    return np.vstack([g.features for g in groups]).astype(np.float64)


def stack_labels(groups: list[Group]) -> np.ndarray:
    return np.concatenate([g.labels for g in groups]).astype(np.float64)


def group_sizes(groups: list[Group]) -> np.ndarray:
    return np.array([len(g.items) for g in groups])


def dask_params(params: dict[str, Any]) -> dict[str, Any]:
    """The single-node parameters minus what lightgbm.dask sets itself (threads per worker) or cannot use."""
    return {k: v for k, v in params.items() if k not in ("metric", "eval_at", "num_threads")}


def fit_lightgbm_dask(
    train: list[Group], params: dict[str, Any], scheduler: str, *, placed: dict[str, int] | None = None
) -> lgb.Booster:
    """Train on the cluster at `scheduler`, one partition of the training matrix built on each of its workers
    (`placed`, when given, receives each worker's address and the rows it built)."""
    import dask.array as da
    from dask import delayed
    from distributed import Client

    with Client(scheduler) as client, warnings.catch_warnings():
        # lightgbm.dask warns that it ignores n_jobs (each Dask worker sets its own threads).
        warnings.simplefilter("ignore", UserWarning)
        workers = sorted(client.scheduler_info()["workers"])
        pieces: list[tuple[Any, Any, Any]] = []
        for run, worker in zip(partitions(train, len(workers)), workers, strict=False):
            [sent] = client.scatter([run], workers=[worker])
            rows, count = int(sum(len(g.items) for g in run)), len(run)
            if placed is not None:
                placed[worker] = rows
            built = [
                client.submit(build, sent, workers=[worker], allow_other_workers=False, pure=False)
                for build in (stack_features, stack_labels, group_sizes)
            ]
            pieces.append(
                (
                    da.from_delayed(delayed(built[0]), shape=(rows, len(FEATURES)), dtype=np.float64),
                    da.from_delayed(delayed(built[1]), shape=(rows,), dtype=np.float64),
                    da.from_delayed(delayed(built[2]), shape=(count,), dtype=np.int64),
                )
            )
        x, y, sizes = (da.concatenate([piece[i] for piece in pieces]) for i in range(3))
        model = lgb.DaskLGBMRanker(n_estimators=DASK_ROUNDS, client=client, **dask_params(params))
        model.fit(x, y, group=sizes)
        booster: lgb.Booster = model.to_local().booster_
    return booster
