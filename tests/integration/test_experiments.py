"""Experiments through the gateway: flags and exposures (once per member, under concurrency), ranker arms and
interleaving in the feed, push copy in golden-slot deliveries, a guardrail breach that rolls back and notifies,
and the results database with its exports."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import lightgbm as lgb
import numpy as np
from bson import ObjectId
from pymongo import MongoClient

from distribution_service.ranking.features import FEATURES
from distribution_service.service.slots_command import parser, run
from infra.settings import ServiceName, Settings
from tests.factories import Api, Member, count_documents, create_community, grant, publish, register
from tests.integration.test_feed_serving import REPORT, distribution

CREATE = """
mutation($i: CreateExperimentInput!) {
  createExperiment(input: $i) { experiment { id status rollout arms { name weight } } }
}"""
START = "mutation($i: ExperimentRefInput!) { startExperiment(input: $i) { experiment { id status } } }"
CHECK = """
mutation($i: ExperimentRefInput!) {
  checkExperimentGuardrails(input: $i) {
    rolledBack values { metric value } breaches { metric value max } experiment { status rollout stopReason }
  }
}"""
CHECK_RELATIVE = """
mutation($i: ExperimentRefInput!) {
  checkExperimentGuardrails(input: $i) {
    rolledBack values { metric value controlValue } breaches { metric value max controlValue }
    experiment { status rollout stopReason }
  }
}"""
FINISH = """
mutation($i: FinishExperimentInput!) {
  finishExperiment(input: $i) { result { name hypothesis decision sample samples { label members } effect } }
}"""
FLAGS = "{ experimentFlags { key value } }"
EXPERIMENT = "query($id: ID!) { experiment(id: $id) { status exposures } }"
ANALYSIS = """
query($id: ID!) {
  experimentAnalysis(id: $id) {
    sample blinded control arms { label members openRate } srm { flagged arms { label members } }
    interleaving { decisions winsA winsB }
  }
}"""
RESULTS = "{ experimentResults { name decision sample } }"
EXPORT = "query($f: ExperimentExportFormat!) { exportExperimentResults(format: $f) { format contentType body } }"
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { decisionId items { contentId } } }"


async def _community(api: Api, readers: int = 2) -> tuple[Member, list[Member]]:
    community_id = await create_community(api, "lab")
    operator = await register(api, "lab", "operator")
    await grant(api, community_id, "operator", "OPERATOR")
    return operator, [await register(api, "lab", f"reader{i}") for i in range(readers)]


def _arms(treatment: dict[str, Any], control: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Everyone in the treatment (control weight 0): deterministic tests whatever the experiment's salt."""
    return [{"name": "control", "weight": 0.0, **(control or {})}, {"name": "bold", "weight": 1.0, **treatment}]


async def _started(api: Api, operator: Member, **spec: Any) -> str:
    spec = {"name": "layout cards", "hypothesis": "Cards lift the open rate.", **spec}
    data = await api.data(CREATE, {"i": spec}, token=operator.token)
    experiment_id: str = data["createExperiment"]["experiment"]["id"]
    await api.data(START, {"i": {"id": experiment_id}}, token=operator.token)
    return experiment_id


def _find(settings: Settings, service: ServiceName, collection: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Ground truth straight from the service's database."""
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        return list(client[settings.database_name(service)][collection].find(query))
    finally:
        client.close()


async def test_flags_log_one_exposure_per_member_under_concurrent_reads(api: Api) -> None:
    operator, (reader, _) = await _community(api)
    piece = await publish(api, operator, "A piece")
    flags = {"flags": [{"key": "layout", "value": "cards"}]}
    experiment_id = await _started(api, operator, arms=_arms(flags, {"flags": [{"key": "layout", "value": "list"}]}))
    # when the member's app reads its flags ten times at once
    answers = await asyncio.gather(*(api.data(FLAGS, token=reader.token) for _ in range(10)))
    # then every read gets the arm's flags, and the member is exposed once
    assert {json.dumps(a["experimentFlags"]) for a in answers} == {'[{"key": "layout", "value": "cards"}]'}
    read = await api.data(EXPERIMENT, {"id": experiment_id}, token=operator.token)
    assert read["experiment"] == {"status": "RUNNING", "exposures": 1}
    # and what the member does after exposure is read out for their arm
    opened = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
    await api.data(opened, {"i": {"contentId": piece, "type": "OPEN"}}, token=reader.token)
    analysis = (await api.data(ANALYSIS, {"id": experiment_id}, token=operator.token))["experimentAnalysis"]
    assert sorted((a["members"], a["openRate"]) for a in analysis["arms"]) == [(0, 0.0), (1, 1.0)]
    # Below the pre-registered sample the arms are not named.
    assert analysis["blinded"]
    assert {a["label"] for a in analysis["arms"]} == {"Arm A", "Arm B"}
    assert analysis["sample"] == 1


async def test_a_guardrail_breach_rolls_back_and_notifies(api: Api) -> None:
    operator, readers = await _community(api)
    experiment_id = await _started(
        api,
        operator,
        arms=_arms({"flags": [{"key": "pushes", "value": "many"}]}),
        guardrails=[{"metric": "MUTE_RATE", "max": 0.2}, {"metric": "ERROR_RATE", "max": 0.5}],
    )
    for reader in readers:
        await api.data(FLAGS, token=reader.token)
    # when one exposed member in two turns pushes off
    mute = "mutation { setPushPreferences(input: {optedOut: true}) { optedOut } }"
    await api.data(mute, token=readers[0].token)
    check = (await api.data(CHECK, {"i": {"id": experiment_id}}, token=operator.token))["checkExperimentGuardrails"]
    # then the experiment is rolled back at once, with its reason, and nobody gets the arm any more
    assert check["rolledBack"] is True
    assert check["breaches"] == [{"metric": "MUTE_RATE", "value": 0.5, "max": 0.2}]
    assert check["experiment"]["status"] == "ROLLED_BACK"
    assert check["experiment"]["rollout"] == 0.0
    assert "MUTE_RATE" in check["experiment"]["stopReason"]
    assert (await api.data(FLAGS, token=readers[1].token))["experimentFlags"] == []
    # and the community's webhook is notified through content's outbox, once
    assert len(_find(api.settings, "content", "outbox", {"topic": "experiment.rolled_back"})) == 1
    again = (await api.data(CHECK, {"i": {"id": experiment_id}}, token=operator.token))["checkExperimentGuardrails"]
    assert again["rolledBack"] is False
    assert len(_find(api.settings, "content", "outbox", {"topic": "experiment.rolled_back"})) == 1


async def test_the_gray_release_tick_follows_the_schedule(api: Api) -> None:
    operator, _ = await _community(api, readers=0)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    schedule = [{"at": past, "share": 0.3}, {"at": future, "share": 1.0}]
    flags = {"flags": [{"key": "layout", "value": "cards"}]}
    experiment_id = await _started(api, operator, arms=_arms(flags), rollout=0.05, schedule=schedule)
    # when the scheduler's tick runs
    await distribution(api).gray_release.tick()
    # then the rollout is the latest step due, and the next waits for its time
    rollout = "query($id: ID!) { experiment(id: $id) { rollout } }"
    assert (await api.data(rollout, {"id": experiment_id}, token=operator.token))["experiment"]["rollout"] == 0.3


async def test_interleaving_ranks_the_feed_by_team_draft(api: Api) -> None:
    operator, (reader,) = await _community(api, readers=1)
    for i in range(4):
        await publish(api, operator, f"Piece {i}")
    rankers = [{"name": "a", "weight": 0.5, "rankerVersion": "heuristic"}]
    rankers.append({"name": "b", "weight": 0.5, "rankerVersion": "heuristic"})
    experiment_id = await _started(api, operator, kind="INTERLEAVING", arms=rankers, hypothesis="B ranks better.")
    feed = (await api.data(FEED, token=reader.token))["feed"]
    shown = [item["contentId"] for item in feed["items"]]
    # The decision records which ranker placed each shown item; the member is exposed once.
    (decision,) = _find(
        api.settings, "distribution", "decisions", {"experiment_version": f"interleaving:{experiment_id}"}
    )
    assert sorted(decision["interleaving"]["teams"]) == sorted(shown)
    assert set(decision["interleaving"]["teams"].values()) <= {"A", "B"}
    read = await api.data(EXPERIMENT, {"id": experiment_id}, token=operator.token)
    assert read["experiment"]["exposures"] == 1
    analysis = (await api.data(ANALYSIS, {"id": experiment_id}, token=operator.token))["experimentAnalysis"]
    assert analysis["interleaving"]["decisions"] == 1


async def test_a_finished_experiment_is_in_the_results_database_and_its_exports(api: Api) -> None:
    operator, readers = await _community(api)
    experiment_id = await _started(api, operator, arms=_arms({"flags": [{"key": "layout", "value": "cards"}]}))
    for reader in readers:
        await api.data(FLAGS, token=reader.token)
    finish = {"id": experiment_id, "decision": "ITERATE", "notes": "too few members"}
    result = (await api.data(FINISH, {"i": finish}, token=operator.token))["finishExperiment"]["result"]
    assert result["decision"] == "ITERATE"
    assert result["sample"] == 2
    assert {s["label"]: s["members"] for s in result["samples"]} == {"control": 0, "bold": 2}
    # Finishing again answers the recorded result; the list and both exports hold it once.
    again = (await api.data(FINISH, {"i": finish}, token=operator.token))["finishExperiment"]["result"]
    assert again == result
    assert (await api.data(RESULTS, token=operator.token))["experimentResults"] == [
        {"name": "layout cards", "decision": "ITERATE", "sample": 2}
    ]
    as_csv = (await api.data(EXPORT, {"f": "CSV"}, token=operator.token))["exportExperimentResults"]
    rows = list(csv.DictReader(io.StringIO(as_csv["body"])))
    assert as_csv["contentType"].startswith("text/csv")
    assert [(r["name"], r["decision"], r["arms"]) for r in rows] == [("layout cards", "ITERATE", "control=0;bold=1")]
    as_json = (await api.data(EXPORT, {"f": "JSON"}, token=operator.token))["exportExperimentResults"]
    assert [r["hypothesis"] for r in json.loads(as_json["body"])] == ["Cards lift the open rate."]


async def test_weights_that_do_not_sum_to_one_are_refused_and_nothing_is_written(api: Api) -> None:
    operator, _ = await _community(api, readers=0)
    spec = {"name": "x", "hypothesis": "y", "arms": [{"name": "a", "weight": 0.7}, {"name": "b", "weight": 0.7}]}
    code = await api.error_code(CREATE, {"i": spec}, token=operator.token)
    assert code == "BAD_USER_INPUT"
    unknown = {**spec, "arms": [{"name": "a", "weight": 0.5}, {"name": "b", "weight": 0.5, "rankerVersion": "v9"}]}
    assert await api.error_code(CREATE, {"i": unknown}, token=operator.token) == "BAD_USER_INPUT"
    assert count_documents(api.settings, "distribution", "experiments") == 0
    # A layer holds experiments up to its whole share: the next one is a conflict, not an overlap.
    layered = {**spec, "arms": [{"name": "a", "weight": 0.5}, {"name": "b", "weight": 0.5}], "layer": "push"}
    await api.data(CREATE, {"i": {**layered, "layerShare": 0.6}}, token=operator.token)
    assert await api.error_code(CREATE, {"i": {**layered, "layerShare": 0.5}}, token=operator.token) == "CONFLICT"
    assert count_documents(api.settings, "distribution", "experiments") == 1


async def test_a_push_arm_sets_the_copy_and_keeps_members_to_its_golden_slot(api: Api) -> None:
    operator, readers = await _community(api)
    for i in range(3):
        await publish(api, operator, f"Piece {i}")
    arm = {"pushCopy": "Your morning picks", "goldenSlot": "MORNING"}
    experiment_id = await _started(api, operator, arms=_arms(arm), name="morning copy")

    async def slot_run(slot: str) -> dict[str, Any]:
        args = parser().parse_args(["run", "--community", "lab", "--day", "2026-05-01", "--slot", slot])
        result: dict[str, Any] = await run(args, api.settings)
        return result

    # when the noon slot runs, the arm keeps its members for the morning; the morning run pushes its copy
    noon = await slot_run("NOON")
    morning = await slot_run("MORNING")
    assert noon["delivered"] == 0
    assert noon["moved"] >= len(readers)
    assert morning["delivered"] == len(readers)
    inbox = "{ inbox(first: 5) { slot pushCopy } }"
    for reader in readers:
        assert (await api.data(inbox, token=reader.token))["inbox"] == [
            {"slot": "MORNING", "pushCopy": "Your morning picks"}
        ]
    # Exposures are logged when the copy is pushed, not when a member is passed over.
    read = await api.data(EXPERIMENT, {"id": experiment_id}, token=operator.token)
    assert read["experiment"]["exposures"] == len(readers)


def tiny_model_text() -> str:
    """A two-tree lambdarank model over the code's features (milliseconds to fit): all the arm needs is a
    registered version the registry loads."""
    rng = np.random.default_rng(0)
    x = rng.random((200, len(FEATURES)))
    data = lgb.Dataset(x, rng.integers(0, 3, size=200), group=[10] * 20)
    booster = lgb.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 5}, data, num_boost_round=2)
    text: str = booster.model_to_string()
    return text


async def test_a_registered_lightgbm_version_ranks_its_arms_feeds(api: Api) -> None:
    operator, (reader,) = await _community(api, readers=1)
    for i in range(3):
        await publish(api, operator, f"Piece {i}")
    community_id = (await api.data("{ me { community { id } } }", token=operator.token))["me"]["community"]["id"]
    await distribution(api).registry.register(
        ObjectId(community_id),
        version="lgbm-newest",
        model_text=tiny_model_text(),
        report=REPORT,
        params={},
    )
    arms = [{"name": "control", "weight": 0.0}, {"name": "model", "weight": 1.0, "rankerVersion": "lgbm-newest"}]
    experiment_id = await _started(api, operator, arms=arms, hypothesis="The model lifts CTR.", primaryMetric="CTR")
    # when the member in the model's arm asks for a feed (no model is active: control would get the heuristic)
    feed = await api.data("{ feed(slot: MORNING, scene: BEFORE_DECISION) { modelVersion } }", token=reader.token)
    # then the arm's registered version ranked it, and the member is exposed to the experiment
    assert feed["feed"]["modelVersion"] == "lgbm-newest"
    read = await api.data(EXPERIMENT, {"id": experiment_id}, token=operator.token)
    assert read["experiment"]["exposures"] == 1
    (decision,) = _find(api.settings, "distribution", "decisions", {"member_id": ObjectId(reader.id)})
    assert decision["experiments"] == [{"id": ObjectId(experiment_id), "arm": "model"}]


async def test_a_guardrail_relative_to_control_rolls_back_when_the_treatment_is_worse(api: Api) -> None:
    operator, readers = await _community(api, readers=4)
    guardrail = {"metric": "MUTE_RATE", "max": 1.0, "maxIncreaseOverControl": 0.5, "minMembersPerArm": 2}
    experiment_id = await _started(
        api, operator, arms=_arms({"flags": [{"key": "pushes", "value": "many"}]}), guardrails=[guardrail]
    )
    treated, controls = readers[:2], readers[2:]
    for reader in treated:
        await api.data(FLAGS, token=reader.token)
    # control's members, exposed as the assignment would log them (its weight is 0 in this deterministic setup)
    (experiment,) = _find(api.settings, "distribution", "experiments", {"_id": ObjectId(experiment_id)})
    await distribution(api).store.experiments.log_exposures(
        [
            {
                "community_id": experiment["community_id"],
                "experiment_id": ObjectId(experiment_id),
                "member_id": ObjectId(m.id),
                "arm": "control",
                "channel": "IN_APP",
                "at": datetime.now(UTC),
            }
            for m in controls
        ]
    )
    mute = "mutation { setPushPreferences(input: {optedOut: true}) { optedOut } }"
    # when one treated member turns pushes off: two members an arm cannot tell 50% from control's 0%
    await api.data(mute, token=treated[0].token)
    noisy = (await api.data(CHECK_RELATIVE, {"i": {"id": experiment_id}}, token=operator.token))[
        "checkExperimentGuardrails"
    ]
    assert noisy["rolledBack"] is False
    assert noisy["values"] == [{"metric": "MUTE_RATE", "value": 0.5, "controlValue": 0.0}]
    # when the other treated member mutes too (every treated member, no control member)
    await api.data(mute, token=treated[1].token)
    worse = (await api.data(CHECK_RELATIVE, {"i": {"id": experiment_id}}, token=operator.token))[
        "checkExperimentGuardrails"
    ]
    # then it rolls back, naming control's value and the limit it passed
    assert worse["rolledBack"] is True
    assert worse["breaches"] == [{"metric": "MUTE_RATE", "value": 1.0, "max": 0.0, "controlValue": 0.0}]
    assert "control 0" in worse["experiment"]["stopReason"]
