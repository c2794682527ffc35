"""content_service's rules: who may publish what, and reads scoped to one community."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId

from content_service.domain.kinds import REQUIRED_ROLE, may_publish, normalise_tags
from content_service.schemas import ContentCreate, ContentRead, ContentSummary
from content_service.store import ContentStore
from infra.errors import ForbiddenError, NotFoundError
from infra.schemas import object_id
from users_service.client import UsersClient

MAX_CANDIDATES = 2000


class ContentService:
    def __init__(self, store: ContentStore, users: UsersClient) -> None:
        self.store = store
        self.users = users

    async def publish(self, community_id: str, content_in: ContentCreate) -> ContentRead:
        cid = object_id(community_id, field="communityId")
        author = await self.users.get_member(community_id, content_in.author_id)
        if not may_publish(content_in.kind, author.roles):
            raise ForbiddenError(
                f"{content_in.kind} content needs the {REQUIRED_ROLE[content_in.kind]} role", field="kind"
            )
        return await self.store.create_content(
            community_id=cid,
            author_id=ObjectId(author.id),
            kind=content_in.kind,
            title=content_in.title,
            body=content_in.body,
            tags=normalise_tags(content_in.tags),
        )

    async def get_or_raise(self, community_id: str, content_id: str) -> ContentRead:
        content = await self.store.get_content(
            object_id(community_id, field="communityId"), object_id(content_id, field="contentId")
        )
        if content is None:
            raise NotFoundError(f"no content with id {content_id} in this community", field="contentId")
        return content

    async def lookup(self, community_id: str, content_ids: list[str]) -> list[ContentRead | None]:
        cid = object_id(community_id, field="communityId")
        found = await self.store.list_content_by_ids(cid, [ObjectId(i) for i in dict.fromkeys(content_ids)])
        return [found.get(i) for i in content_ids]

    async def candidates(self, community_id: str, *, limit: int) -> list[ContentSummary]:
        cid = object_id(community_id, field="communityId")
        return await self.store.list_published_summaries(cid, limit=max(1, min(limit, MAX_CANDIDATES)))

    async def counts_by_author(self, community_id: str, since: datetime | None) -> dict[str, dict[str, int]]:
        return await self.store.count_published_by_author(object_id(community_id, field="communityId"), since)
