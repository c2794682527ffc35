"""Query cost at the edge: over the maximum or the budget is refused before any resolver runs; cost is reported."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.factories import PUBLISH, Api, count_documents, create_community, publish, register

FEED_100 = "feed(slot: MORNING, scene: BEFORE_DECISION, first: 100) { items { content { title author { handle } } } }"


def publish_input(title: str) -> dict[str, Any]:
    return {"input": {"title": title, "body": f"{title} body", "kind": "UGC", "tags": []}}


async def test_every_response_carries_its_cost(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    body = await api.post("{ me { id handle } }", token=bob.token)
    cost = body["extensions"]["cost"]
    assert cost["requested"] == 1
    assert cost["maximum"] == api.settings.query_cost_max
    assert 0 < cost["remaining"] < 20000


TWO_PUBLISHES = """
mutation Two($a: PublishContentInput!, $b: PublishContentInput!) {
  a: publishContent(input: $a) { id }
  b: publishContent(input: $b) { id }
}"""


async def test_over_the_maximum_is_refused_before_any_resolver_runs(gateway_with: Any) -> None:
    async with gateway_with(query_cost_max=20) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        variables = {"a": publish_input("one")["input"], "b": publish_input("two")["input"]}
        body = await api.post(TWO_PUBLISHES, variables, token=bob.token)
        stored = count_documents(api.settings, "content", "content")
    assert stored == 0
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 22, "maximum": 20}
    assert "query cost 22 is over the maximum of 20" in error["message"]


async def test_thirty_aliased_full_feeds_are_one_refused_request(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    query = "{ " + " ".join(f"f{i}: {FEED_100}" for i in range(30)) + " }"
    errors = await api.errors(query, token=bob.token)
    assert errors[0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert count_documents(api.settings, "distribution", "decisions") == 0


async def test_a_spent_budget_is_rate_limited_and_writes_nothing(gateway_with: Any) -> None:
    async with gateway_with(query_cost_per_member="30/minute") as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        await publish(api, bob, "first")  # 11 points
        await publish(api, bob, "second")  # 22
        response = await api.http.post(
            "/graphql",
            json={"query": PUBLISH, "variables": publish_input("third")},
            headers={"Authorization": f"Bearer {bob.token}"},
        )
        stored = count_documents(api.settings, "content", "content")
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert stored == 2


async def test_cheap_calls_are_not_refused_at_601_a_minute(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    for _ in range(601):
        body = await api.post("{ me { id } }", token=bob.token)
        assert "errors" not in body, body


async def test_switching_limits_off_keeps_the_maximum(gateway_with: Any) -> None:
    async with gateway_with(rate_limits_enabled=False, query_cost_per_member="1/minute", query_cost_max=20) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        cheap = [await api.post("{ me { id } }", token=bob.token) for _ in range(3)]
        variables = {"a": publish_input("one")["input"], "b": publish_input("two")["input"]}
        dear = await api.post(TWO_PUBLISHES, variables, token=bob.token)
    assert all("errors" not in body for body in cheap)
    assert dear["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


async def test_heavy_operations_answer_through_the_lane_one_at_a_time(gateway_with: Any) -> None:
    # A lane threshold of 2 points makes two aliased `me` heavy (cheap to run, so the test stays fast).
    async with gateway_with(query_cost_lane_threshold=2, query_cost_lane_slots=1) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        heavy = "{ a: me { handle } b: me { id } }"
        bodies = await asyncio.gather(*(api.post(heavy, token=bob.token) for _ in range(3)))
        cheap = await api.post("{ me { handle } }", token=bob.token)
        lane = api.app.state.cost_lane if api.app else None
    for body in bodies:
        assert "errors" not in body, body
        assert body["extensions"]["cost"]["requested"] == 2
        assert body["data"]["a"]["handle"] == "bob"
    assert cheap["data"]["me"]["handle"] == "bob"
    assert lane is not None
    assert (lane.peak, lane.running) == (1, 0)


async def test_a_paced_heavy_operation_yields_to_cheap_ones_and_completes(gateway_with: Any) -> None:
    # Three aliased feeds over a lane threshold of 50 points: heavy, paced to half the time while a cheap client runs.
    # Budgets off: the cheap client asks as fast as the loop lets it and would exhaust its per-member budget.
    async with gateway_with(query_cost_lane_threshold=50, query_cost_lane_share=0.5, rate_limits_enabled=False) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        reader = await register(api, "demo", "reader")
        for n in range(3):
            await publish(api, bob, f"piece {n}")
        lane = api.app.state.cost_lane if api.app else None
        assert lane is not None
        feed = "feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { items { content { title } } }"
        heavy = "{ " + " ".join(f"f{i}: {feed}" for i in range(3)) + " }"
        finished, started = asyncio.Event(), asyncio.Event()

        async def cheap_client() -> list[dict[str, Any]]:
            answers = []
            while not finished.is_set():
                answers.append(await api.post("{ __typename }", token=bob.token))
                started.set()
                await asyncio.sleep(0)  # in process, a cheap request may never wait: the loop's other tasks run here
            return answers

        cheap = asyncio.create_task(cheap_client())
        await started.wait()  # the cheap client is about before the heavy operation starts
        body = await api.post(heavy, token=reader.token)
        finished.set()
        answers = await cheap
    assert "errors" not in body, body
    assert body["extensions"]["cost"]["requested"] >= 50
    for alias in ("f0", "f1", "f2"):
        assert sorted(i["content"]["title"] for i in body["data"][alias]["items"]) == ["piece 0", "piece 1", "piece 2"]
    # Its service calls (the member, three ranked pages, the content lookups) were steps taken one at a time, and
    # the ones that met the cheap client paused after.
    assert lane.pacer.steps >= 4
    assert lane.pacer.pauses >= 1
    assert all(a.get("data") == {"__typename": "Query"} for a in answers), [
        a for a in answers if a.get("data") != {"__typename": "Query"}
    ][:3]
