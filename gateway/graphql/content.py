"""Content: publish, and read one item."""

from __future__ import annotations

import strawberry

from content_service.schemas import ContentCreate
from gateway.context import Info
from gateway.graphql.enums import ContentKind
from gateway.graphql.types import Content
from infra.errors import NotFoundError
from infra.schemas import object_id


@strawberry.input
class PublishContentInput:
    title: str
    body: str
    kind: ContentKind = ContentKind.UGC
    tags: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class ContentQuery:
    @strawberry.field(description="One item of the caller's community.")
    async def content(self, info: Info, id: strawberry.ID) -> Content | None:
        member = await info.context.require_member()
        object_id(str(id), field="id")
        try:
            read = await info.context.services.content.get(member.community_id, str(id), viewer_id=member.id)
        except NotFoundError as exc:
            raise NotFoundError(f"no content with id {id} in this community", field="id") from exc
        return Content.from_read(read)


@strawberry.type
class ContentMutation:
    @strawberry.mutation(description="PGC needs the EXPERT role, COMMERCIAL the OPERATOR role; UGC any member.")
    async def publish_content(self, info: Info, input: PublishContentInput) -> Content:
        member = await info.context.require_member()
        content_in = ContentCreate(
            author_id=member.id, title=input.title, body=input.body, kind=input.kind.value, tags=input.tags
        )
        return Content.from_read(await info.context.services.content.publish(member.community_id, content_in))
