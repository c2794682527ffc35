"""Cross-service fields resolve through DataLoaders: one batched call per service per response."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from composition.topology import Topology
from content_service.schemas import ContentCreate
from tests.factories import Api, create_community, create_plan, grant, register

FEED = """
{ feed(slot: EVENING, scene: AFTER_DECISION, first: 50) {
    items { content { id title author { handle membership { status plan { name } } } } } } }
"""


def spy(monkeypatch: pytest.MonkeyPatch, services: Topology, calls: Counter[str]) -> None:
    for service, method in (("users", "lookup_members"), ("content", "lookup"), ("billing", "lookup_memberships")):
        client = getattr(services, service)
        original = getattr(client, method)

        async def counted(
            *args: Any, _original: Any = original, _name: str = f"{service}.{method}", **kwargs: Any
        ) -> Any:
            calls[_name] += 1
            return await _original(*args, **kwargs)

        monkeypatch.setattr(client, method, counted)


async def test_feed_of_50_items_makes_one_call_per_service(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    authors = [await register(api, "demo", f"author{i}") for i in range(10)]
    for author in authors:
        await grant(api, community_id, author.handle, "EXPERT")
    for author in authors[:5]:
        await api.data(
            "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id } } }",
            {"i": {"planId": plan_id, "idempotencyKey": f"k-{author.handle}"}},
            token=author.token,
        )
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    for n in range(50):
        author = authors[n % 10]
        await services.content.publish(
            community_id, ContentCreate(author_id=author.id, title=f"Piece {n}", body="b", kind="PGC")
        )
    reader = await register(api, "demo", "reader")
    calls: Counter[str] = Counter()
    spy(monkeypatch, services, calls)
    # when
    data = await api.data(FEED, token=reader.token)
    # then
    items = data["feed"]["items"]
    assert len(items) == 50
    assert {i["content"]["author"]["handle"] for i in items} == {a.handle for a in authors}
    assert sum(1 for i in items if i["content"]["author"]["membership"]) == 25
    # users: one lookup for the caller and one for all 50 items' authors; content: the gateway's one for the 50
    # items and distribution's one for the candidates' facts and text (ranking features, service/feature_inputs.py);
    # billing one
    assert calls == Counter({"users.lookup_members": 2, "content.lookup": 2, "billing.lookup_memberships": 1})


FEED_BY_FRAGMENT = """
query { feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) { items { contentId ...Card } } }
fragment Card on FeedItem { card: content { id title } }
"""


async def test_a_feeds_cards_are_read_with_its_page_whatever_the_selection(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed reads its page's cards in one lookup when the selection reaches `content` (here through a named
    fragment and an alias): each item's card is its own, in the page's order."""
    community_id = await create_community(api, "frag")
    author = await register(api, "frag", "author")
    await grant(api, community_id, author.handle, "EXPERT")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    titles = {}
    for n in range(12):
        piece = await services.content.publish(
            community_id, ContentCreate(author_id=author.id, title=f"Piece {n}", body="b", kind="PGC")
        )
        titles[piece.id] = piece.title
    reader = await register(api, "frag", "reader")
    calls: Counter[str] = Counter()
    spy(monkeypatch, services, calls)
    # when
    items = (await api.data(FEED_BY_FRAGMENT, token=reader.token))["feed"]["items"]
    # then
    assert len(items) == 10
    assert all(i["card"] == {"id": i["contentId"], "title": titles[i["contentId"]]} for i in items)
    assert calls["content.lookup"] == 2  # the gateway's one for the page, distribution's one for the candidates
