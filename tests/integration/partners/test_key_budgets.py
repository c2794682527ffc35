"""Per-key budgets: RateLimit-* headers on every answer to a key, RATE_LIMITED with Retry-After past them."""

from __future__ import annotations

import socket
from typing import Any

from tests.integration.partners.support import TIER_DISTRIBUTION, create_key, tenant


async def _ask(api: Any, secret: str) -> Any:
    body = {"query": TIER_DISTRIBUTION, "variables": {}}
    return await api.http.post("/graphql", json=body, headers={"Authorization": f"Bearer {secret}"})


async def test_request_budget_counts_down_in_headers_then_refuses(gateway_with: Any) -> None:
    async with gateway_with(partner_requests_per_key="3/minute") as api:
        acme = await tenant(api, "acme")
        secret, _ = await create_key(api, acme.operator, ["analytics:read"])

        answers = [await _ask(api, secret) for _ in range(4)]

    assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"3"}
    assert all(int(a.headers["RateLimit-Reset"]) >= 1 for a in answers)
    refused = answers[3]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_cost_budget_refuses_an_operation_over_what_remains(gateway_with: Any) -> None:
    # tierDistribution costs 60 points (weight 3 x an unpaged list of 20).
    async with gateway_with(partner_cost_per_key="150/minute") as api:
        acme = await tenant(api, "acme")
        secret, _ = await create_key(api, acme.operator, ["analytics:read"])

        answers = [await _ask(api, secret) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["90", "30", "30"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"150"}
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "Retry-After" in answers[2].headers


async def test_keys_have_budgets_of_their_own(gateway_with: Any) -> None:
    async with gateway_with(partner_requests_per_key="1/minute") as api:
        acme = await tenant(api, "acme")
        one, _ = await create_key(api, acme.operator, ["analytics:read"])
        two, _ = await create_key(api, acme.operator, ["analytics:read"])

        first = await _ask(api, one)
        refused = await _ask(api, one)
        other = await _ask(api, two)

    assert (first.status_code, refused.status_code, other.status_code) == (200, 429, 200)


async def test_member_tokens_carry_no_key_headers(api: Any) -> None:
    acme = await tenant(api, "acme")

    body = {"query": TIER_DISTRIBUTION, "variables": {}}
    answer = await api.http.post("/graphql", json=body, headers={"Authorization": f"Bearer {acme.operator.token}"})

    assert answer.status_code == 200
    assert "RateLimit-Limit" not in answer.headers


async def test_users_service_down_answers_unavailable_for_a_key(gateway_with: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with gateway_with(users_service_url=f"http://127.0.0.1:{port}", service_timeout_seconds=2) as api:
        answer = await _ask(api, "cpk_" + "x" * 43)

    assert answer.status_code == 503
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
