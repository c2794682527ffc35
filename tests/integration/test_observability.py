"""Request ids follow a request across services; health, readiness and metrics answer."""

from __future__ import annotations

import pytest

from infra.service_app import RequestContextMiddleware
from tests.factories import Api, create_community, register


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


async def test_metrics_count_operations_and_service_calls(api: Api) -> None:
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
    assert 'route="unmatched",service="gateway"' not in text


async def test_metrics_label_unknown_root_fields_as_unknown(api: Api) -> None:
    await api.post("{ noSuchFieldAbc123 }")
    text = (await api.http.get("/metrics")).text
    assert "noSuchFieldAbc123" not in text
    assert 'graphql_operations_total{operation="query.unknown",outcome="error"}' in text
