"""Train on logged decisions, register, promote (hot reload), shadow, roll back: the model's whole life."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from distribution_service.ranking.cli import parser, run
from distribution_service.ranking.training import TooFewGroupsError
from infra.errors import BadInputError, NotFoundError
from tests.factories import Api, Member, create_community, publish, register
from tests.integration.ingest import derived
from tests.snapshots import Snapshot, restore, take

FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 8) {
    modelVersion decisionId items { score reasons { feature contribution } content { id tags } } } }
"""
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"
TAGS = ("python", "rust", "golang", "sql")


async def cli(api: Api, *argv: str) -> dict[str, Any]:
    result: dict[str, Any] = await run(parser().parse_args(list(argv)), api.settings)
    return result


async def logged_community(api: Api) -> list[Member]:
    """Members who share the items of their own tag, seen through their feeds (logged decisions)."""
    await create_community(api, "demo")
    author = await register(api, "demo", "author")
    for i in range(32):
        await publish(api, author, f"Piece {i}", tags=[TAGS[i % 4]])
    members = [await register(api, "demo", f"m{i}") for i in range(8)]
    for _ in range(4):
        for n, member in enumerate(members):
            feed = (await api.data(FEED, token=member.token))["feed"]
            liked = [i["content"]["id"] for i in feed["items"] if i["content"]["tags"] == [TAGS[n % 4]]][:2]
            events = [{"contentId": c, "type": "SHARE", "decisionId": feed["decisionId"]} for c in liked]
            if events:
                await api.data(RECORD_MANY, {"i": {"events": events}}, token=member.token)
    return members


# The first test in a process builds the trained community; later ones get a copy of its data and files.
_built: dict[str, tuple[list[Member], dict[str, Any], Path, Snapshot]] = {}


@pytest.fixture
async def trained(api: Api, tmp_path: Path) -> tuple[list[Member], dict[str, Any], Path]:
    if "trained" in _built:
        members, report, folder, snapshot = _built["trained"]
        restore(api.settings, snapshot)
        for path in folder.iterdir():
            shutil.copy(path, tmp_path / path.name)
        return members, report, tmp_path
    members = await logged_community(api)
    report = await cli(
        api, "train", "--community", "demo", "--report", str(tmp_path / "report.json"), "--min-groups", "3"
    )
    await derived(api)
    folder = tmp_path.parent / f"{tmp_path.name}-trained"
    shutil.copytree(tmp_path, folder)
    _built["trained"] = (members, report, folder, take(api.settings))
    return members, report, tmp_path


async def test_train_writes_the_report_and_plots_and_registers_the_model(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    _, report, folder = trained
    assert json.loads((folder / "report.json").read_text()) | {"registered": True} == report
    assert report["community"] == "demo"
    assert report["model_version"].startswith("lgbm-")
    assert set(report["metrics"]) == {"lightgbm", "popularity", "recency", "age_idle", "heuristic", "implicit_als"}
    assert report["protocol"]["positives_outside_pool"] == 0
    assert report["groups"]["train"] > 0
    assert report["groups"]["test"] > 0
    assert sorted(p.name for p in folder.glob("*.png")) == ["report-importance.png", "report-metrics.png"]
    listed = await cli(api, "list", "--community", "demo")
    assert [(v["version"], v["status"]) for v in listed["versions"]] == [(report["model_version"], "registered")]


async def test_promote_takes_effect_on_the_next_feed_with_explained_scores(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    members, report, _ = trained
    version = report["model_version"]
    # when
    # A model of a few groups passes only by force, with the reason on record (test_ranking_gate.py has the gate).
    promoted = await cli(api, "promote", version, "--community", "demo", "--force", "--reason", "tiny fixture")
    assert (promoted["active"], promoted["shadow"]) == (version, None)
    feed = (await api.data(FEED, token=members[0].token))["feed"]
    # then
    assert feed["modelVersion"] == version
    item = feed["items"][0]
    reasons = {r["feature"]: r["contribution"] for r in item["reasons"]}
    assert {"bias", "other"} <= set(reasons)
    assert sum(reasons.values()) == pytest.approx(item["score"], abs=1e-4)


async def test_rollback_returns_to_the_heuristic(api: Api, trained: tuple[list[Member], dict[str, Any], Path]) -> None:
    members, report, _ = trained
    await cli(api, "promote", report["model_version"], "--community", "demo", "--force", "--reason", "tiny fixture")
    # when
    assert await cli(api, "rollback", "--community", "demo") == {"active": None, "shadow": None}
    # then
    assert (await api.data(FEED, token=members[0].token))["feed"]["modelVersion"] == "heuristic-3"


async def test_shadow_model_is_logged_but_not_shown(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    members, report, _ = trained
    version = report["model_version"]
    await cli(api, "shadow", version, "--community", "demo")
    # when
    feed = (await api.data(FEED, token=members[1].token))["feed"]
    # then
    assert feed["modelVersion"] == "heuristic-3"
    why = await api.data(
        "query($d: ID!, $c: ID!) { explainFeedItem(decisionId: $d, contentId: $c) { modelVersion shadowVersion } }",
        {"d": feed["decisionId"], "c": feed["items"][0]["content"]["id"]},
        token=members[1].token,
    )
    assert why["explainFeedItem"] == {"modelVersion": "heuristic-3", "shadowVersion": version}


async def test_promote_of_an_unknown_version_is_refused(api: Api) -> None:
    await create_community(api, "demo")
    with pytest.raises(NotFoundError, match="no model version lgbm-nope"):
        await cli(api, "promote", "lgbm-nope", "--community", "demo")


async def test_gray_release_ranks_the_treatment_arm_with_the_new_model(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    members, report, _ = trained
    version = report["model_version"]
    started = await cli(api, "experiment", version, "--community", "demo", "--traffic", "1.0")
    assert (started["active"], started["experiment"]["version"], started["experiment"]["traffic"]) == (
        None,
        version,
        1.0,
    )
    # when
    feed = (await api.data(FEED, token=members[2].token))["feed"]
    await api.data(
        RECORD_MANY,
        {
            "i": {
                "events": [
                    {"contentId": feed["items"][0]["content"]["id"], "type": "OPEN", "decisionId": feed["decisionId"]}
                ]
            }
        },
        token=members[2].token,
    )
    # then
    assert feed["modelVersion"] == version
    why = await api.data(
        "query($d: ID!, $c: ID!) { explainFeedItem(decisionId: $d, contentId: $c) { experimentArm } }",
        {"d": feed["decisionId"], "c": feed["items"][0]["content"]["id"]},
        token=members[2].token,
    )
    assert why["explainFeedItem"] == {"experimentArm": "treatment"}
    readout = await cli(api, "experiment", "report", "--community", "demo")
    assert readout["arms"]["control"]["decisions"] == 0
    assert (readout["arms"]["treatment"]["decisions"], readout["arms"]["treatment"]["shown"]) == (1, 8)
    assert readout["arms"]["treatment"]["open_rate"] == 0.125


async def test_gray_release_traffic_must_be_a_share(
    api: Api, trained: tuple[list[Member], dict[str, Any], Path]
) -> None:
    _, report, _ = trained
    with pytest.raises(BadInputError, match="traffic must be in"):
        await cli(api, "experiment", report["model_version"], "--community", "demo", "--traffic", "1.5")


async def test_too_few_groups_is_a_refusal_and_registers_nothing(api: Api) -> None:
    await logged_community(api)
    with pytest.raises(TooFewGroupsError, match="no model was registered"):
        await cli(api, "train", "--community", "demo", "--min-groups", "500")
    assert (await cli(api, "list", "--community", "demo"))["versions"] == []
