"""Object types of member interaction with content: votes, comments, bullet comments, shares, co-creation topics."""

from __future__ import annotations

from datetime import datetime

import strawberry

from content_service.schemas import (
    BulletRead,
    CommentRead,
    ContributionRead,
    TopicRead,
    VoteTally,
)
from gateway.context import Info
from gateway.graphql.content.enums import (
    VoteValue,
)
from gateway.graphql.content.types import Content
from gateway.graphql.links import content_link, member_link
from gateway.graphql.pagination import check_first
from gateway.graphql.users.types import User


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
            mine=r.mine if r.mine else None,
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

    @strawberry.field(description="The commenter; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The piece the comment overlays (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)

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

    @strawberry.field(description="The commenter; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The piece commented on (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)

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

    @strawberry.field(description="The contributor; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

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
