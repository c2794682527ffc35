"""Loaders of content pieces, one instance per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from content_service.client import ContentClient
from content_service.schemas import ContentRead
from gateway.graphql.loaders import Key, scoped_batch


class ContentByIdLoader(DataLoader[Key, ContentRead | None]):
    def __init__(self, content: ContentClient) -> None:
        super().__init__(load_fn=scoped_batch(content.lookup))
