"""Background jobs through the gateway: start, poll `job(id)` to the end, tenancy, and a dead process's job."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from bson import ObjectId
from pymongo import MongoClient
from pymongo.collection import Collection

from infra.settings import Settings
from tests.conftest import running_gateway
from tests.factories import Api, create_community, grant, publish, register

RUN_FIELDS = "members promotions demotions layerChanges movements { fromTier toTier members }"
RECOMPUTE = f"mutation($input: RecomputeTiersInput!) {{ recomputeTiers(input: $input) {{ {RUN_FIELDS} }} }}"
START_RUN = "mutation($input: RecomputeTiersInput!) { startTierRun(input: $input) { job { id kind status } } }"
START_LTV = "mutation($input: TrainLtvModelInput!) { startLtvTraining(input: $input) { job { id kind status } } }"
JOB = f"""
query($id: ID!, $c: ID) {{
  job(id: $id, communityId: $c) {{
    id kind status progress startedAt finishedAt error errorCode result tierRun {{ {RUN_FIELDS} }}
  }}
}}
"""
RECORD = "mutation($input: RecordEventInput!) { recordEvent(input: $input) { ok } }"


async def _seeded(api: Api, slug: str) -> str:
    """Three members: alice publishes and clicks five times, bob clicks once, carol does nothing."""
    cid = await create_community(api, slug)
    alice, bob = await register(api, slug, "alice"), await register(api, slug, "bob")
    await register(api, slug, "carol")
    content_id = await publish(api, alice, "hello")
    for member, clicks in ((alice, 5), (bob, 1)):
        for _ in range(clicks):
            await api.data(RECORD, {"input": {"contentId": content_id, "type": "CLICK"}}, token=member.token)
    return cid


async def _finished(api: Api, job_id: str, cid: str) -> dict[str, Any]:
    """Poll the job until it leaves RUNNING (bounded: a stuck job fails the test, not the suite)."""
    for _ in range(400):
        job: dict[str, Any] = (await api.data(JOB, {"id": job_id, "c": cid}, admin=True))["job"]
        if job["status"] != "RUNNING":
            return job
        await anyio.sleep(0.05)
    raise AssertionError(f"job {job_id} still RUNNING: {job}")


async def test_a_started_tier_run_ends_with_what_recompute_tiers_answers(api: Api) -> None:
    sync_cid, job_cid = await _seeded(api, "sync"), await _seeded(api, "jobs")
    expected = (await api.data(RECOMPUTE, {"input": {"communityId": sync_cid}}, admin=True))["recomputeTiers"]
    started = (await api.data(START_RUN, {"input": {"communityId": job_cid}}, admin=True))["startTierRun"]["job"]
    assert (started["kind"], started["status"]) == ("TIER_RUN", "RUNNING")
    job = await _finished(api, started["id"], job_cid)
    assert (job["status"], job["progress"], job["error"]) == ("SUCCEEDED", 1.0, None)
    assert job["finishedAt"] >= job["startedAt"]
    assert job["tierRun"] == expected
    assert expected["promotions"] > 0
    assert job["result"]["members"] == expected["members"]
    runs = await api.data("query($c: ID) { tierRuns(communityId: $c) { id } }", {"c": job_cid}, admin=True)
    assert runs["tierRuns"] == [{"id": job["result"]["id"]}]


async def test_another_communitys_operator_cannot_read_the_job(api: Api) -> None:
    cid = await _seeded(api, "jobs")
    other = await create_community(api, "other")
    op = await register(api, "other", "op")
    await grant(api, other, "op", "OPERATOR")
    started = (await api.data(START_RUN, {"input": {"communityId": cid}}, admin=True))["startTierRun"]["job"]
    await _finished(api, started["id"], cid)
    assert await api.error_code(JOB, {"id": started["id"], "c": other}, admin=True) == "NOT_FOUND"
    assert await api.error_code(JOB, {"id": started["id"]}, token=op.token) == "NOT_FOUND"
    assert await api.error_code(JOB, {"id": started["id"], "c": cid}, token=op.token) == "FORBIDDEN"


async def test_a_training_without_enough_history_fails_with_its_code(api: Api) -> None:
    cid = await create_community(api, "demo")
    await register(api, "demo", "alice")
    started = (await api.data(START_LTV, {"input": {"communityId": cid}}, admin=True))["startLtvTraining"]["job"]
    assert started["kind"] == "LTV_TRAINING"
    job = await _finished(api, started["id"], cid)
    assert (job["status"], job["errorCode"], job["result"]) == ("FAILED", "BAD_USER_INPUT", None)
    assert "not enough history" in job["error"]


def _lapsed_job(settings: Settings, cid: str) -> ObjectId:
    """A job as a process killed mid-run leaves it: RUNNING, its lease not renewed for an hour."""
    job_id, lapsed = ObjectId(), datetime.now(UTC) - timedelta(hours=1)
    doc = {
        "_id": job_id,
        "community_id": ObjectId(cid),
        "kind": "TIER_RUN",
        "status": "RUNNING",
        "progress": 0.4,
        "params": {},
        "started_at": lapsed,
        "heartbeat_at": lapsed,
    }
    with _jobs(settings) as jobs:
        jobs.insert_one(doc)
    return job_id


@contextmanager
def _jobs(settings: Settings) -> Iterator[Collection[dict[str, Any]]]:
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        yield client[settings.database_name("users")]["jobs"]
    finally:
        client.close()


async def test_a_running_job_whose_heartbeat_lapsed_reads_failed(api: Api, settings: Settings) -> None:
    cid = await create_community(api, "demo")
    job_id = _lapsed_job(settings, cid)
    job = (await api.data(JOB, {"id": str(job_id), "c": cid}, admin=True))["job"]
    assert (job["status"], job["progress"]) == ("FAILED", 0.4)
    assert job["error"].startswith("interrupted")
    assert job["finishedAt"] is not None


async def test_the_next_start_fails_what_a_dead_process_left_running(settings: Settings) -> None:
    async with running_gateway(settings) as api:
        cid = await create_community(api, "demo")
    job_id = _lapsed_job(settings, cid)
    async with running_gateway(settings):
        with _jobs(settings) as jobs:
            doc = jobs.find_one({"_id": job_id})
    assert doc is not None
    assert (doc["status"], doc["error"][:11]) == ("FAILED", "interrupted")


async def test_a_malformed_job_id_is_bad_input(api: Api) -> None:
    cid = await create_community(api, "demo")
    assert await api.error_code(JOB, {"id": "nope", "c": cid}, admin=True) == "BAD_USER_INPUT"
