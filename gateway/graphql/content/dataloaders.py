"""Loaders of content pieces, one instance per request, each for the request's caller (the paywall's viewer)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from content_service.client import ContentClient
from content_service.schemas import ContentRead, ViewerRef
from gateway.graphql.loaders import Key, scoped_batch


class ContentByIdLoader(DataLoader[Key, ContentRead | None]):
    def __init__(self, content: ContentClient, viewer: ViewerRef) -> None:
        async def lookup(community_id: str, ids: list[str]) -> list[ContentRead | None]:
            return await content.lookup(community_id, ids, viewer=viewer)

        super().__init__(load_fn=scoped_batch(lookup))
