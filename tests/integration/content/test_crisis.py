"""Crisis early warning: level 1-3 detection, de-duplication under a storm, steps, signed webhooks and replay."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from content_service.domain.signing import verify
from content_service.service import webhook_targets
from tests.factories import Api, register
from tests.integration.content.support import INCIDENTS, complain, content_app, relay, world

MENTION = """
mutation($input: ReportMentionInput!) { reportMention(input: $input) { id duplicate incidentId } }
"""
STEP = """
mutation($input: UpdateIncidentStepInput!) {
  updateIncidentStep(input: $input) { steps { name doneAt owner overdue } }
}
"""
WEBHOOK = "mutation($input: ConfigureWebhookInput!) { configureWebhook(input: $input) { url } }"
DELIVERIES = "{ webhookDeliveries { eventId topic status attempts log { ok detail } } }"
REPLAY = "mutation($input: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $input) { eventId status } }"
SECRET = "whsec-0123456789abcdef"
SEVEN = [
    ("FACTS_CONFIRMED", 30),
    ("OFFICIAL_STATEMENT", 120),
    ("COMPENSATION_PLAN", 360),
    ("PUBLIC_OPINION_REVIEW", 1440),
    ("PRODUCT_FIX", 4320),
    ("PREVENTION_MECHANISM", 10080),
    ("RELATIONSHIP_REPAIR", 43200),
]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _mention(api: Api, token: str, platform: str, **extra: Any) -> dict[str, Any]:
    payload = {
        "platform": platform,
        "url": f"https://{platform}.example/post/{extra.pop('n', 1)}",
        "sentiment": "NEGATIVE",
        "occurredAt": datetime.now(UTC).isoformat(),
        **extra,
    }
    data = await api.data(MENTION, {"input": payload}, token=token)
    result: dict[str, Any] = data["reportMention"]
    return result


async def test_complaints_above_the_hourly_threshold_open_one_level_1_incident(gateway_with: Any) -> None:
    async with gateway_with(CRISIS_COMPLAINTS_PER_HOUR=3) as api:
        w = await world(api)
        filers = [w.member, w.operator] + [await register(api, "demo", f"m{i}") for i in range(3)]
        results = [await complain(api, m) for m in filers]
        incidents = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        assert [r["incidentId"] is not None for r in results] == [False, False, False, True, True]
        assert [(i["level"], i["cause"], i["triggerCount"]) for i in incidents] == [(1, "COMPLAINT_SURGE", 2)]


async def test_incident_carries_the_seven_steps_with_deadlines_from_the_trigger(gateway_with: Any) -> None:
    async with gateway_with(CRISIS_COMPLAINTS_PER_HOUR=1) as api:
        w = await world(api)
        await complain(api, w.member)
        await complain(api, w.operator)  # the window counts distinct filers
        (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        opened = _at(incident["openedAt"])
        offsets = [(s["name"], round((_at(s["dueAt"]) - opened).total_seconds() / 60)) for s in incident["steps"]]
        assert offsets == SEVEN
        assert {(s["doneAt"], s["overdue"]) for s in incident["steps"]} == {(None, False)}


async def test_storm_of_concurrent_complaints_opens_exactly_one_incident(gateway_with: Any) -> None:
    # 20 complaints from each of 5 members, all in flight at once: the per-member limit is raised out of the way.
    # The threshold is 3, so nearly every complaint races to open the incident; 500 at once is
    # `python -m benchmarks.complaint_storm`'s (which checks the one incident too).
    async with gateway_with(CRISIS_COMPLAINTS_PER_HOUR=3, COMPLAINTS_PER_MEMBER_PER_HOUR=1000) as api:
        w = await world(api)
        members = [w.member, w.operator] + [await register(api, "demo", f"m{i}") for i in range(3)]
        results = await asyncio.gather(*(complain(api, members[i % len(members)]) for i in range(100)))
        incidents = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        attached = [r["incidentId"] for r in results if r["incidentId"]]
        assert [(i["level"], i["cause"]) for i in incidents] == [(1, "COMPLAINT_SURGE")]
        # Every complaint that saw the surge is attached to that one incident, and counted on it once.
        assert (set(attached), incidents[0]["triggerCount"]) == ({incidents[0]["id"]}, len(attached))


async def test_one_member_filing_many_complaints_opens_no_incident(gateway_with: Any) -> None:
    async with gateway_with(CRISIS_COMPLAINTS_PER_HOUR=3) as api:
        w = await world(api)
        results = [await complain(api, w.member) for _ in range(5)]
        incidents = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        assert ([r["incidentId"] for r in results], incidents) == ([None] * 5, [])


async def test_negative_mentions_on_three_platforms_escalate_the_open_incident(gateway_with: Any) -> None:
    async with gateway_with(CRISIS_COMPLAINTS_PER_HOUR=1) as api:
        w = await world(api)
        await complain(api, w.member)
        await complain(api, w.operator)  # the window counts distinct filers
        results = [await _mention(api, w.operator.token, p) for p in ("weibo", "zhihu", "douyin")]
        (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        assert [r["incidentId"] for r in results] == [None, None, incident["id"]]
        assert (incident["level"], incident["causes"]) == (2, ["COMPLAINT_SURGE", "NEGATIVE_SPREAD"])
        assert incident["steps"][-1]["name"] == "RESPONSE_TEAM_NOTIFIED"


async def test_mentions_on_two_platforms_open_nothing(api: Api) -> None:
    w = await world(api)
    for n, platform in enumerate(("weibo", "weibo", "zhihu")):
        await _mention(api, w.operator.token, platform, n=n)
    assert (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"] == []


async def test_same_mention_url_twice_is_a_duplicate(api: Api) -> None:
    w = await world(api)
    first = await _mention(api, w.operator.token, "weibo")
    second = await _mention(api, w.operator.token, "weibo")
    assert (first["duplicate"], second["duplicate"], second["id"]) == (False, True, first["id"])


async def test_legal_complaint_opens_level_3_with_the_legal_counsel_step(api: Api) -> None:
    w = await world(api)
    result = await complain(api, w.member, category="LEGAL", text="defamation")
    (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
    names = [s["name"] for s in incident["steps"]]
    assert (result["incidentId"], incident["level"], incident["cause"]) == (incident["id"], 3, "LEGAL_RISK")
    assert names[-2:] == ["RESPONSE_TEAM_NOTIFIED", "LEGAL_COUNSEL"]


async def test_legal_mention_escalates_an_open_level_1_incident_to_3(gateway_with: Any) -> None:
    async with gateway_with(CRISIS_COMPLAINTS_PER_HOUR=1) as api:
        w = await world(api)
        await complain(api, w.member)
        await complain(api, w.operator)  # the window counts distinct filers
        await _mention(api, w.operator.token, "news", legal=True)
        (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        assert (incident["level"], [s["name"] for s in incident["steps"]][-2:]) == (
            3,
            ["RESPONSE_TEAM_NOTIFIED", "LEGAL_COUNSEL"],
        )


async def test_step_done_records_time_and_cannot_be_done_again(api: Api) -> None:
    w = await world(api)
    await complain(api, w.member, category="LEGAL")
    (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
    update = {"incidentId": incident["id"], "step": "FACTS_CONFIRMED", "owner": "pr-team", "done": True}
    steps = (await api.data(STEP, {"input": update}, token=w.operator.token))["updateIncidentStep"]["steps"]
    again = await api.error_code(STEP, {"input": update}, token=w.operator.token)
    assert (steps[0]["owner"], steps[0]["overdue"], again) == ("pr-team", False, "CONFLICT")
    assert _at(steps[0]["doneAt"]) >= _at(incident["openedAt"])


async def test_overdue_is_true_for_an_open_step_past_its_deadline(gateway_with: Any) -> None:
    async with gateway_with() as api:
        w = await world(api)
        await complain(api, w.member, category="LEGAL")
        incidents = content_app(api).state.store.crisis.incidents
        past = datetime.now(UTC) - timedelta(minutes=1)
        await incidents.update_one({}, {"$set": {"steps.0.due_at": past}})
        (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
        assert [s["overdue"] for s in incident["steps"]][:2] == [True, False]


async def test_operator_of_another_community_sees_none_of_its_incidents(api: Api) -> None:
    w = await world(api)
    other = await world(api, "other")
    await complain(api, w.member, category="LEGAL")
    assert (await api.data(INCIDENTS, {"status": "OPEN"}, token=other.operator.token))["incidents"] == []


async def test_members_cannot_list_incidents(api: Api) -> None:
    w = await world(api)
    assert await api.error_code(INCIDENTS, {"status": "OPEN"}, token=w.member.token) == "FORBIDDEN"


async def test_webhook_is_signed_retried_with_a_stable_id_and_replayable(
    gateway_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def resolve(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]  # a public address

    monkeypatch.setattr(webhook_targets.anyio, "getaddrinfo", resolve)
    received: list[httpx.Request] = []
    answers = iter([503] + [200] * 10)

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(next(answers))

    async with gateway_with(OUTBOX_RELAY_ENABLED=False, WEBHOOK_RETRY_BASE_SECONDS=0) as api:
        w = await world(api)
        content_app(api).state.webhooks.transport = httpx.MockTransport(receiver)
        await api.data(
            WEBHOOK, {"input": {"url": "https://hooks.example/crisis", "secret": SECRET}}, token=w.operator.token
        )
        await complain(api, w.member, category="LEGAL")
        await relay(api).relay_once()  # the incident.opened event fans out to the crisis webhook
        worker = content_app(api).state.webhook_worker
        await worker.deliver_once()  # the first attempt fails
        await worker.deliver_once()  # the retry
        deliveries = (await api.data(DELIVERIES, token=w.operator.token))["webhookDeliveries"]
        opened = next(d for d in deliveries if d["topic"] == "incident.opened")
        await api.data(REPLAY, {"input": {"eventId": opened["eventId"]}}, token=w.operator.token)
        await worker.deliver_once()
    ids = [r.headers["X-Webhook-Id"] for r in received]
    ts = int(received[-1].headers["X-Webhook-Timestamp"])
    assert verify(SECRET, ts, received[-1].content, received[-1].headers["X-Webhook-Signature"], now=ts + 299)
    assert not verify(SECRET, ts, received[-1].content, received[-1].headers["X-Webhook-Signature"], now=ts + 301)
    assert ids.count(opened["eventId"]) == 2
    assert json.loads(received[-1].content)["type"] == "incident.opened"


async def test_concurrent_upserts_create_one_incident_and_exactly_one_caller_is_told_it_created_it(api: Api) -> None:
    from bson import ObjectId

    store = content_app(api).state.store.crisis
    community = ObjectId()
    results = await asyncio.gather(
        *(store.upsert_open(community, "COMPLAINT_SURGE", {"level": 1, "steps": []}) for _ in range(200))
    )
    ids = {str(doc["_id"]) for doc, _ in results}
    final = await store.open_incident(community, "COMPLAINT_SURGE")
    assert (len(ids), sum(created for _, created in results), final["trigger_count"]) == (1, 1, 200)


async def test_overdue_step_is_notified_once_by_webhook(gateway_with: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    async def resolve(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]  # a public address

    monkeypatch.setattr(webhook_targets.anyio, "getaddrinfo", resolve)
    async with gateway_with(OUTBOX_RELAY_ENABLED=False) as api:
        w = await world(api)
        await api.data(
            WEBHOOK, {"input": {"url": "https://hooks.example/crisis", "secret": SECRET}}, token=w.operator.token
        )
        await complain(api, w.member, category="LEGAL")
        crisis = content_app(api).state.service.crisis
        await crisis.store.crisis.incidents.update_one(
            {}, {"$set": {"steps.0.due_at": datetime.now(UTC) - timedelta(minutes=1)}}
        )
        first, second = await crisis.tick(), await crisis.tick()
        await relay(api).relay_once()  # the events fan out to the crisis webhook
        deliveries = (await api.data(DELIVERIES, token=w.operator.token))["webhookDeliveries"]
        overdue = [d["eventId"] for d in deliveries if d["topic"] == "incident.step_overdue"]
        assert (first.overdue_notified, second.overdue_notified, len(overdue)) == (1, 0, 1)
        assert overdue[0].endswith("-overdue-FACTS_CONFIRMED")


async def test_incident_metrics_count_levels_first_response_and_steps_on_time(api: Api) -> None:
    w = await world(api)
    await complain(api, w.member, category="LEGAL")
    crisis = content_app(api).state.service.crisis
    opened = datetime.now(UTC) - timedelta(hours=1)
    await crisis.store.crisis.incidents.update_one(
        {},
        {
            "$set": {
                "opened_at": opened,
                "steps.0.due_at": opened + timedelta(minutes=30),
                "steps.0.done_at": opened + timedelta(minutes=28),
                "steps.1.due_at": opened + timedelta(minutes=50),
            }
        },
    )
    query = """{ incidentMetrics { incidentsByLevel openIncidents medianFirstResponseMinutes
      stepsDone stepsOnTime stepsOverdue stepsOnTimeRate playbookFirstResponseMinutesAfter } }"""
    metrics = (await api.data(query, token=w.operator.token))["incidentMetrics"]
    assert metrics == {
        "incidentsByLevel": {"1": 0, "2": 0, "3": 1},
        "openIncidents": 1,
        "medianFirstResponseMinutes": 28.0,
        "stepsDone": 1,
        "stepsOnTime": 1,
        "stepsOverdue": 1,
        "stepsOnTimeRate": 0.5,
        "playbookFirstResponseMinutesAfter": 28.0,
    }


RESOLVE = """
mutation($input: ResolveIncidentInput!) {
  resolveIncident(input: $input) { status resolutionReason undoneSteps steps { name doneAt } }
}
"""


async def _legal_incident_with_one_step_done(api: Api) -> tuple[Any, str]:
    w = await world(api)
    await complain(api, w.member, category="LEGAL")
    (incident,) = (await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]
    done = {"incidentId": incident["id"], "step": "FACTS_CONFIRMED", "done": True}
    await api.data(STEP, {"input": done}, token=w.operator.token)
    return w, incident["id"]


async def test_resolving_with_undone_steps_and_no_reason_names_them_and_writes_nothing(api: Api) -> None:
    w, incident_id = await _legal_incident_with_one_step_done(api)
    errors = await api.errors(RESOLVE, {"input": {"incidentId": incident_id}}, token=w.operator.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "reason"}
    assert "8 of 9 steps are not done" in errors[0]["message"]
    assert "LEGAL_COUNSEL" in errors[0]["message"]
    assert len((await api.data(INCIDENTS, {"status": "OPEN"}, token=w.operator.token))["incidents"]) == 1


async def test_resolving_with_undone_steps_and_a_reason_records_both(api: Api) -> None:
    w, incident_id = await _legal_incident_with_one_step_done(api)
    given = {"incidentId": incident_id, "reason": "false alarm: the post was satire"}
    resolved = (await api.data(RESOLVE, {"input": given}, token=w.operator.token))["resolveIncident"]
    assert (resolved["status"], resolved["resolutionReason"], len(resolved["undoneSteps"])) == (
        "RESOLVED",
        "false alarm: the post was satire",
        8,
    )
    assert "FACTS_CONFIRMED" not in resolved["undoneSteps"]
