"""Review probe: a feed whose cards cannot be read (content unavailable after the ranking) keeps its items, each
item's `content` null with its error, as before the page's cards were read in the feed resolver."""

from __future__ import annotations

from typing import Any

import pytest

from composition.topology import Topology
from content_service.schemas import ContentCreate
from infra.errors import UnavailableError
from tests.factories import Api, create_community, grant, register

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { decisionId items { contentId content { id } } } }"


async def test_a_feed_whose_cards_fail_still_answers_its_items(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    community_id = await create_community(api, "cardfail")
    author = await register(api, "cardfail", "author")
    await grant(api, community_id, author.handle, "EXPERT")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    for n in range(6):
        await services.content.publish(
            community_id, ContentCreate(author_id=author.id, title=f"Piece {n}", body="b", kind="PGC")
        )
    reader = await register(api, "cardfail", "reader")
    original = services.content.lookup

    async def cards_unavailable(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("cached"):  # the gateway's cards; distribution's own lookup (ranking features) still answers
            raise UnavailableError("content is down")
        return await original(*args, **kwargs)

    monkeypatch.setattr(services.content, "lookup", cards_unavailable)
    # when
    body = await api.post(FEED, token=reader.token)
    # then: the ranked page is answered (its decision was recorded), each card null with an UNAVAILABLE error
    assert body.get("errors"), body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAVAILABLE"}
    feed = body["data"]["feed"]
    assert feed is not None, body["errors"]
    assert len(feed["items"]) == 5
    assert all(item["content"] is None for item in feed["items"])
    assert sorted(e["path"] for e in body["errors"]) == [["feed", "items", n, "content"] for n in range(5)]
