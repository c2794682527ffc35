"""Serving matches training, through the gateway: the alive rule on every source, today's content in a promoted
model's feed, ties broken newest first, a model with other features falls back to the heuristic, explanations
only when selected, a promoted model swapped in without a pause, and bounded history reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import lightgbm as lgb
import numpy as np
from bson import ObjectId
from prometheus_client import REGISTRY
from pymongo import MongoClient

from composition.topology import Topology
from distribution_service.ranking.features import FEATURE_INDEX, FEATURES
from distribution_service.ranking.gate import Verdict
from distribution_service.ranking.registry import ServingModels
from distribution_service.service import DistributionService
from tests.factories import Api, Member, create_community, publish, register
from tests.integration.ingest import derived

FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) {
    modelVersion decisionId items { score reasons { feature } content { id } } } }
"""
FEED_WITHOUT_REASONS = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) { decisionId items { score } } }"
EXPLAIN = "query($d: ID!, $c: ID!) { explainFeedItem(decisionId: $d, contentId: $c) { reasons { feature } } }"
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
REPORT: dict[str, Any] = {"metrics": {}, "ci95": {}, "window": {}, "groups": {}}


def distribution(api: Api) -> DistributionService:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    service: DistributionService = services.apps["distribution"].state.service
    return service


def model_text(feature: str, *, larger_is_better: bool = True, seed: int = 0, scale: float = 400.0) -> str:
    """A small lambdarank model whose only signal is `feature`: in each group of 10 the item with the largest
    value (or the smallest) is graded 4, the next 3, and so on."""
    rng = np.random.default_rng(seed)
    x = rng.random((2000, len(FEATURES))) * scale
    column = x[:, FEATURE_INDEX[feature]].reshape(-1, 10)
    ranks = np.argsort(np.argsort(-column if larger_is_better else column, axis=1), axis=1)
    labels = np.maximum(0, 4 - ranks).ravel()
    data = lgb.Dataset(x, labels, group=[10] * 200)
    booster = lgb.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 5}, data, num_boost_round=30)
    text: str = booster.model_to_string()
    return text


async def promoted(api: Api, community_id: str, version: str, text: str, **extra: Any) -> None:
    registry = distribution(api).registry
    await registry.register(
        ObjectId(community_id), version=version, model_text=text, report=REPORT, params={}, extra=extra
    )
    # A hand-built test model: promoted past the gate, with the reason recorded as an operator would.
    await registry.promote(
        ObjectId(community_id),
        version,
        verdict=Verdict(refusals=["test fixture"]),
        by="test",
        force=True,
        reason="serving test fixture",
    )


def age(api: Api, content_ids: list[str], days: float) -> None:
    """Published `days` ago (as an imported community's old threads are)."""
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        when = datetime.now(UTC) - timedelta(days=days)
        client[api.settings.database_name("content")]["content"].update_many(
            {"_id": {"$in": [ObjectId(c) for c in content_ids]}}, {"$set": {"published_at": when, "created_at": when}}
        )
    finally:
        client.close()


def version_of(models: ServingModels) -> str | None:
    return models.active.version if models.active is not None else None


async def feed(api: Api, member: Member) -> dict[str, Any]:
    data: dict[str, Any] = (await api.data(FEED, token=member.token))["feed"]
    return data


async def test_dead_items_leave_every_source_and_todays_content_reaches_a_promoted_models_feed(api: Api) -> None:
    community_id = await create_community(api, "demo")
    author, fan, reader = [await register(api, "demo", h) for h in ("author", "fan", "reader")]
    old = [await publish(api, author, f"Old {i}", tags=["sql"]) for i in range(4)]
    today = [await publish(api, author, f"Today {i}", tags=["sql"]) for i in range(2)]
    age(api, old, days=200)
    # One old thread is active again: an engagement today keeps it alive.
    await api.data(RECORD, {"i": {"contentId": old[0], "type": "OPEN"}}, token=fan.token)
    await derived(api)  # the alive rule reads the counters the ingest worker derives
    # The audited failure: a model that ranks the oldest items first.
    await promoted(api, community_id, "lgbm-oldest", model_text("content_age_days"))
    # when
    page = await feed(api, reader)
    # then
    shown = [i["content"]["id"] for i in page["items"]]
    assert page["modelVersion"] == "lgbm-oldest"
    assert set(shown) == {old[0], *today}
    assert set(old[1:]).isdisjoint(shown)


async def test_equal_scores_of_a_promoted_model_go_newest_first(api: Api) -> None:
    community_id = await create_community(api, "demo")
    authors = [await register(api, "demo", f"author{i}") for i in range(4)]
    reader = await register(api, "demo", "reader")
    items = [await publish(api, a, f"Piece {i}") for i, a in enumerate(authors)]
    # A model whose only signal (the exposure boost) is the same for every item: one score for all of them.
    await promoted(api, community_id, "lgbm-boost", model_text("content_exposure_boost"))
    # when
    page = await feed(api, reader)
    # then: the documented tie-break, newest first, the same on every request
    assert len({i["score"] for i in page["items"]}) == 1
    assert [i["content"]["id"] for i in page["items"]] == items[::-1]
    assert [i["content"]["id"] for i in (await feed(api, reader))["items"]] == items[::-1]


async def test_distinct_items_get_distinct_scores_from_a_model_that_tells_them_apart(api: Api) -> None:
    community_id = await create_community(api, "demo")
    authors = [await register(api, "demo", f"author{i}") for i in range(4)]
    reader = await register(api, "demo", "reader")
    items = [await publish(api, a, f"Piece {i}") for i, a in enumerate(authors)]
    for days, item in zip((2, 9, 16, 25), items[::-1], strict=True):
        age(api, [item], days=days)
    newest_first = model_text("content_age_days", larger_is_better=False, scale=30.0)
    await promoted(api, community_id, "lgbm-newest", newest_first)
    page = await feed(api, reader)
    scores = [i["score"] for i in page["items"]]
    assert len(set(scores)) == len(items)
    assert [i["content"]["id"] for i in page["items"]] == items[::-1]


async def test_a_model_trained_on_other_features_falls_back_to_the_heuristic_with_an_alert(api: Api) -> None:
    community_id = await create_community(api, "demo")
    author, reader = [await register(api, "demo", h) for h in ("author", "reader")]
    await publish(api, author, "Piece")
    renamed = ["content_age_hours" if f == "content_age_days" else f for f in FEATURES]
    refused_before = REGISTRY.get_sample_value("ranking_models_refused_total", {"version": "lgbm-renamed"}) or 0.0
    await promoted(api, community_id, "lgbm-renamed", model_text("content_age_days"), features=renamed)
    # when
    page = await feed(api, reader)
    # then: the feed answers, ranked by the heuristic, and the refusal is counted once for an alert
    assert page["modelVersion"] == "heuristic-3"
    assert len(page["items"]) == 1
    await feed(api, reader)
    refused = REGISTRY.get_sample_value("ranking_models_refused_total", {"version": "lgbm-renamed"})
    assert refused == refused_before + 1


async def test_explanations_are_computed_only_when_reasons_are_selected(api: Api) -> None:
    community_id = await create_community(api, "demo")
    author, reader = [await register(api, "demo", h) for h in ("author", "reader")]
    item = await publish(api, author, "Piece")
    await promoted(api, community_id, "lgbm-newest", model_text("content_age_days", larger_is_better=False))
    plain = (await api.data(FEED_WITHOUT_REASONS, token=reader.token))["feed"]
    explained = await feed(api, reader)
    logged = [
        (await api.data(EXPLAIN, {"d": page["decisionId"], "c": item}, token=reader.token))["explainFeedItem"]
        for page in (plain, explained)
    ]
    assert logged[0]["reasons"] == []
    assert {"bias", "other"} <= {r["feature"] for r in logged[1]["reasons"]}
    assert {"bias", "other"} <= {r["feature"] for r in explained["items"][0]["reasons"]}


async def test_a_newly_promoted_model_loads_off_the_serving_path_and_swaps_in(api: Api) -> None:
    community_id = await create_community(api, "demo")
    cid = ObjectId(community_id)
    registry = distribution(api).registry
    await promoted(api, community_id, "lgbm-a", model_text("content_age_days"))
    assert version_of(await registry.serving_models(cid)) == "lgbm-a"
    await promoted(api, community_id, "lgbm-b", model_text("content_age_days", seed=1))
    # when: the first request after the promotion
    during = await registry.serving_models(cid)
    # then: it is answered at once with the previous model while the new one loads; the next, after, with the new
    assert version_of(during) == "lgbm-a"
    await registry.loads_done()
    assert version_of(await registry.serving_models(cid)) == "lgbm-b"


async def test_a_feed_reads_only_the_members_last_engagements(api: Api) -> None:
    community_id = await create_community(api, "demo")
    author, reader = [await register(api, "demo", h) for h in ("author", "reader")]
    items = [await publish(api, author, f"Piece {i}") for i in range(5)]
    for item in items:
        await api.data(RECORD, {"i": {"contentId": item, "type": "OPEN"}}, token=reader.token)
    # A feed reads the member's last engagements as the ingest worker keeps them: after its run.
    await derived(api)
    store = distribution(api).store
    last = await store.events.list_last_engagements(ObjectId(community_id), ObjectId(reader.id), limit=3)
    assert [str(d["content_id"]) for d in last] == items[::-1][:3]
    # The items of those engagements are left out as seen; the feed does not read further back.
    distribution(api).ranker.history_limit = 3
    shown = {i["content"]["id"] for i in (await feed(api, reader))["items"]}
    assert shown == set(items[:2])


async def test_a_members_feed_leaves_out_their_own_items(api: Api) -> None:
    await create_community(api, "demo")
    author = await register(api, "demo", "author")
    other = await register(api, "demo", "other")
    await publish(api, author, "Mine")
    theirs = await publish(api, other, "Theirs")
    items = (await api.data(FEED, token=author.token))["feed"]["items"]
    assert [item["content"]["id"] for item in items] == [theirs]
