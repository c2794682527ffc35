"""The three-way feedback system: votes, bullet comments, threaded comments, shares and topic co-creation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from content_service.domain.kinds import ContentKind
from infra.schemas import ApiInput, ApiModel, Id

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class VoteValue(StrEnum):
    UP = "UP"
    DOWN = "DOWN"


class VoteCast(ApiInput):
    member_id: Id
    value: VoteValue


class VoteTally(ApiModel):
    target_id: str
    up: int
    down: int
    score: int
    mine: VoteValue | None


class BulletCreate(ApiInput):
    member_id: Id
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    paragraph: Annotated[int, Field(ge=0)] | None = None
    media_ms: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _one_anchor(self) -> BulletCreate:
        if (self.paragraph is None) == (self.media_ms is None):
            raise ValueError("give exactly one anchor: paragraph or mediaMs")
        return self


class BulletRead(ApiModel):
    id: str
    content_id: str
    member_id: str
    text: str
    paragraph: int | None
    media_ms: int | None
    created_at: datetime


class BulletList(ApiModel):
    items: list[BulletRead]


class CommentCreate(ApiInput):
    member_id: Id
    text: Text
    parent_id: Id | None = None


class CommentRead(ApiModel):
    id: str
    content_id: str
    member_id: str
    parent_id: str | None
    thread_id: str
    depth: int
    text: str
    created_at: datetime


class CommentList(ApiModel):
    items: list[CommentRead]


class ShareCreate(ApiInput):
    member_id: Id
    channel: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = "link"


class ShareRead(ApiModel):
    id: str
    content_id: str
    channel: str
    shares: int


class TopicCreate(ApiInput):
    member_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    prompt: Text


class ContributionCreate(ApiInput):
    member_id: Id
    text: Text


class ContributionRead(ApiModel):
    id: str
    topic_id: str
    member_id: str
    text: str
    up: int
    down: int
    score: int
    created_at: datetime


class TopicRead(ApiModel):
    id: str
    title: str
    prompt: str
    status: str
    opened_by: str
    created_at: datetime
    content_id: str | None
    contributions: list[ContributionRead]


class TopicMerge(ApiInput):
    actor_id: Id
    contribution_ids: list[Id] = Field(min_length=1, max_length=100)
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = None
    kind: ContentKind = ContentKind.UGC
