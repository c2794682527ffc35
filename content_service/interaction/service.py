"""Interaction rules: exact votes, anchored and rate-limited bullet comments, threads, shares, co-created topics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from content_service.domain.kinds import ContentStatus
from content_service.interaction.schemas import (
    BulletCreate,
    BulletRead,
    CommentCreate,
    CommentRead,
    ShareCreate,
    ShareRead,
    VoteCast,
    VoteTally,
)
from content_service.interaction.store import InteractionStore
from content_service.production.service import ProductionService
from content_service.unit_of_work import UnitOfWork, distribution_event, webhook_event
from content_service.visibility import require_readable
from infra.errors import BadInputError, ConflictError, NotFoundError, RateLimitedError
from infra.schemas import object_id
from users_service.client import UsersClient

Doc = dict[str, Any]


class InteractionService:
    def __init__(
        self, store: InteractionStore, uow: UnitOfWork, users: UsersClient, production: ProductionService
    ) -> None:
        self.store = store
        self.uow = uow
        self.users = users
        self.production = production

    async def _live_content(self, cid: ObjectId, content_id: str) -> Doc:
        doc = await self.store.get_content(cid, object_id(content_id, field="contentId"))
        if doc is None:
            raise NotFoundError(f"no content with id {content_id} in this community", field="contentId")
        if doc["status"] != ContentStatus.PUBLISHED.value:
            raise ConflictError(f"content that is {doc['status']} takes no interaction", field="contentId")
        return doc

    async def _readable_content(self, community_id: str, content_id: str, viewer_id: str | None) -> None:
        """NOT_FOUND unless the piece exists here and `viewer_id` (when given) may read it."""
        cid = object_id(community_id, field="communityId")
        doc = await self.store.get_content(cid, object_id(content_id, field="contentId"))
        if doc is None:
            raise NotFoundError(f"no content with id {content_id} in this community", field="contentId")
        await require_readable(
            self.users,
            community_id,
            content_id=content_id,
            status=doc["status"],
            author_id=str(doc["author_id"]) if doc.get("author_id") else None,
            viewer_id=viewer_id,
        )

    async def content_tally(
        self, community_id: str, content_id: str, *, member_id: str | None, viewer_id: str | None
    ) -> VoteTally:
        await self._readable_content(community_id, content_id, viewer_id)
        return await self.tally(community_id, content_id, member_id=member_id)

    # Votes ---------------------------------------------------------------------------------------------------

    async def vote(self, community_id: str, content_id: str, cast: VoteCast) -> VoteTally:
        cid = object_id(community_id, field="communityId")
        await self._live_content(cid, content_id)
        member = await self.users.get_member(community_id, cast.member_id)
        return await self.cast(community_id, cid, "CONTENT", content_id, member.id, cast, relay=True)

    async def cast(
        self,
        community_id: str,
        cid: ObjectId,
        target_type: str,
        target_id: str,
        member_id: str,
        cast: VoteCast,
        *,
        relay: bool,
    ) -> VoteTally:
        now = datetime.now(UTC)

        async def work(s: AsyncClientSession) -> None:
            before = await self.store.cast_vote(
                cid, target_type, target_id, ObjectId(member_id), cast.value.value, now, session=s
            )
            changed = before is None or before["value"] != cast.value.value
            events = []
            if relay and changed:
                # One relay event per (member, piece, value): toggling back and forth announces nothing new,
                # and a DOWN vote is relayed as DOWNVOTE (counted, no positive engagement).
                event_id = f"vote:{member_id}:{target_id}:{cast.value.value}"
                if await self.uow.outbox.get(community_id, event_id) is None:
                    events.append(
                        distribution_event(
                            community_id,
                            member_id=member_id,
                            content_id=target_id,
                            type_="VOTE" if cast.value.value == "UP" else "DOWNVOTE",
                            occurred_at=now,
                            event_id=event_id,
                        )
                    )
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=member_id,
                action="VOTE_CAST" if before is None else "VOTE_CHANGED",
                target_type=target_type,
                target_id=target_id,
                detail={"value": cast.value.value, "previous": before["value"] if before else None},
                events=events,
            )

        await self.uow.run(work)
        return await self.tally(community_id, target_id, member_id=member_id)

    async def tally(self, community_id: str, target_id: str, *, member_id: str | None) -> VoteTally:
        cid = object_id(community_id, field="communityId")
        up, down = await self.store.tally(cid, target_id)
        mine = None
        if member_id:
            vote = await self.store.get_vote(cid, target_id, ObjectId(member_id))
            mine = vote["value"] if vote else None
        return VoteTally(target_id=target_id, up=up, down=down, score=up - down, mine=mine)

    # Bullet comments -----------------------------------------------------------------------------------------

    async def add_bullet(self, community_id: str, content_id: str, bullet: BulletCreate) -> BulletRead:
        cid = object_id(community_id, field="communityId")
        doc = await self._live_content(cid, content_id)
        if bullet.paragraph is not None and bullet.paragraph >= doc.get("paragraphs", 1):
            raise BadInputError(
                f"paragraph {bullet.paragraph} is past the end of the content ({doc.get('paragraphs', 1)} paragraphs)",
                field="paragraph",
            )
        if bullet.media_ms is not None:
            duration = doc.get("media_duration_ms")
            if duration is None:
                raise BadInputError("this content has no media: anchor by paragraph", field="mediaMs")
            if bullet.media_ms > duration:
                raise BadInputError(
                    f"mediaMs {bullet.media_ms} is past the end of the media ({duration} ms)", field="mediaMs"
                )
        member = await self.users.get_member(community_id, bullet.member_id)
        limit = (await self.production.get_settings(community_id)).bullet_comments_per_minute
        now = datetime.now(UTC)
        recent = await self.store.count_recent_bullets(cid, ObjectId(member.id), now - timedelta(minutes=1))
        if recent >= limit:
            raise RateLimitedError(f"at most {limit} bullet comments a minute", field="text")
        anchor, position = (
            ("PARAGRAPH", bullet.paragraph) if bullet.paragraph is not None else ("MEDIA_MS", bullet.media_ms)
        )
        record: Doc = {
            "community_id": cid,
            "content_id": ObjectId(content_id),
            "member_id": ObjectId(member.id),
            "text": bullet.text,
            "anchor": anchor,
            "position": position,
            "created_at": now,
        }

        async def work(s: AsyncClientSession) -> Doc:
            saved = await self.store.insert("bullets", dict(record), session=s)
            event = distribution_event(
                community_id, member_id=member.id, content_id=content_id, type_="BULLET_COMMENT", occurred_at=now
            )
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=member.id,
                action="BULLET_COMMENT_ADDED",
                target_type="CONTENT",
                target_id=content_id,
                events=[event],
            )
            return saved

        return _bullet(await self.uow.run(work))

    async def list_bullets(
        self,
        community_id: str,
        content_id: str,
        *,
        paragraph_from: int | None,
        paragraph_to: int | None,
        ms_from: int | None,
        ms_to: int | None,
        limit: int,
        viewer_id: str | None = None,
    ) -> list[BulletRead]:
        cid = object_id(community_id, field="communityId")
        oid = object_id(content_id, field="contentId")
        await self._readable_content(community_id, content_id, viewer_id)
        if ms_from is not None or ms_to is not None:
            anchor, start, end = "MEDIA_MS", ms_from or 0, ms_to if ms_to is not None else 2**62
        else:
            anchor, start, end = "PARAGRAPH", paragraph_from or 0, paragraph_to if paragraph_to is not None else 2**62
        if end < start:
            raise BadInputError("the window ends before it starts", field="to")
        return [
            _bullet(d)
            for d in await self.store.list_bullets(cid, oid, anchor=anchor, start=start, end=end, limit=limit)
        ]

    # Threaded comments and shares ----------------------------------------------------------------------------

    async def add_comment(self, community_id: str, content_id: str, comment: CommentCreate) -> CommentRead:
        cid = object_id(community_id, field="communityId")
        await self._live_content(cid, content_id)
        member = await self.users.get_member(community_id, comment.member_id)
        parent = None
        if comment.parent_id:
            parent = await self.store.get_comment(cid, ObjectId(comment.parent_id))
            if parent is None or str(parent["content_id"]) != content_id:
                raise NotFoundError(f"no comment {comment.parent_id} on this content", field="parentId")
        now = datetime.now(UTC)
        oid = ObjectId()
        record: Doc = {
            "_id": oid,
            "community_id": cid,
            "content_id": ObjectId(content_id),
            "member_id": ObjectId(member.id),
            "parent_id": parent["_id"] if parent else None,
            "thread_id": parent["thread_id"] if parent else oid,
            "depth": parent["depth"] + 1 if parent else 0,
            "text": comment.text,
            "created_at": now,
        }

        async def work(s: AsyncClientSession) -> Doc:
            saved = await self.store.insert("comments", dict(record), session=s)
            event = webhook_event(
                community_id, "comment.created", {"contentId": content_id, "commentId": str(oid), "memberId": member.id}
            )
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=member.id,
                action="COMMENT_ADDED",
                target_type="CONTENT",
                target_id=content_id,
                events=[event],
            )
            return saved

        return _comment(await self.uow.run(work))

    async def list_comments(
        self, community_id: str, content_id: str, *, limit: int, viewer_id: str | None = None
    ) -> list[CommentRead]:
        cid = object_id(community_id, field="communityId")
        await self._readable_content(community_id, content_id, viewer_id)
        return [
            _comment(d) for d in await self.store.list_comments(cid, object_id(content_id, field="contentId"), limit)
        ]

    async def share(self, community_id: str, content_id: str, share: ShareCreate) -> ShareRead:
        cid = object_id(community_id, field="communityId")
        await self._live_content(cid, content_id)
        member = await self.users.get_member(community_id, share.member_id)
        now = datetime.now(UTC)

        async def work(s: AsyncClientSession) -> Doc:
            saved, new = await self.store.add_share(
                {
                    "community_id": cid,
                    "content_id": ObjectId(content_id),
                    "member_id": ObjectId(member.id),
                    "channel": share.channel,
                    "created_at": now,
                },
                session=s,
            )
            if not new:
                return saved  # one share per member per piece: a repeat relays and scores nothing
            event = distribution_event(
                community_id, member_id=member.id, content_id=content_id, type_="SHARE", occurred_at=now
            )
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=member.id,
                action="CONTENT_SHARED",
                target_type="CONTENT",
                target_id=content_id,
                events=[event],
            )
            return saved

        saved = await self.uow.run(work)
        total = await self.store.count_shares(cid, ObjectId(content_id))
        return ShareRead(id=str(saved["_id"]), content_id=content_id, channel=share.channel, shares=total)


def _bullet(d: Doc) -> BulletRead:
    return BulletRead(
        id=str(d["_id"]),
        content_id=str(d["content_id"]),
        member_id=str(d["member_id"]),
        text=d["text"],
        paragraph=d["position"] if d["anchor"] == "PARAGRAPH" else None,
        media_ms=d["position"] if d["anchor"] == "MEDIA_MS" else None,
        created_at=d["created_at"],
    )


def _comment(d: Doc) -> CommentRead:
    return CommentRead(
        id=str(d["_id"]),
        content_id=str(d["content_id"]),
        member_id=str(d["member_id"]),
        parent_id=str(d["parent_id"]) if d.get("parent_id") else None,
        thread_id=str(d["thread_id"]),
        depth=d["depth"],
        text=d["text"],
        created_at=d["created_at"],
    )
