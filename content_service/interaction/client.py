"""ContentClient's interaction calls."""

from __future__ import annotations

from typing import Any

from content_service.interaction.schemas import (
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
from infra.schemas import seg


class InteractionCalls(ServiceClient):
    def _c(self, community_id: str, rest: str) -> str:
        return f"/communities/{seg(community_id)}/{rest}"

    async def vote(self, community_id: str, content_id: str, cast: VoteCast) -> VoteTally:
        body = await self._call("PUT", self._c(community_id, f"content/{seg(content_id)}/votes"), json=cast.to_wire())
        return VoteTally.model_validate(body)

    async def tally(
        self, community_id: str, content_id: str, *, member_id: str | None = None, viewer_id: str | None = None
    ) -> VoteTally:
        """A piece's votes (`mine` for `member_id`); with `viewer_id`, NOT_FOUND unless that member may read it."""
        params = {k: v for k, v in (("memberId", member_id), ("viewerId", viewer_id)) if v}
        body = await self._call("GET", self._c(community_id, f"content/{seg(content_id)}/votes"), params=params)
        return VoteTally.model_validate(body)

    async def add_bullet(self, community_id: str, content_id: str, bullet: BulletCreate) -> BulletRead:
        path = self._c(community_id, f"content/{seg(content_id)}/bullet-comments")
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
        path = self._c(community_id, f"content/{seg(content_id)}/bullet-comments")
        return BulletList.model_validate(await self._call("GET", path, params=params)).items

    async def add_comment(self, community_id: str, content_id: str, comment: CommentCreate) -> CommentRead:
        path = self._c(community_id, f"content/{seg(content_id)}/comments")
        return CommentRead.model_validate(await self._call("POST", path, json=comment.to_wire()))

    async def list_comments(
        self, community_id: str, content_id: str, *, limit: int = 100, viewer_id: str | None = None
    ) -> list[CommentRead]:
        path = self._c(community_id, f"content/{seg(content_id)}/comments")
        params: dict[str, Any] = {"limit": limit}
        if viewer_id:
            params["viewerId"] = viewer_id
        return CommentList.model_validate(await self._call("GET", path, params=params)).items

    async def share(self, community_id: str, content_id: str, share: ShareCreate) -> ShareRead:
        path = self._c(community_id, f"content/{seg(content_id)}/shares")
        return ShareRead.model_validate(await self._call("POST", path, json=share.to_wire()))

    async def open_topic(self, community_id: str, topic: TopicCreate) -> TopicRead:
        return TopicRead.model_validate(await self._call("POST", self._c(community_id, "topics"), json=topic.to_wire()))

    async def get_topic(self, community_id: str, topic_id: str) -> TopicRead:
        return TopicRead.model_validate(await self._call("GET", self._c(community_id, f"topics/{seg(topic_id)}")))

    async def contribute(self, community_id: str, topic_id: str, body: ContributionCreate) -> ContributionRead:
        path = self._c(community_id, f"topics/{seg(topic_id)}/contributions")
        return ContributionRead.model_validate(await self._call("POST", path, json=body.to_wire()))

    async def vote_contribution(self, community_id: str, contribution_id: str, cast: VoteCast) -> VoteTally:
        path = self._c(community_id, f"contributions/{seg(contribution_id)}/votes")
        return VoteTally.model_validate(await self._call("PUT", path, json=cast.to_wire()))

    async def merge_topic(self, community_id: str, topic_id: str, merge: TopicMerge) -> str:
        body = await self._call("POST", self._c(community_id, f"topics/{seg(topic_id)}/merge"), json=merge.to_wire())
        return str(body["contentId"])
