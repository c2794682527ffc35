"""Training and evaluation on a small synthetic community (seconds, not minutes)."""

from __future__ import annotations

import pytest

from distribution_service.ranking.dataset import engagement_groups
from distribution_service.ranking.heuristic import HeuristicWeights
from distribution_service.ranking.training import RANKERS, TrainingData, TrainingResult, train_and_evaluate
from tests.unit.distribution_service.synthetic import DAY, START, community


@pytest.fixture(scope="module")
def result() -> TrainingResult:
    catalog, log = community()
    return train_and_evaluate(TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY))


def test_report_has_the_published_shape(result: TrainingResult) -> None:
    report = result.report
    assert list(report) == [
        "community",
        "model_version",
        "window",
        "groups",
        "metrics",
        "ci95",
        "protocol",
        "paired",
        "baselines",
    ]
    assert report["baselines"] == {"heuristic": "heuristic-3"}
    assert report["community"] == "synthetic"
    assert report["model_version"] == result.model_version
    assert set(report["window"]) == {"train", "test"}
    assert report["window"]["train"][1] == report["window"]["test"][0]
    assert set(report["groups"]) == {"train", "test"}
    assert list(report["metrics"]) == list(RANKERS)
    assert all(set(m) == {"ndcg@5", "ndcg@10", "map@10"} for m in report["metrics"].values())
    assert all(list(c) == ["ndcg@10"] and len(c["ndcg@10"]) == 2 for c in report["ci95"].values())
    protocol = report["protocol"]
    assert protocol["alive_days"] == 30.0
    assert protocol["positives_outside_pool"] == 0
    assert {"own_items_excluded", "positives_dropped", "groups_dropped"} <= set(protocol)


def test_age_idle_is_no_better_than_recency_when_positives_come_from_the_pool(result: TrainingResult) -> None:
    metrics = result.report["metrics"]
    assert metrics["age_idle"]["ndcg@10"] <= metrics["recency"]["ndcg@10"]


def test_model_learns_the_planted_taste_better_than_every_baseline(result: TrainingResult) -> None:
    metrics = result.report["metrics"]
    best_baseline = max(metrics[r]["ndcg@10"] for r in RANKERS if r != "lightgbm")
    assert metrics["lightgbm"]["ndcg@10"] > best_baseline
    # The planted taste is a tag: the model's strongest feature is one of the member-tag crosses.
    assert max(result.importance, key=lambda k: result.importance[k]) in ("cross_tag_affinity", "cross_tag_lift")


def test_same_data_and_seed_give_the_same_model(result: TrainingResult) -> None:
    catalog, log = community()
    again = train_and_evaluate(TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY))
    assert again.model_version == result.model_version
    assert again.report == result.report


def test_the_heuristic_baseline_is_the_fallback_at_the_configured_weights(result: TrainingResult) -> None:
    catalog, log = community()
    data = TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY)
    hand_set = train_and_evaluate(data, heuristic=HeuristicWeights(engagement=1.0))
    # The same model, judged beside the fallback the feed would serve at those weights (and named so).
    assert hand_set.model_version == result.model_version
    assert hand_set.report["baselines"] == {"heuristic": "heuristic-3(engagement=1.0)"}
    shipped, configured = (r.report["metrics"]["heuristic"]["ndcg@10"] for r in (result, hand_set))
    assert shipped != configured
    assert hand_set.report["metrics"]["recency"] == result.report["metrics"]["recency"]


def test_groups_hold_no_item_created_after_the_decision() -> None:
    catalog, log = community()
    groups = engagement_groups(catalog, log, since=START, until=START + 61 * DAY)
    assert groups
    assert all((catalog.created[g.items] < g.at).all() for g in groups)
    assert all(g.labels.max() > 0 and len(g.items) <= 100 for g in groups)


def test_groups_exclude_items_the_member_engaged_with_before() -> None:
    catalog, log = community()
    groups = engagement_groups(catalog, log, since=START, until=START + 61 * DAY)
    assert len(groups) >= 50
    for g in groups[:50]:
        mine = (log.member_ids == g.member_id) & (log.times < g.at)
        assert not set(log.items[mine].tolist()) & set(g.items.tolist())


def test_training_on_a_dask_cluster_gives_a_registered_shape_of_report() -> None:
    from distributed import LocalCluster

    catalog, log = community(members=15, items=50)
    data = TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = train_and_evaluate(data, dask_scheduler=cluster.scheduler_address)
    assert result.params["dask"] is True
    assert result.best_iteration == 150
    assert list(result.report["metrics"]) == list(RANKERS)
