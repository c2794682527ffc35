"""ContentClient's interaction calls (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from typing import Any

from content_service.schemas.interaction import (
    BulletCreate,
    BulletList,
    BulletRead,
    CommentCreate,
    CommentList,
    CommentRead,
    ContributionCreate,
    ContributionRead,
    ShareCreate,
    ShareRead,
    TopicCreate,
    TopicMerge,
    TopicRead,
    VoteCast,
    VoteTally,
)
from infra.http import ServiceClient
from infra.paths import community_path, segment


class InteractionCalls(ServiceClient):
    async def vote(self, community_id: str, content_id: str, cast: VoteCast) -> VoteTally:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/votes"
        body = await self._call("PUT", path, json=cast.to_wire())
        return VoteTally.model_validate(body)

    async def tally(
        self, community_id: str, content_id: str, *, member_id: str | None = None, viewer_id: str | None = None
    ) -> VoteTally:
        """A piece's votes (`mine` for `member_id`); with `viewer_id`, NOT_FOUND unless that member may read it."""
        params = {k: v for k, v in (("memberId", member_id), ("viewerId", viewer_id)) if v}
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/votes"
        body = await self._call("GET", path, params=params)
        return VoteTally.model_validate(body)

    async def add_bullet(self, community_id: str, content_id: str, bullet: BulletCreate) -> BulletRead:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/bullet-comments"
        return BulletRead.model_validate(await self._call("POST", path, json=bullet.to_wire()))

    async def list_bullets(
        self, community_id: str, content_id: str, *, viewer_id: str | None = None, **window: int | None
    ) -> list[BulletRead]:
        names = {
            "paragraph_from": "paragraphFrom",
            "paragraph_to": "paragraphTo",
            "ms_from": "msFrom",
            "ms_to": "msTo",
            "limit": "limit",
        }
        params: dict[str, Any] = {names[k]: v for k, v in window.items() if v is not None}
        if viewer_id:
            params["viewerId"] = viewer_id
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/bullet-comments"
        return BulletList.model_validate(await self._call("GET", path, params=params)).items

    async def add_comment(self, community_id: str, content_id: str, comment: CommentCreate) -> CommentRead:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/comments"
        return CommentRead.model_validate(await self._call("POST", path, json=comment.to_wire()))

    async def list_comments(
        self, community_id: str, content_id: str, *, limit: int = 100, viewer_id: str | None = None
    ) -> list[CommentRead]:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/comments"
        params: dict[str, Any] = {"limit": limit}
        if viewer_id:
            params["viewerId"] = viewer_id
        return CommentList.model_validate(await self._call("GET", path, params=params)).items

    async def share(self, community_id: str, content_id: str, share: ShareCreate) -> ShareRead:
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/shares"
        return ShareRead.model_validate(await self._call("POST", path, json=share.to_wire()))

    async def open_topic(self, community_id: str, topic: TopicCreate) -> TopicRead:
        path = f"{community_path(community_id)}/topics"
        return TopicRead.model_validate(await self._call("POST", path, json=topic.to_wire()))

    async def get_topic(self, community_id: str, topic_id: str) -> TopicRead:
        path = f"{community_path(community_id)}/topics/{segment(topic_id, field='topicId')}"
        return TopicRead.model_validate(await self._call("GET", path))

    async def contribute(self, community_id: str, topic_id: str, body: ContributionCreate) -> ContributionRead:
        path = f"{community_path(community_id)}/topics/{segment(topic_id, field='topicId')}/contributions"
        return ContributionRead.model_validate(await self._call("POST", path, json=body.to_wire()))

    async def vote_contribution(self, community_id: str, contribution_id: str, cast: VoteCast) -> VoteTally:
        path = f"{community_path(community_id)}/contributions/{segment(contribution_id, field='contributionId')}/votes"
        return VoteTally.model_validate(await self._call("PUT", path, json=cast.to_wire()))

    async def merge_topic(self, community_id: str, topic_id: str, merge: TopicMerge) -> str:
        path = f"{community_path(community_id)}/topics/{segment(topic_id, field='topicId')}/merge"
        body = await self._call("POST", path, json=merge.to_wire())
        return str(body["contentId"])
