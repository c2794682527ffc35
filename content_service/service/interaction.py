"""Interaction rules: exact votes, anchored and rate-limited bullet comments, threads, shares, co-created topics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from content_service.domain.kinds import ContentStatus
from content_service.schemas.interaction import (
    BulletCreate,
    BulletRead,
    CommentCreate,
    CommentRead,
    ShareCreate,
    ShareRead,
    VoteCast,
    VoteTally,
)
from content_service.service.actors import Actors
from content_service.service.events import distribution_event, webhook_event
from content_service.service.pieces import PiecesService
from content_service.service.settings import SettingsService
from content_service.store import ContentStore, Session
from infra.errors import BadInputError, ConflictError, NotFoundError, RateLimitedError

Doc = dict[str, Any]


# What the interaction rules read of a piece.
PIECE_FIELDS = ["status", "paragraphs", "media_duration_ms"]


class InteractionService:
    def __init__(self, store: ContentStore, actors: Actors, pieces: PiecesService, settings: SettingsService) -> None:
        self.store = store
        self.actors = actors
        self.pieces = pieces
        self.settings = settings

    async def _live_content(self, community_id: ObjectId, content_id: ObjectId) -> Doc:
        """The piece, which must be PUBLISHED: no other status takes interaction."""
        doc = await self.pieces.get_or_raise(community_id, content_id, fields=PIECE_FIELDS)
        if doc["status"] != ContentStatus.PUBLISHED.value:
            raise ConflictError(f"content that is {doc['status']} takes no interaction", field="contentId")
        return doc

    async def content_tally(
        self, community_id: ObjectId, content_id: ObjectId, *, member_id: str | None, viewer_id: str | None
    ) -> VoteTally:
        await self.pieces.get_readable(community_id, content_id, viewer_id, fields=[])
        return await self.tally(community_id, str(content_id), member_id=member_id)

    # Votes ---------------------------------------------------------------------------------------------------

    async def vote(self, community_id: ObjectId, content_id: ObjectId, cast: VoteCast) -> VoteTally:
        await self._live_content(community_id, content_id)
        member = await self.actors.get(community_id, cast.member_id)
        return await self.cast(community_id, "CONTENT", str(content_id), member.id, cast, relay=True)

    async def cast(
        self, community_id: ObjectId, target_type: str, target_id: str, member_id: str, cast: VoteCast, *, relay: bool
    ) -> VoteTally:
        """The member's vote on a piece or a contribution (one per member and target, changed in place)."""
        now = datetime.now(UTC)
        value = cast.value.value

        async def work(s: Session) -> None:
            before = await self.store.interaction.cast_vote(
                community_id, target_type, target_id, ObjectId(member_id), value, now, session=s
            )
            changed = before is None or before["value"] != value
            events = []
            if relay and changed:
                # One relay event per (member, piece, value): toggling back and forth announces nothing new,
                # and a DOWN vote is relayed as DOWNVOTE (counted, no positive engagement).
                event_id = f"vote:{member_id}:{target_id}:{value}"
                if await self.store.outbox.get(str(community_id), event_id) is None:
                    events.append(
                        distribution_event(
                            str(community_id),
                            member_id=member_id,
                            content_id=target_id,
                            type_="VOTE" if value == "UP" else "DOWNVOTE",
                            occurred_at=now,
                            event_id=event_id,
                        )
                    )
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=member_id,
                action="VOTE_CAST" if before is None else "VOTE_CHANGED",
                target_type=target_type,
                target_id=target_id,
                detail={"value": value, "previous": before["value"] if before else None},
                events=events,
            )

        await self.store.transaction(work)
        return await self.tally(community_id, target_id, member_id=member_id)

    async def tally(self, community_id: ObjectId, target_id: str, *, member_id: str | None) -> VoteTally:
        up, down = await self.store.interaction.tally(community_id, target_id)
        mine = None
        if member_id:
            vote = await self.store.interaction.get_vote(community_id, target_id, ObjectId(member_id))
            mine = vote["value"] if vote else None
        return VoteTally(target_id=target_id, up=up, down=down, score=up - down, mine=mine)

    # Bullet comments -----------------------------------------------------------------------------------------

    async def add_bullet(self, community_id: ObjectId, content_id: ObjectId, bullet: BulletCreate) -> BulletRead:
        doc = await self._live_content(community_id, content_id)
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
        member = await self.actors.get(community_id, bullet.member_id)
        limit = (await self.settings.get(community_id)).bullet_comments_per_minute
        now = datetime.now(UTC)
        recent = await self.store.interaction.count_recent_bullets(
            community_id, ObjectId(member.id), now - timedelta(minutes=1)
        )
        if recent >= limit:
            raise RateLimitedError(f"at most {limit} bullet comments a minute", field="text")
        anchor, position = (
            ("PARAGRAPH", bullet.paragraph) if bullet.paragraph is not None else ("MEDIA_MS", bullet.media_ms)
        )
        record: Doc = {
            "community_id": community_id,
            "content_id": content_id,
            "member_id": ObjectId(member.id),
            "text": bullet.text,
            "anchor": anchor,
            "position": position,
            "created_at": now,
        }

        async def work(s: Session) -> Doc:
            saved = await self.store.interaction.insert_bullet(dict(record), session=s)
            event = distribution_event(
                str(community_id),
                member_id=member.id,
                content_id=str(content_id),
                type_="BULLET_COMMENT",
                occurred_at=now,
            )
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=member.id,
                action="BULLET_COMMENT_ADDED",
                target_type="CONTENT",
                target_id=str(content_id),
                events=[event],
            )
            return saved

        return _bullet(await self.store.transaction(work))

    async def list_bullets(
        self,
        community_id: ObjectId,
        content_id: ObjectId,
        *,
        paragraph_from: int | None,
        paragraph_to: int | None,
        ms_from: int | None,
        ms_to: int | None,
        limit: int,
        viewer_id: str | None = None,
    ) -> list[BulletRead]:
        await self.pieces.get_readable(community_id, content_id, viewer_id, fields=[])
        if ms_from is not None or ms_to is not None:
            anchor, start, end = "MEDIA_MS", ms_from or 0, ms_to if ms_to is not None else 2**62
        else:
            anchor, start, end = "PARAGRAPH", paragraph_from or 0, paragraph_to if paragraph_to is not None else 2**62
        if end < start:
            raise BadInputError("the window ends before it starts", field="to")
        docs = await self.store.interaction.list_bullets(
            community_id, content_id, anchor=anchor, start=start, end=end, limit=limit
        )
        return [_bullet(d) for d in docs]

    # Threaded comments and shares ----------------------------------------------------------------------------

    async def add_comment(self, community_id: ObjectId, content_id: ObjectId, comment: CommentCreate) -> CommentRead:
        await self._live_content(community_id, content_id)
        member = await self.actors.get(community_id, comment.member_id)
        parent = None
        if comment.parent_id:
            parent = await self.store.interaction.get_comment(community_id, ObjectId(comment.parent_id))
            if parent is None or parent["content_id"] != content_id:
                raise NotFoundError(f"no comment {comment.parent_id} on this content", field="parentId")
        now = datetime.now(UTC)
        oid = ObjectId()
        record: Doc = {
            "_id": oid,
            "community_id": community_id,
            "content_id": content_id,
            "member_id": ObjectId(member.id),
            "parent_id": parent["_id"] if parent else None,
            "thread_id": parent["thread_id"] if parent else oid,
            "depth": parent["depth"] + 1 if parent else 0,
            "text": comment.text,
            "created_at": now,
        }

        async def work(s: Session) -> Doc:
            saved = await self.store.interaction.insert_comment(dict(record), session=s)
            data = {"contentId": str(content_id), "commentId": str(oid), "memberId": member.id}
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=member.id,
                action="COMMENT_ADDED",
                target_type="CONTENT",
                target_id=str(content_id),
                events=[webhook_event(str(community_id), "comment.created", data)],
            )
            return saved

        return _comment(await self.store.transaction(work))

    async def list_comments(
        self, community_id: ObjectId, content_id: ObjectId, *, limit: int, viewer_id: str | None = None
    ) -> list[CommentRead]:
        await self.pieces.get_readable(community_id, content_id, viewer_id, fields=[])
        return [_comment(d) for d in await self.store.interaction.list_comments(community_id, content_id, limit)]

    async def share(self, community_id: ObjectId, content_id: ObjectId, share: ShareCreate) -> ShareRead:
        await self._live_content(community_id, content_id)
        member = await self.actors.get(community_id, share.member_id)
        now = datetime.now(UTC)

        async def work(s: Session) -> Doc:
            saved, new = await self.store.interaction.add_share(
                {
                    "community_id": community_id,
                    "content_id": content_id,
                    "member_id": ObjectId(member.id),
                    "channel": share.channel,
                    "created_at": now,
                },
                session=s,
            )
            if not new:
                return saved  # one share per member per piece: a repeat relays and scores nothing
            event = distribution_event(
                str(community_id), member_id=member.id, content_id=str(content_id), type_="SHARE", occurred_at=now
            )
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=member.id,
                action="CONTENT_SHARED",
                target_type="CONTENT",
                target_id=str(content_id),
                events=[event],
            )
            return saved

        saved = await self.store.transaction(work)
        total = await self.store.interaction.count_shares(community_id, content_id)
        return ShareRead(id=str(saved["_id"]), content_id=str(content_id), channel=share.channel, shares=total)


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
