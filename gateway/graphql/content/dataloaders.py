"""Loaders of content pieces, one instance per request, each for the request's caller (the paywall's viewer)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from content_service.client import ContentClient
from content_service.schemas import ContentRead, ViewerRef
from gateway.graphql.loaders import Key, scoped_batch

# Items per content lookup. A maximum-cost query's 23 ranked pages ask for up to 2,300 items: read in one lookup, their
# decoding, paywall and validation ran as one stretch of the event loop, every other request waiting behind it.
# In lookups of this many, each answer lands on its own and the loop serves others between them.
LOOKUP_BATCH = 100


class ContentByIdLoader(DataLoader[Key, ContentRead | None]):
    """`cached=True`: the pieces as content_service's process kept them, up to CONTENT_CARD_TTL_SECONDS old (a
    feed's cards); the paywall decides for the viewer either way."""

    def __init__(
        self, content: ContentClient, viewer: ViewerRef, *, batch: int = LOOKUP_BATCH, cached: bool = False
    ) -> None:
        async def lookup(community_id: str, ids: list[str]) -> list[ContentRead | None]:
            return await content.lookup(community_id, ids, viewer=viewer, cached=cached)

        super().__init__(load_fn=scoped_batch(lookup), max_batch_size=batch)
