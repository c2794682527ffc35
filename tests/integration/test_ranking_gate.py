"""The promotion gate and its history, the shadow model's score against what members did, and the model
experiment's readout (uplift with ci95, sample-ratio check) — through the command line, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from distribution_service.domain.experiments import CONTROL, TREATMENT
from distribution_service.ranking.gate import PromotionRefused
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.store import DistributionStore
from infra.errors import BadInputError
from tests.factories import Api, Member
from tests.integration.test_ranking_lifecycle import FEED, RECORD_MANY, cli, trained

__all__ = ["trained"]  # the lifecycle's fixture: a community with logged decisions and a model trained on them


async def _store(api: Api) -> tuple[AsyncMongoClient[dict[str, Any]], DistributionStore]:
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(api.settings.mongodb_uri, tz_aware=True)
    return mongo, DistributionStore(mongo[api.settings.database_name("distribution")])


async def _community_id(api: Api) -> ObjectId:
    services = api.app.state.services  # type: ignore[union-attr]
    return ObjectId((await services.users.get_community_by_slug("demo")).id)


async def test_promote_refuses_a_model_trained_on_fewer_groups_than_the_minimum(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    _, report, _ = trained
    assert report["groups"]["train"] < 200
    # when / then
    with pytest.raises(PromotionRefused, match="fewer than the minimum of 200"):
        await cli(api, "promote", report["model_version"], "--community", "demo")
    assert (await cli(api, "history", "--community", "demo"))["history"] == []
    listed = await cli(api, "list", "--community", "demo")
    assert [v["status"] for v in listed["versions"]] == ["registered"]


async def test_force_needs_a_reason_and_is_recorded_with_who_and_why(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    _, report, _ = trained
    version = report["model_version"]
    with pytest.raises(BadInputError, match="--force needs --reason"):
        await cli(api, "promote", version, "--community", "demo", "--force")
    # when
    promoted = await cli(
        api, "promote", version, "--community", "demo", "--force", "--reason", "demo day", "--by", "ana"
    )
    # then
    assert promoted["active"] == version
    (entry,) = (await cli(api, "history", "--community", "demo"))["history"]
    assert (entry["action"], entry["by"], entry["from"], entry["to"]) == ("promote", "ana", None, version)
    assert (entry["forced"], entry["reason"]) == (True, "demo day")
    assert entry["gate"]["passed"] is False
    assert entry["gate"]["train_groups"] == report["groups"]["train"]
    assert any("fewer than the minimum" in r for r in entry["gate"]["refusals"])


async def test_promotions_and_rollbacks_keep_their_history_newest_first(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    _, report, _ = trained
    version = report["model_version"]
    mongo, store = await _store(api)
    try:
        # The same model under a second name: the gate pairs it with the active one on rebuilt test groups.
        cid = await _community_id(api)
        registry = ModelRegistry(store)
        doc = await registry.get_or_raise(cid, version)
        await registry.register(
            cid,
            version="lgbm-copy",
            model_text=await store.models.get_model_text(doc["file_id"]),
            report=doc["report"],
            params=doc["params"],
        )
    finally:
        await mongo.close()
    await cli(api, "promote", version, "--community", "demo", "--force", "--reason", "first", "--by", "ana")
    # when
    second = await cli(
        api,
        "promote",
        "lgbm-copy",
        "--community",
        "demo",
        "--min-groups",
        "1",
        "--force",
        "--reason",
        "second",
        "--by",
        "bo",
    )
    await cli(api, "rollback", "--community", "demo", "--by", "cy", "--reason", "feed complaints")
    # then
    history = (await cli(api, "history", "--community", "demo"))["history"]
    assert [(h["action"], h["by"], h["from"], h["to"]) for h in history] == [
        ("rollback", "cy", "lgbm-copy", version),
        ("promote", "bo", version, "lgbm-copy"),
        ("promote", "ana", None, version),
    ]
    assert history[0]["reason"] == "feed complaints"
    assert all(isinstance(h["at"], datetime) for h in history)
    gate = second["gate"]
    assert gate["active"] == version
    assert gate["active_basis"].startswith("paired on ")
    # The same model on the same groups: the same figure, so the active model's check cannot be what refuses.
    assert gate["active_ndcg@10"] == pytest.approx(gate["ndcg@10"])
    assert not any("active model" in r for r in history[1]["gate"]["refusals"])


async def test_shadow_rankings_are_scored_against_what_members_then_did(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    members, report, _ = trained
    version = report["model_version"]
    await cli(api, "shadow", version, "--community", "demo")
    for member in members[:4]:
        feed = (await api.data(FEED, token=member.token))["feed"]
        first = feed["items"][0]["content"]["id"]
        await api.data(
            RECORD_MANY,
            {"i": {"events": [{"contentId": first, "type": "SHARE", "decisionId": feed["decisionId"]}]}},
            token=member.token,
        )
    # when
    readout = await cli(api, "shadow", "report", "--community", "demo", "--horizon-hours", "1")
    # then
    assert (readout["shadow"], readout["decisions"], readout["judged"]) == (version, 4, 4)
    # The live model's first item is the one shared: the live ranking is ideal on every judged decision.
    assert readout["metrics"]["live"]["ndcg@10"] == 1.0
    shadow = readout["metrics"]["shadow"]
    assert 0.0 <= shadow["ndcg@10"] <= 1.0
    assert shadow["ci95"][0] <= shadow["ndcg@10"] <= shadow["ci95"][1]
    assert readout["paired"]["ndcg@10_ratio"] == pytest.approx(shadow["ndcg@10"], abs=1e-6)


async def _inject_experiment(api: Api, version: str, control: int, treatment: int) -> None:
    """Decisions of `control` + `treatment` distinct members in each arm of the running experiment, each showing
    two items, the treatment's first item opened."""
    mongo, store = await _store(api)
    try:
        cid = await _community_id(api)
        at = datetime.now(UTC) + timedelta(seconds=1)
        docs, events = [], []
        for arm, n in ((CONTROL, control), (TREATMENT, treatment)):
            for _ in range(n):
                did, items = ObjectId(), [ObjectId(), ObjectId()]
                docs.append(
                    {
                        "_id": did,
                        "community_id": cid,
                        "member_id": ObjectId(),
                        "at": at,
                        "experiment_version": version,
                        "experiment_arm": arm,
                        "shown": [{"content_id": c} for c in items],
                    }
                )
                if arm == TREATMENT:
                    events.append(
                        {
                            "community_id": cid,
                            "decision_id": did,
                            "content_id": items[0],
                            "type": "OPEN",
                            "occurred_at": at,
                        }
                    )
        await store.decisions.insert_decisions(docs)
        await store.events.insert_events(events)
    finally:
        await mongo.close()


@pytest.mark.parametrize(("control", "treatment", "flagged"), [(600, 400, True), (500, 500, False)])
async def test_experiment_report_gives_uplift_with_ci95_and_flags_a_broken_split(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path], control: int, treatment: int, flagged: bool
) -> None:
    _, report, _ = trained
    version = report["model_version"]
    await cli(api, "experiment", version, "--community", "demo", "--traffic", "0.5")
    await _inject_experiment(api, version, control, treatment)
    # when
    readout = await cli(api, "experiment", "report", "--community", "demo")
    # then
    assert (readout["arms"][CONTROL]["members"], readout["arms"][TREATMENT]["members"]) == (control, treatment)
    assert readout["arms"][TREATMENT]["open_rate"] == 0.5
    assert readout["arms"][CONTROL]["open_rate"] == 0.0
    lift = readout["uplift"]
    assert lift["metric"] == "open_rate"
    assert lift["absolute"] == pytest.approx(0.5)
    assert lift["absolute_ci95"][0] <= 0.5 <= lift["absolute_ci95"][1]
    assert readout["srm"]["flagged"] is flagged
    assert (readout["srm"]["p_value"] < 0.001) is flagged
