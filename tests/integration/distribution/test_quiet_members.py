"""A member with no engagement (no member_recent document, nothing in their last day's events) is not asked again
for QUIET_MEMBER_SECONDS (at most the pool's age): their first engagement reaches their feed within that, as
everyone's later ones reach it after the ingest lag. The ingest worker is off here, so only the feed's own read of
the member's events can see the engagement; the reader's clock is moved instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distribution_service.service.pool_reader import QUIET_MEMBER_SECONDS
from tests.factories import Api, Member, create_community, publish, register
from tests.integration.distribution.test_pool_cache import cached_pools

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) { items { content { id } } } }"
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { eventId } }"


async def shown(api: Api, member: Member) -> set[str]:
    return {i["content"]["id"] for i in (await api.data(FEED, token=member.token))["feed"]["items"]}


async def test_a_quiet_members_first_engagement_reaches_the_feed_within_the_window(
    gateway_with: Callable[..., Any],
) -> None:
    api: Api
    async with gateway_with(ingest_interval_seconds=0) as api:  # the worker never derives here
        await create_community(api, "demo")
        reader, ann = await register(api, "demo", "reader"), await register(api, "demo", "ann")
        piece = await publish(api, ann, "Piece", tags=["chains"])
        other = await publish(api, ann, "Other", tags=["chains"])
        clock = cached_pools(api)
        assert await shown(api, reader) == {piece, other}
        # when: the reader opens the piece (an engaged item leaves their feed as seen)
        await api.data(RECORD, {"i": {"contentId": piece, "type": "OPEN"}}, token=reader.token)
        within = await shown(api, reader)
        clock.now += QUIET_MEMBER_SECONDS
        after = await shown(api, reader)
        # then: not read again within the window (the cache is real), read after it
        assert within == {piece, other}
        assert after == {other}


async def test_a_member_is_read_every_time_when_pools_are_not_shared(api: Api) -> None:
    """APP_ENV=test shares no pool (RANKING_POOL_TTL_SECONDS 0): a first engagement shows at once."""
    await create_community(api, "demo")
    reader, ann = await register(api, "demo", "reader"), await register(api, "demo", "ann")
    piece = await publish(api, ann, "Piece", tags=["chains"])
    assert piece in await shown(api, reader)
    await api.data(RECORD, {"i": {"contentId": piece, "type": "OPEN"}}, token=reader.token)
    assert piece not in await shown(api, reader)
