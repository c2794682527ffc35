"""Topic co-creation: a topic is opened, members contribute, contributions are voted, the chosen are merged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from content_service.domain.kinds import REQUIRED_ROLE, ContentStatus, may_publish, normalise_tags
from content_service.schemas.interaction import (
    ContributionCreate,
    ContributionRead,
    TopicCreate,
    TopicMerge,
    TopicRead,
    VoteCast,
    VoteTally,
)
from content_service.service.actors import Actors
from content_service.service.events import webhook_event
from content_service.service.interaction import InteractionService
from content_service.service.settings import SettingsService
from content_service.store import ContentStore, Session
from infra.errors import BadInputError, ConflictError, ForbiddenError, NotFoundError
from infra.schemas import object_id

Doc = dict[str, Any]
MAX_MERGED_BODY = 200_000
# A topic read ranks at most this many contributions (oldest first) and returns the best `limit` (up to 100).
CONTRIBUTIONS_RANKED = 1000


def topic_not_found(topic_id: object) -> NotFoundError:
    return NotFoundError(f"no topic with id {topic_id} in this community", field="topicId")


def contribution_not_found(contribution_id: object) -> NotFoundError:
    return NotFoundError(f"no contribution {contribution_id} in this community", field="contributionId")


class TopicsService:
    def __init__(
        self, store: ContentStore, actors: Actors, interaction: InteractionService, settings: SettingsService
    ) -> None:
        self.store = store
        self.actors = actors
        self.interaction = interaction
        self.settings = settings

    async def open_topic(self, community_id: ObjectId, topic: TopicCreate) -> TopicRead:
        member = await self.actors.get(community_id, topic.member_id)
        doc = await self.store.topics.insert_topic(
            {
                "community_id": community_id,
                "title": topic.title,
                "prompt": topic.prompt,
                "status": "OPEN",
                "opened_by": ObjectId(member.id),
                "created_at": datetime.now(UTC),
                "content_id": None,
            }
        )
        return await self.get_topic(community_id, doc["_id"])

    async def contribute(
        self, community_id: ObjectId, topic_id: ObjectId, contribution: ContributionCreate
    ) -> ContributionRead:
        topic = await self._topic_or_raise(community_id, topic_id)
        if topic["status"] != "OPEN":
            raise ConflictError("the topic is closed", field="topicId")
        member = await self.actors.get(community_id, contribution.member_id)
        doc = await self.store.topics.insert_contribution(
            {
                "community_id": community_id,
                "topic_id": topic["_id"],
                "member_id": ObjectId(member.id),
                "text": contribution.text,
                "created_at": datetime.now(UTC),
            }
        )
        return _contribution(doc, {})

    async def vote_contribution(self, community_id: ObjectId, contribution_id: ObjectId, cast: VoteCast) -> VoteTally:
        if await self.store.topics.get_contribution(community_id, contribution_id) is None:
            raise contribution_not_found(contribution_id)
        member = await self.actors.get(community_id, cast.member_id)
        return await self.interaction.cast(
            community_id, "CONTRIBUTION", str(contribution_id), member.id, cast, relay=False
        )

    async def get_topic(self, community_id: ObjectId, topic_id: ObjectId, *, limit: int = 100) -> TopicRead:
        topic = await self._topic_or_raise(community_id, topic_id)
        contributions = await self.store.topics.list_contributions(
            community_id, topic["_id"], limit=CONTRIBUTIONS_RANKED
        )
        tallies = await self.store.interaction.tally_many(community_id, [str(c["_id"]) for c in contributions])
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

    async def merge_topic(self, community_id: ObjectId, topic_id: ObjectId, merge: TopicMerge) -> str:
        """Publish the chosen contributions as one piece that credits every contributor; returns its id."""
        actor = await self.actors.get(community_id, merge.actor_id)
        topic = await self._topic_or_raise(community_id, topic_id)
        if not actor.is_operator and str(topic["opened_by"]) != actor.id:
            raise ForbiddenError("only the topic's opener or an operator merges it", field="topicId")
        if topic["status"] != "OPEN":
            raise ConflictError("the topic was already merged", field="topicId")
        if not may_publish(merge.kind, actor.roles):
            raise ForbiddenError(f"{merge.kind} content needs the {REQUIRED_ROLE[merge.kind]} role", field="kind")
        wanted = [object_id(i, field="contributionIds") for i in dict.fromkeys(merge.contribution_ids)]
        found = await self.store.topics.get_contributions(community_id, topic["_id"], wanted)
        by_id = {str(c["_id"]): c for c in found}
        missing = [i for i in merge.contribution_ids if i not in by_id]
        if missing:
            raise BadInputError(f"contribution {missing[0]} is not part of this topic", field="contributionIds")
        chosen = [by_id[i] for i in dict.fromkeys(merge.contribution_ids)]
        credits = list(dict.fromkeys(c["member_id"] for c in chosen))
        body = "\n\n".join(c["text"] for c in chosen)[:MAX_MERGED_BODY]
        title = merge.title or topic["title"]
        reasons = await self.settings.entry_review_reasons(
            community_id, kind=merge.kind, tier=actor.tier, text=f"{title}\n{body}"
        )
        status = ContentStatus.REVIEW if reasons else ContentStatus.PUBLISHED
        now = datetime.now(UTC)
        content_doc: Doc = {
            "community_id": community_id,
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

        async def work(s: Session) -> ObjectId:
            content_id = await self.store.pieces.insert(dict(content_doc), session=s)
            if await self.store.topics.close_topic(community_id, topic["_id"], content_id, session=s) is None:
                raise ConflictError("the topic was already merged", field="topicId")
            published = [webhook_event(str(community_id), "content.published", {"contentId": str(content_id)})]
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=actor.id,
                action="TOPIC_MERGED",
                target_type="TOPIC",
                target_id=str(topic_id),
                detail={"contentId": str(content_id), "credits": [str(c) for c in credits]},
                events=published if status == ContentStatus.PUBLISHED else [],
            )
            return content_id

        return str(await self.store.transaction(work))

    async def _topic_or_raise(self, community_id: ObjectId, topic_id: ObjectId) -> Doc:
        topic = await self.store.topics.get_topic(community_id, topic_id)
        if topic is None:
            raise topic_not_found(topic_id)
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
