"""Topic co-creation: a topic is opened, members contribute, contributions are voted, the chosen are merged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from content_service.domain.kinds import REQUIRED_ROLE, ContentStatus, may_publish, normalise_tags
from content_service.interaction.schemas import (
    ContributionCreate,
    ContributionRead,
    TopicCreate,
    TopicMerge,
    TopicRead,
    VoteCast,
    VoteTally,
)
from content_service.interaction.service import InteractionService
from content_service.interaction.store import InteractionStore
from content_service.unit_of_work import UnitOfWork, webhook_event
from infra.errors import BadInputError, ConflictError, ForbiddenError, NotFoundError
from infra.schemas import object_id
from users_service.client import UsersClient

Doc = dict[str, Any]
MAX_MERGED_BODY = 200_000
# A topic read ranks at most this many contributions (oldest first) and returns the best `limit` (up to 100).
CONTRIBUTIONS_RANKED = 1000
ReviewCheck = Callable[..., Awaitable[list[str]]]


class TopicService:
    def __init__(
        self,
        store: InteractionStore,
        uow: UnitOfWork,
        users: UsersClient,
        votes: InteractionService,
        *,
        review_check: ReviewCheck | None = None,
    ) -> None:
        self.store = store
        self.uow = uow
        self.users = users
        self.votes = votes
        self.review_check = review_check

    async def open_topic(self, community_id: str, topic: TopicCreate) -> TopicRead:
        cid = object_id(community_id, field="communityId")
        member = await self.users.get_member(community_id, topic.member_id)
        doc = await self.store.insert(
            "topics",
            {
                "community_id": cid,
                "title": topic.title,
                "prompt": topic.prompt,
                "status": "OPEN",
                "opened_by": ObjectId(member.id),
                "created_at": datetime.now(UTC),
                "content_id": None,
            },
        )
        return await self.get_topic(community_id, str(doc["_id"]))

    async def contribute(self, community_id: str, topic_id: str, contribution: ContributionCreate) -> ContributionRead:
        cid = object_id(community_id, field="communityId")
        topic = await self._topic_or_raise(cid, topic_id)
        if topic["status"] != "OPEN":
            raise ConflictError("the topic is closed", field="topicId")
        member = await self.users.get_member(community_id, contribution.member_id)
        doc = await self.store.insert(
            "contributions",
            {
                "community_id": cid,
                "topic_id": topic["_id"],
                "member_id": ObjectId(member.id),
                "text": contribution.text,
                "created_at": datetime.now(UTC),
            },
        )
        return _contribution(doc, {})

    async def vote_contribution(self, community_id: str, contribution_id: str, cast: VoteCast) -> VoteTally:
        cid = object_id(community_id, field="communityId")
        doc = await self.store.get_contribution(cid, object_id(contribution_id, field="contributionId"))
        if doc is None:
            raise NotFoundError(f"no contribution {contribution_id} in this community", field="contributionId")
        member = await self.users.get_member(community_id, cast.member_id)
        return await self.votes.cast(community_id, cid, "CONTRIBUTION", contribution_id, member.id, cast, relay=False)

    async def get_topic(self, community_id: str, topic_id: str, *, limit: int = 100) -> TopicRead:
        cid = object_id(community_id, field="communityId")
        topic = await self._topic_or_raise(cid, topic_id)
        contributions = await self.store.list_contributions(cid, topic["_id"], limit=CONTRIBUTIONS_RANKED)
        tallies = await self.store.tally_many(cid, [str(c["_id"]) for c in contributions])
        items = sorted(
            (_contribution(c, tallies.get(str(c["_id"]), {})) for c in contributions),
            key=lambda c: (-c.score, c.created_at),
        )[: max(1, min(limit, 100))]
        return TopicRead(
            id=str(topic["_id"]),
            title=topic["title"],
            prompt=topic["prompt"],
            status=topic["status"],
            opened_by=str(topic["opened_by"]),
            created_at=topic["created_at"],
            content_id=str(topic["content_id"]) if topic.get("content_id") else None,
            contributions=items,
        )

    async def merge_topic(self, community_id: str, topic_id: str, merge: TopicMerge) -> str:
        """Publish the chosen contributions as one piece that credits every contributor; returns its id."""
        cid = object_id(community_id, field="communityId")
        actor = await self.users.get_member(community_id, merge.actor_id)
        topic = await self._topic_or_raise(cid, topic_id)
        if "OPERATOR" not in actor.roles and str(topic["opened_by"]) != actor.id:
            raise ForbiddenError("only the topic's opener or an operator merges it", field="topicId")
        if topic["status"] != "OPEN":
            raise ConflictError("the topic was already merged", field="topicId")
        if not may_publish(merge.kind, actor.roles):
            raise ForbiddenError(f"{merge.kind} content needs the {REQUIRED_ROLE[merge.kind]} role", field="kind")
        wanted = [object_id(i, field="contributionIds") for i in dict.fromkeys(merge.contribution_ids)]
        by_id = {str(c["_id"]): c for c in await self.store.get_contributions(cid, topic["_id"], wanted)}
        missing = [i for i in merge.contribution_ids if i not in by_id]
        if missing:
            raise BadInputError(f"contribution {missing[0]} is not part of this topic", field="contributionIds")
        chosen = [by_id[i] for i in dict.fromkeys(merge.contribution_ids)]
        credits = list(dict.fromkeys(c["member_id"] for c in chosen))
        body = "\n\n".join(c["text"] for c in chosen)[:MAX_MERGED_BODY]
        title = merge.title or topic["title"]
        reasons: list[str] = []
        if self.review_check is not None:
            reasons = await self.review_check(
                community_id, kind=merge.kind, tier=actor.tier.value, text=f"{title}\n{body}"
            )
        status = ContentStatus.REVIEW if reasons else ContentStatus.PUBLISHED
        now = datetime.now(UTC)
        content_doc: Doc = {
            "community_id": cid,
            "author_id": ObjectId(actor.id),
            "kind": merge.kind.value,
            "status": status.value,
            "title": title,
            "body": body,
            "tags": normalise_tags(["co-creation"]),
            "created_at": now,
            "review_reasons": reasons,
            "paragraphs": len(chosen),
            "credits": credits,
            "topic_id": topic["_id"],
            "revision": 0,
        }
        if status == ContentStatus.PUBLISHED:
            content_doc["published_at"] = now

        async def work(s: AsyncClientSession) -> ObjectId:
            content_id = await self.store.insert_content(dict(content_doc), session=s)
            if await self.store.close_topic(cid, topic["_id"], content_id, session=s) is None:
                raise ConflictError("the topic was already merged", field="topicId")
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=actor.id,
                action="TOPIC_MERGED",
                target_type="TOPIC",
                target_id=topic_id,
                detail={"contentId": str(content_id), "credits": [str(c) for c in credits]},
                events=[webhook_event(community_id, "content.published", {"contentId": str(content_id)})]
                if status == ContentStatus.PUBLISHED
                else [],
            )
            return content_id

        return str(await self.uow.run(work))

    async def _topic_or_raise(self, cid: ObjectId, topic_id: str) -> Doc:
        topic = await self.store.get_topic(cid, object_id(topic_id, field="topicId"))
        if topic is None:
            raise NotFoundError(f"no topic with id {topic_id} in this community", field="topicId")
        return topic


def _contribution(d: Doc, tally: dict[str, int]) -> ContributionRead:
    up, down = tally.get("UP", 0), tally.get("DOWN", 0)
    return ContributionRead(
        id=str(d["_id"]),
        topic_id=str(d["topic_id"]),
        member_id=str(d["member_id"]),
        text=d["text"],
        up=up,
        down=down,
        score=up - down,
        created_at=d["created_at"],
    )
