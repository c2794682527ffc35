"""The exposure boost acts on feeds: a boosted piece ranks higher for the same member than it did unboosted."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, Member, create_community, grant, publish, register
from tests.integration.test_feed_serving import age

FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) {
    modelVersion items { score reasons { feature contribution } content { id } } } }
"""
BOOST = "mutation($input: GrantExposureBoostInput!) { grantExposureBoost(input: $input) { factor } }"


async def _scene(api: Api) -> tuple[Member, Member, str]:
    """Four authors' pieces; the one to boost is ten days old, so unboosted it ranks below the fresh ones."""
    cid = await create_community(api, "demo")
    reader, operator = await register(api, "demo", "reader"), await register(api, "demo", "olga")
    await grant(api, cid, "olga", "OPERATOR")
    pieces = [await publish(api, await register(api, "demo", f"author{i}"), f"piece {i}") for i in range(4)]
    age(api, [pieces[0]], 10)
    return reader, operator, pieces[0]


async def _feed(api: Api, member: Member) -> tuple[list[str], dict[str, Any]]:
    data: dict[str, Any] = (await api.data(FEED, token=member.token))["feed"]
    return [item["content"]["id"] for item in data["items"]], data


async def _boost(api: Api, operator: Member, content_id: str) -> None:
    result = await api.data(BOOST, {"input": {"contentId": content_id, "percent": 300}}, token=operator.token)
    assert result["grantExposureBoost"]["factor"] == 4.0


async def test_a_boosted_piece_rises_in_the_heuristic_feed_with_its_reason(api: Api) -> None:
    reader, operator, piece = await _scene(api)
    before, _ = await _feed(api, reader)
    assert before.index(piece) == len(before) - 1
    await _boost(api, operator, piece)
    after, data = await _feed(api, reader)
    assert after.index(piece) < before.index(piece)
    assert after[0] == piece
    reasons = {r["feature"]: r["contribution"] for r in data["items"][0]["reasons"]}
    assert round(reasons["exposure_boost"], 3) == 1.386  # ln 4: four times as likely to be picked first
