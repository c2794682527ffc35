"""LTV through the gateway: training with a time split, versions, predictions on `me`, and the command."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

import anyio

from distribution_service.schemas import EventCreate
from tests.factories import Api, Member, create_community, create_plan, publish, register
from tests.process_env import REPO, process_env

TRAIN = """
mutation($input: TrainLtvModelInput!) {
  trainLtvModel(input: $input) {
    version trainMembers testMembers beatsNaive totalRatio note
    model { mae } naive { mae } mean { mae }
  }
}
"""
SUBSCRIBE = "mutation($input: SubscribeInput!) { subscribe(input: $input) { subscription { status } } }"


async def _history(api: Api) -> tuple[str, list[Member]]:
    """12 members active 800 and 400 days ago; the first four pay now."""
    cid = await create_community(api, "demo")
    members = [await register(api, "demo", f"m{i}") for i in range(12)]
    content_id = await publish(api, members[0], "hello")
    distribution = api.app.state.services.distribution  # type: ignore[union-attr]
    now = datetime.now(UTC)
    for member in members:
        for days in (800, 400):
            event = EventCreate(
                member_id=member.id, content_id=content_id, type="CLICK", occurred_at=now - timedelta(days=days)
            )
            await distribution.record_event(cid, event)
    plan_id = await create_plan(api, cid)
    for i, member in enumerate(members[:4]):
        await api.data(SUBSCRIBE, {"input": {"planId": plan_id, "idempotencyKey": f"k{i}"}}, token=member.token)
    return cid, members


async def test_train_reports_time_split_against_baselines_honestly(api: Api) -> None:
    cid, _ = await _history(api)
    data = await api.data(TRAIN, {"input": {"communityId": cid}}, admin=True)
    mae = 4 * 2900 / 12
    assert data["trainLtvModel"] == {
        "version": 1,
        "trainMembers": 12,
        "testMembers": 12,
        "beatsNaive": False,
        "totalRatio": 0.0,
        "note": "no member paid anything in the training period: the evaluated model is a constant zero",
        "model": {"mae": mae},
        "naive": {"mae": mae},
        "mean": {"mae": mae},
    }


async def test_training_again_makes_a_new_version(api: Api) -> None:
    cid, _ = await _history(api)
    await api.data(TRAIN, {"input": {"communityId": cid}}, admin=True)
    await api.data(TRAIN, {"input": {"communityId": cid}}, admin=True)
    data = await api.data("query($c: ID) { ltvModels(communityId: $c) { version } }", {"c": cid}, admin=True)
    assert data["ltvModels"] == [{"version": 2}, {"version": 1}]


async def test_ltv_on_me_is_the_deployed_models_prediction(api: Api) -> None:
    cid, members = await _history(api)
    await api.data(TRAIN, {"input": {"communityId": cid}}, admin=True)
    # Twelve look-alike members, four of whom paid 2900 in the last period: the model predicts the mean.
    assert (await api.data("{ me { ltv } }", token=members[7].token))["me"] == {"ltv": 967}


async def test_training_without_enough_history_is_bad_input(api: Api) -> None:
    cid = await create_community(api, "demo")
    await register(api, "demo", "alice")
    errors = await api.errors(TRAIN, {"input": {"communityId": cid}}, admin=True)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "horizonDays")


async def test_train_command_prints_the_report_of_a_new_version(api: Api) -> None:
    await _history(api)
    settings = api.settings
    env = process_env(settings.mongodb_uri or "", settings.db_prefix, settings.var_dir)
    command = [sys.executable, "-m", "users_service.ltv", "train", "--community", "demo", "--horizon-days", "365"]
    done = await anyio.run_process(command, env=env, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["version"], report["trainMembers"], report["predictedMembers"]) == (1, 12, 12)
