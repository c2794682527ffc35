"""Training across two Dask workers: the matrix is cut into whole groups, one part built on each worker, and the
model ranks the test groups as well as single-node training on the same data (NDCG within noise)."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest
from distributed import LocalCluster

from distribution_service.ranking.dataset import Group, Protocol, split_groups, time_split
from distribution_service.ranking.distributed import DASK_ROUNDS, fit_lightgbm_dask, partitions
from distribution_service.ranking.metrics import paired_ratio_ci95, per_group
from distribution_service.ranking.training import TrainingData, _dataset, lightgbm_params
from tests.unit.distribution_service.synthetic import DAY, START, community


def group(rows: int) -> Group:
    return Group("m", 0.0, np.arange(rows), np.zeros(rows), np.zeros((rows, 2)))


def test_partitions_keep_groups_whole_and_share_rows_evenly() -> None:
    groups = [group(rows) for rows in (5, 9, 3, 7, 4, 8, 6, 2)]
    runs = partitions(groups, 2)
    assert [g for run in runs for g in run] == groups  # every group once, in order, none split
    assert [sum(len(g.items) for g in run) for run in runs] == [24, 20]
    assert partitions(groups[:1], 3) == [groups[:1]]  # fewer groups than workers: no empty part
    assert partitions([], 2) == []


@pytest.fixture(scope="module")
def groups() -> tuple[list[Group], list[Group]]:
    catalog, log = community(members=20, items=60)  # small: the comparison, not the model, is under test
    data = TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY)
    engaged = (data.log.grades > 0) & (data.log.member_ids != "")
    split = time_split(data.log.times[engaged], since=data.since, until=data.until)
    return split_groups(data, split, protocol=Protocol(alive_days=data.alive_days), seed=7)


def test_two_workers_reach_the_single_node_ndcg(groups: tuple[list[Group], list[Group]]) -> None:
    train, test = groups
    params = lightgbm_params(7)
    placed: dict[str, int] = {}
    # Threads, not processes: LightGBM's network is per thread, and two worker processes take a minute to start.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        distributed = fit_lightgbm_dask(train, params, cluster.scheduler_address, placed=placed)
    single = lgb.train(params, _dataset(train), num_boost_round=DASK_ROUNDS)

    rows = sum(len(g.items) for g in train)
    assert len(placed) == 2
    assert sum(placed.values()) == rows
    assert min(placed.values()) > rows // 3  # each worker built a real share
    labels = [g.labels for g in test]
    ndcg_distributed = per_group("ndcg", labels, [np.asarray(distributed.predict(g.features)) for g in test], 10)
    ndcg_single = per_group("ndcg", labels, [np.asarray(single.predict(g.features)) for g in test], 10)
    _, low, high = paired_ratio_ci95(ndcg_distributed, ndcg_single, seed=7)
    assert low <= 1.0 <= high, (ndcg_distributed.mean(), ndcg_single.mean(), low, high)
