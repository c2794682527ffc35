"""The three-way feedback system: votes, bullet comments, threaded comments, shares and topic co-creation."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from content_service.interaction.schemas import (
    BulletCreate,
    BulletRead,
    CommentCreate,
    CommentRead,
    ContributionCreate,
    ContributionRead,
    ShareCreate,
    TopicCreate,
    TopicMerge,
    TopicRead,
    VoteCast,
    VoteTally,
)
from gateway.context import Info
from gateway.graphql.enums import ContentKind
from gateway.graphql.pagination import check_first
from gateway.graphql.types import Content
from infra.schemas import object_id


@strawberry.enum
class VoteValue(Enum):
    UP = "UP"
    DOWN = "DOWN"


@strawberry.type(description="Exact counts; `mine` is the caller's current vote.")
class Votes:
    target_id: strawberry.ID
    up: int
    down: int
    score: int
    mine: VoteValue | None

    @staticmethod
    def from_read(r: VoteTally) -> Votes:
        return Votes(
            target_id=strawberry.ID(r.target_id),
            up=r.up,
            down=r.down,
            score=r.score,
            mine=VoteValue(r.mine.value) if r.mine else None,
        )


@strawberry.type(description="A short comment anchored to a paragraph (0-based) or a media time in milliseconds.")
class BulletComment:
    id: strawberry.ID
    content_id: strawberry.ID
    member_id: strawberry.ID
    text: str
    paragraph: int | None
    media_ms: int | None
    created_at: datetime

    @staticmethod
    def from_read(r: BulletRead) -> BulletComment:
        return BulletComment(
            id=strawberry.ID(r.id),
            content_id=strawberry.ID(r.content_id),
            member_id=strawberry.ID(r.member_id),
            text=r.text,
            paragraph=r.paragraph,
            media_ms=r.media_ms,
            created_at=r.created_at,
        )


@strawberry.type
class Comment:
    id: strawberry.ID
    content_id: strawberry.ID
    member_id: strawberry.ID
    parent_id: strawberry.ID | None
    thread_id: strawberry.ID
    depth: int
    text: str
    created_at: datetime

    @staticmethod
    def from_read(r: CommentRead) -> Comment:
        return Comment(
            id=strawberry.ID(r.id),
            content_id=strawberry.ID(r.content_id),
            member_id=strawberry.ID(r.member_id),
            parent_id=strawberry.ID(r.parent_id) if r.parent_id else None,
            thread_id=strawberry.ID(r.thread_id),
            depth=r.depth,
            text=r.text,
            created_at=r.created_at,
        )


@strawberry.type
class ShareResult:
    id: strawberry.ID
    content_id: strawberry.ID
    channel: str
    shares: int


@strawberry.type
class Contribution:
    id: strawberry.ID
    member_id: strawberry.ID
    text: str
    up: int
    down: int
    score: int
    created_at: datetime

    @staticmethod
    def from_read(r: ContributionRead) -> Contribution:
        return Contribution(
            id=strawberry.ID(r.id),
            member_id=strawberry.ID(r.member_id),
            text=r.text,
            up=r.up,
            down=r.down,
            score=r.score,
            created_at=r.created_at,
        )


@strawberry.type(description="A co-creation topic; contributions best-voted first.")
class Topic:
    id: strawberry.ID
    title: str
    prompt: str
    status: str
    opened_by: strawberry.ID
    created_at: datetime
    content_id: strawberry.ID | None
    ranked: strawberry.Private[list[Contribution]]

    @strawberry.field(description="Best-voted first, at most `first` (up to 100).")
    def contributions(self, first: int = 100) -> list[Contribution]:
        return self.ranked[: check_first(first)]

    @staticmethod
    def from_read(r: TopicRead) -> Topic:
        return Topic(
            id=strawberry.ID(r.id),
            title=r.title,
            prompt=r.prompt,
            status=r.status,
            opened_by=strawberry.ID(r.opened_by),
            created_at=r.created_at,
            content_id=strawberry.ID(r.content_id) if r.content_id else None,
            ranked=[Contribution.from_read(c) for c in r.contributions],
        )


@strawberry.input
class VoteContentInput:
    content_id: strawberry.ID
    value: VoteValue


@strawberry.input
class AddBulletCommentInput:
    content_id: strawberry.ID
    text: str
    paragraph: int | None = None
    media_ms: int | None = None


@strawberry.input
class AddCommentInput:
    content_id: strawberry.ID
    text: str
    parent_id: strawberry.ID | None = None


@strawberry.input
class ShareContentInput:
    content_id: strawberry.ID
    channel: str = "link"


@strawberry.input
class OpenTopicInput:
    title: str
    prompt: str


@strawberry.input
class ContributeToTopicInput:
    topic_id: strawberry.ID
    text: str


@strawberry.input
class VoteContributionInput:
    contribution_id: strawberry.ID
    value: VoteValue


@strawberry.input
class MergeTopicInput:
    topic_id: strawberry.ID
    contribution_ids: list[strawberry.ID]
    title: str | None = None
    kind: ContentKind = ContentKind.UGC


@strawberry.type
class InteractionQuery:
    @strawberry.field
    async def content_votes(self, info: Info, content_id: strawberry.ID) -> Votes:
        member = await info.context.require_member()
        object_id(str(content_id), field="contentId")
        tally = await info.context.services.content.tally(
            member.community_id, str(content_id), member_id=member.id, viewer_id=member.id
        )
        return Votes.from_read(tally)

    @strawberry.field(description="Bullet comments in a position window, for overlay display.")
    async def bullet_comments(
        self,
        info: Info,
        content_id: strawberry.ID,
        paragraph_from: int | None = None,
        paragraph_to: int | None = None,
        ms_from: int | None = None,
        ms_to: int | None = None,
        first: int = 100,
    ) -> list[BulletComment]:
        member = await info.context.require_member()
        items = await info.context.services.content.list_bullets(
            member.community_id,
            str(content_id),
            paragraph_from=paragraph_from,
            paragraph_to=paragraph_to,
            ms_from=ms_from,
            ms_to=ms_to,
            limit=check_first(first),
            viewer_id=member.id,
        )
        return [BulletComment.from_read(b) for b in items]

    @strawberry.field(description="Threaded comments in order; each names its parent, thread and depth.")
    async def comments(self, info: Info, content_id: strawberry.ID, first: int = 100) -> list[Comment]:
        member = await info.context.require_member()
        items = await info.context.services.content.list_comments(
            member.community_id, str(content_id), limit=check_first(first), viewer_id=member.id
        )
        return [Comment.from_read(c) for c in items]

    @strawberry.field
    async def topic(self, info: Info, id: strawberry.ID) -> Topic:
        member = await info.context.require_member()
        object_id(str(id), field="id")
        return Topic.from_read(await info.context.services.content.get_topic(member.community_id, str(id)))


@strawberry.type
class InteractionMutation:
    @strawberry.mutation(description="One vote per member per item; voting again replaces the earlier vote.")
    async def vote_content(self, info: Info, input: VoteContentInput) -> Votes:
        member = await info.context.require_member()
        cast = VoteCast(member_id=member.id, value=input.value.value)
        return Votes.from_read(
            await info.context.services.content.vote(member.community_id, str(input.content_id), cast)
        )

    @strawberry.mutation(description="Anchor by `paragraph` or `mediaMs` (one of them); past the end is refused.")
    async def add_bullet_comment(self, info: Info, input: AddBulletCommentInput) -> BulletComment:
        member = await info.context.require_member()
        bullet = BulletCreate(member_id=member.id, text=input.text, paragraph=input.paragraph, media_ms=input.media_ms)
        read = await info.context.services.content.add_bullet(member.community_id, str(input.content_id), bullet)
        return BulletComment.from_read(read)

    @strawberry.mutation
    async def add_comment(self, info: Info, input: AddCommentInput) -> Comment:
        member = await info.context.require_member()
        comment = CommentCreate(
            member_id=member.id, text=input.text, parent_id=str(input.parent_id) if input.parent_id else None
        )
        read = await info.context.services.content.add_comment(member.community_id, str(input.content_id), comment)
        return Comment.from_read(read)

    @strawberry.mutation
    async def share_content(self, info: Info, input: ShareContentInput) -> ShareResult:
        member = await info.context.require_member()
        r = await info.context.services.content.share(
            member.community_id, str(input.content_id), ShareCreate(member_id=member.id, channel=input.channel)
        )
        return ShareResult(
            id=strawberry.ID(r.id), content_id=strawberry.ID(r.content_id), channel=r.channel, shares=r.shares
        )

    @strawberry.mutation
    async def open_topic(self, info: Info, input: OpenTopicInput) -> Topic:
        member = await info.context.require_member()
        topic = TopicCreate(member_id=member.id, title=input.title, prompt=input.prompt)
        return Topic.from_read(await info.context.services.content.open_topic(member.community_id, topic))

    @strawberry.mutation
    async def contribute_to_topic(self, info: Info, input: ContributeToTopicInput) -> Contribution:
        member = await info.context.require_member()
        body = ContributionCreate(member_id=member.id, text=input.text)
        read = await info.context.services.content.contribute(member.community_id, str(input.topic_id), body)
        return Contribution.from_read(read)

    @strawberry.mutation
    async def vote_contribution(self, info: Info, input: VoteContributionInput) -> Votes:
        member = await info.context.require_member()
        cast = VoteCast(member_id=member.id, value=input.value.value)
        tally = await info.context.services.content.vote_contribution(
            member.community_id, str(input.contribution_id), cast
        )
        return Votes.from_read(tally)

    @strawberry.mutation(description="Publish the chosen contributions as one piece crediting every contributor.")
    async def merge_topic(self, info: Info, input: MergeTopicInput) -> Content:
        member = await info.context.require_member()
        merge = TopicMerge(
            actor_id=member.id,
            contribution_ids=[str(i) for i in input.contribution_ids],
            title=input.title,
            kind=input.kind.value,
        )
        content_id = await info.context.services.content.merge_topic(member.community_id, str(input.topic_id), merge)
        return Content.from_read(await info.context.services.content.get(member.community_id, content_id))
