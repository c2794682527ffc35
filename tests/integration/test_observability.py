"""Request ids follow a request across services; health, readiness and metrics answer."""

from __future__ import annotations

from typing import Any

import pytest

from infra import service_app
from infra.service_app import RequestContextMiddleware
from tests.factories import ADMIN_KEY, Api, create_community, create_plan, register
from tests.integration.content.support import complain, world
from tests.integration.ingest import derived


async def test_health_and_readiness(api: Api) -> None:
    health = await api.http.get("/healthz")
    ready = await api.http.get("/readyz")
    assert (health.status_code, health.text) == (200, "ok")
    assert ready.json() == {
        "ready": True,
        "services": {"users": True, "content": True, "distribution": True, "billing": True},
    }


async def test_request_id_is_echoed_and_passed_to_services(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None]] = []
    original = RequestContextMiddleware.__call__

    async def recording(self: RequestContextMiddleware, scope: dict, receive: object, send: object) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            value = headers.get(b"x-request-id")
            seen.append((self.service, value.decode() if value else None))
        await original(self, scope, receive, send)  # type: ignore[arg-type]

    monkeypatch.setattr(RequestContextMiddleware, "__call__", recording)
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    seen.clear()
    response = await api.http.post(
        "/graphql",
        json={"query": "{ me { handle membership { status } } }"},
        headers={"Authorization": f"Bearer {bob.token}", "X-Request-ID": "trace-me-123"},
    )
    assert response.headers["x-request-id"] == "trace-me-123"
    assert ("gateway", "trace-me-123") in seen
    assert {service for service, rid in seen if rid == "trace-me-123"} == {"gateway", "users", "billing"}


def unmatched_gateway_requests(text: str) -> float:
    """Gateway requests labelled `route="unmatched"` so far (the registry is per process: other tests add to it)."""
    return sum(
        float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith("http_requests_total{") and 'route="unmatched",service="gateway"' in line
    )


async def test_metrics_count_operations_and_service_calls(api: Api) -> None:
    unmatched_before = unmatched_gateway_requests((await api.http.get("/metrics")).text)
    await create_community(api, "demo")
    text = (await api.http.get("/metrics")).text
    assert 'graphql_operations_total{operation="mutation.createCommunity",outcome="ok"}' in text
    assert 'service_call_duration_seconds_count{method="POST",outcome="ok",target="users"}' in text
    assert 'http_requests_total{method="POST",route="create_community",service="users",status="201"}' in text
    # The gateway's own requests are labelled by the GraphQL operation, not "unmatched".
    assert (
        'http_requests_total{method="POST",route="graphql:mutation.createCommunity",service="gateway",status="200"}'
        in text
    )
    assert unmatched_gateway_requests(text) == unmatched_before


async def test_metrics_label_unknown_root_fields_as_unknown(api: Api) -> None:
    await api.post("{ noSuchFieldAbc123 }")
    text = (await api.http.get("/metrics")).text
    assert "noSuchFieldAbc123" not in text
    assert 'graphql_operations_total{operation="query.unknown",outcome="error"}' in text


def sample(text: str, name: str, labels: str = "") -> float:
    """One sample of a metric from the exposition text (`labels` as printed, e.g. `outcome="succeeded"`)."""
    wanted = f"{name}{{{labels}}}" if labels else name
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        if series == wanted:
            return float(value)
    return 0.0


async def test_business_metrics_count_what_the_services_did(api: Api) -> None:
    counted = [
        ("feeds_served_total", 'ranker="heuristic"'),
        ("events_ingested_total", ""),
        ("event_write_group_recorders_count", ""),
        ("payments_settled_total", 'outcome="succeeded"'),
        ("incidents_opened_total", 'cause="LEGAL_RISK",level="3"'),
    ]
    before = (await api.http.get("/metrics")).text
    w = await world(api)
    reader = await register(api, "demo", "bob")
    plan_id = await create_plan(api, w.community_id)
    await api.data("{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { items { score } } }", token=reader.token)
    await api.data(
        "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }",
        {"i": {"contentId": w.content_id, "type": "OPEN"}},
        token=reader.token,
    )
    await derived(api)
    await api.data(
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { status } } }",
        {"i": {"planId": plan_id, "idempotencyKey": "metrics-1"}},
        token=reader.token,
    )
    await complain(api, w.member, category="LEGAL", text="defamation")
    after = (await api.http.get("/metrics")).text
    grown = {name: sample(after, name, labels) - sample(before, name, labels) for name, labels in counted}
    assert grown["events_ingested_total"] >= 1  # the open, and whatever the platform records itself
    assert grown["event_write_group_recorders_count"] >= 1  # the open's grouped transaction, and the platform's own
    assert grown | {"events_ingested_total": 1, "event_write_group_recorders_count": 1} == {
        "feeds_served_total": 1,
        "events_ingested_total": 1,
        "event_write_group_recorders_count": 1,
        "payments_settled_total": 1,
        "incidents_opened_total": 1,
    }


async def test_access_log_has_one_line_per_request_with_the_operation(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[tuple[str, dict[str, Any]]] = []

    class Recorder:
        def info(self, event: str, **fields: Any) -> None:
            lines.append((event, fields))

    monkeypatch.setattr(service_app, "access_log_enabled", lambda: True)
    monkeypatch.setattr(service_app, "log", Recorder())
    await api.http.post(
        "/graphql",
        json={"query": 'mutation { createCommunity(input: {slug: "demo", name: "Demo"}) { id } }'},
        headers={"X-API-Key": ADMIN_KEY, "X-Request-ID": "log-me-1"},
    )
    await api.http.get("/healthz")  # probes are not logged
    access = [fields for event, fields in lines if event == "access"]
    gateway = [line for line in access if line["path"] == "/graphql"]
    assert [(line["method"], line["status"], line["operation"]) for line in gateway] == [
        ("POST", 200, "mutation.createCommunity")
    ]
    assert gateway[0]["duration_ms"] >= 0
    assert {line["request_id"] for line in access} == {"log-me-1"}  # the gateway's and the services' lines
    assert {line["path"] for line in access} >= {"/graphql", "/communities"}
    assert "/healthz" not in {line["path"] for line in access}
