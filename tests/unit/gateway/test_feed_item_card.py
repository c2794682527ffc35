"""A feed item's `content` (gateway/graphql/distribution/types.py): the card read with the page is returned as it
is, no awaiting; an item without one (an inbox delivery's) loads it."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from content_service.schemas import ContentRead
from distribution_service.schemas import FeedItem as FeedItemRead
from distribution_service.schemas import FeedPage
from gateway.graphql.content.types import Content
from gateway.graphql.distribution.types import Feed

NOW = datetime(2026, 12, 6, tzinfo=UTC)
IDS = ["65a1b2c3d4e5f60718293a4b", "65a1b2c3d4e5f60718293a4c"]
PAGE = FeedPage(
    items=[FeedItemRead(content_id=i, score=1.0 - n, reasons={}, position=n) for n, i in enumerate(IDS)],
    model_version="m",
)


def card(content_id: str) -> ContentRead:
    return ContentRead(
        id=content_id,
        community_id="c1",
        author_id=None,
        kind="PGC",
        status="PUBLISHED",
        title=f"title {content_id}",
        body="b",
        tags=[],
        created_at=NOW,
        published_at=NOW,
    )


def test_an_items_card_read_with_the_page_is_its_content_at_once() -> None:
    feed = Feed.from_page(PAGE, "c1", [card(IDS[0]), None])
    first, removed = (item.content(cast(Any, None)) for item in feed.items)
    assert isinstance(first, Content)
    assert (first.id, first.title) == (IDS[0], f"title {IDS[0]}")
    assert removed is None  # removed after it was ranked


class Loader:
    def __init__(self) -> None:
        self.keys: list[tuple[str, str]] = []

    async def load(self, key: tuple[str, str]) -> ContentRead | None:
        self.keys.append(key)
        return card(key[1])


async def test_an_item_without_its_card_loads_it() -> None:
    (item, _) = Feed.from_page(PAGE, "c1").items
    loader = Loader()
    info = SimpleNamespace(context=SimpleNamespace(loaders=SimpleNamespace(feed_content_by_id=loader)))
    pending = item.content(cast(Any, info))
    assert inspect.isawaitable(pending)
    loaded = await pending
    assert isinstance(loaded, Content)
    assert loaded.id == IDS[0]
    assert loader.keys == [("c1", IDS[0])]
