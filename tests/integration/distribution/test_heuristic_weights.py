"""The fallback ranker (no promoted model) follows the operator's `RANKING_HEURISTIC_*` settings: by default a
fresh, quiet piece leads an older, busy one; with heuristic-2's engagement weight, or a half-life that barely
fades, the busy one leads, and the feed names the weights that ranked it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import Api, create_community, publish, register
from tests.integration.ingest import derived
from tests.integration.test_feed_serving import age

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) { modelVersion items { content { id } } } }"
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"


async def ranked(api: Api) -> tuple[str, list[str], tuple[str, str]]:
    """A community with a 3-day-old piece that five members shared and a new piece nobody touched: the feed of
    a sixth member (model version, item ids), and the two pieces (busy, quiet)."""
    await create_community(api, "demo")
    author = await register(api, "demo", "author")
    busy, quiet = await publish(api, author, "Busy"), await publish(api, author, "Quiet")
    age(api, [busy], days=3)
    for k in range(5):
        fan = await register(api, "demo", f"fan{k}")
        await api.data(RECORD, {"i": {"contentId": busy, "type": "SHARE"}}, token=fan.token)
    await derived(api)
    reader = await register(api, "demo", "reader")
    page = (await api.data(FEED, token=reader.token))["feed"]
    return page["modelVersion"], [i["content"]["id"] for i in page["items"]], (busy, quiet)


@pytest.mark.parametrize(
    ("overrides", "version", "first"),
    [
        ({}, "heuristic-3", "quiet"),
        ({"ranking_heuristic_engagement": 1.0}, "heuristic-3(engagement=1.0)", "busy"),
        # Freshness that barely fades: the busy piece's 0.03 of engagement outweighs 3 days of it.
        ({"ranking_heuristic_half_life_days": 365.0}, "heuristic-3(half_life_days=365.0)", "busy"),
    ],
)
async def test_the_fallback_ranks_with_the_operators_weights(
    gateway_with: Callable[..., Any], overrides: dict[str, float], version: str, first: str
) -> None:
    async with gateway_with(**overrides) as api:
        model_version, shown, (busy, quiet) = await ranked(api)
    assert model_version == version
    assert shown == ([quiet, busy] if first == "quiet" else [busy, quiet])
