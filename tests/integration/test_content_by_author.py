"""content_service's per-author aggregate (`ContentClient.counts_by_author`), which member value reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import Api, create_community, grant, publish, register


async def test_counts_published_content_per_author_and_kind_in_one_community(api: Api) -> None:
    cid = await create_community(api, "demo")
    other = await create_community(api, "other")
    alice = await register(api, "demo", "alice")
    await grant(api, cid, "alice", "EXPERT")
    bob = await register(api, "demo", "bob")
    olga = await register(api, "other", "olga")
    await publish(api, alice, "guide", kind="PGC")
    await publish(api, alice, "note")
    await publish(api, bob, "question")
    await publish(api, olga, "elsewhere")
    content = api.app.state.services.content  # type: ignore[union-attr]
    assert await content.counts_by_author(cid) == {alice.id: {"PGC": 1, "UGC": 1}, bob.id: {"UGC": 1}}
    assert await content.counts_by_author(other) == {olga.id: {"UGC": 1}}


async def test_counts_since_a_later_moment_are_empty(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    await publish(api, alice, "note")
    content = api.app.state.services.content  # type: ignore[union-attr]
    assert await content.counts_by_author(cid, since=datetime.now(UTC) + timedelta(minutes=1)) == {}
