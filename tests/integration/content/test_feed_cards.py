"""A feed's content cards are kept by content_service's process for CONTENT_CARD_TTL_SECONDS (its documented
staleness): a change written behind the service's back reaches them after that age and not before (the cache is
real); an edit, a status change or a moderation removal through the service reaches them at once; reads that are
not a feed's are never answered from the cache. The cache's clock is moved instead of sleeping."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import ViewerRef
from infra.kept_docs import KeptDocs
from tests.factories import Api
from tests.integration.content.support import World, content_app, world

AGE = 60.0
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) { items { content { id title status } } } }"
CONTENT = "query($id: ID!) { content(id: $id) { id title } }"
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
TRANSITION = "mutation($input: TransitionContentInput!) { transitionContent(input: $input) { status } }"


class Clock:
    """Monotonic seconds that move a little on every reading (so a write and a read are never at one moment) and
    jump when the test says."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def kept_cards(api: Api) -> tuple[KeptDocs, Clock]:
    cards: KeptDocs = content_app(api).state.store.pieces.cards
    clock = Clock()
    cards.ttl_seconds = AGE
    cards.clock = clock
    return cards, clock


def content_client(api: Api) -> ContentClient:
    assert api.app is not None
    client: ContentClient = api.app.state.services.content
    return client


async def card(api: Api, w: World, *, cached: bool = True) -> dict[str, Any]:
    (read,) = await content_client(api).lookup(
        w.community_id, [w.content_id], viewer=ViewerRef.member(w.member.id), cached=cached
    )
    assert read is not None
    return {"title": read.title, "status": read.status.value}


async def retitle_behind_the_service(api: Api, w: World, title: str) -> None:
    collection = content_app(api).state.store.pieces.content
    await collection.update_one({"_id": ObjectId(w.content_id)}, {"$set": {"title": title}})


async def test_a_kept_card_answers_within_its_age_and_is_read_again_after(api: Api) -> None:
    w = await world(api)
    _, clock = kept_cards(api)
    assert (await card(api, w))["title"] == "Chain lube"
    # when: the stored piece changes where the service cannot see it
    await retitle_behind_the_service(api, w, "Renamed")
    kept = await card(api, w)
    fresh = await card(api, w, cached=False)
    clock.now += AGE
    aged = await card(api, w)
    # then
    assert (kept["title"], fresh["title"], aged["title"]) == ("Chain lube", "Renamed", "Renamed")


async def test_the_feed_shows_kept_cards_and_a_content_read_does_not(api: Api) -> None:
    w = await world(api)
    kept_cards(api)
    items = (await api.data(FEED, token=w.operator.token))["feed"]["items"]
    assert {i["content"]["id"]: i["content"]["title"] for i in items}[w.content_id] == "Chain lube"
    # when
    await retitle_behind_the_service(api, w, "Renamed")
    feed = (await api.data(FEED, token=w.operator.token))["feed"]["items"]
    read = (await api.data(CONTENT, {"id": w.content_id}, token=w.operator.token))["content"]
    # then
    assert {i["content"]["id"]: i["content"]["title"] for i in feed}[w.content_id] == "Chain lube"
    assert read["title"] == "Renamed"


async def test_an_edit_through_the_service_reaches_kept_cards_at_once(api: Api) -> None:
    w = await world(api)
    kept_cards(api)
    assert (await card(api, w))["title"] == "Chain lube"
    # when
    await api.data(EDIT, {"input": {"contentId": w.content_id, "title": "Dry lube"}}, token=w.member.token)
    # then
    assert (await card(api, w))["title"] == "Dry lube"


async def test_a_moderation_removal_reaches_kept_cards_at_once(api: Api) -> None:
    w = await world(api)
    kept_cards(api)
    assert (await card(api, w))["status"] == "PUBLISHED"
    # when
    moved = await api.data(TRANSITION, {"input": {"contentId": w.content_id, "action": "HIDE"}}, token=w.operator.token)
    # then
    assert moved["transitionContent"]["status"] == "HIDDEN"
    assert (await card(api, w))["status"] == "HIDDEN"


async def test_a_publish_is_never_missing_from_cards() -> None:
    """Ids not kept are always read: only found pieces are kept, so a new one is never reported absent."""
    cards = KeptDocs(AGE)
    community, piece = ObjectId(), ObjectId()
    assert cards.get(community, [piece]) == {}
    cards.keep(community, [{"_id": piece, "title": "T"}], cards.started())
    assert cards.get(community, [piece, ObjectId()]) == {piece: {"_id": piece, "title": "T"}}


async def test_a_read_that_began_before_a_write_keeps_nothing() -> None:
    """A lookup that read between a write and its transaction's commit may hold the old piece: the write, and the
    commit after it, void it; another community's pieces stay kept."""
    cards = KeptDocs(AGE)
    community, other, piece, theirs = ObjectId(), ObjectId(), ObjectId(), ObjectId()
    transaction = Transaction()
    started = cards.started()
    cards.written(community, session=transaction)
    cards.keep(community, [{"_id": piece}], started)
    assert cards.get(community, [piece]) == {}
    # and a piece read after the write but before the commit is void once it commits
    cards.keep(community, [{"_id": piece}], cards.started())
    cards.keep(other, [{"_id": theirs}], cards.started())
    cards.committed(transaction)
    assert cards.get(community, [piece]) == {}
    assert cards.get(other, [theirs]) == {theirs: {"_id": theirs}}


class Transaction:
    """Stands for a transaction's session (any object the store writes with)."""


async def test_no_age_keeps_nothing() -> None:
    cards = KeptDocs(0.0)
    community, piece = ObjectId(), ObjectId()
    cards.keep(community, [{"_id": piece}], cards.started())
    assert cards.get(community, [piece]) == {}
