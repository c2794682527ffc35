"""Interaction: votes (one per member per target), bullet comments, threaded comments and shares."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from content_service.store.base import Doc, Session
from infra.indexes import IndexPlan


class InteractionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.votes = db["votes"]
        self.bullets = db["bullet_comments"]
        self.comments = db["comments"]
        self.shares = db["shares"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # cast_vote: one vote per member per target, by the database; tally: counts per target and value.
        indexes.add(
            self.votes,
            [("community_id", ASCENDING), ("target_id", ASCENDING), ("member_id", ASCENDING)],
            name="one_vote_per_member",
            unique=True,
        )
        indexes.add(
            self.votes,
            [("community_id", ASCENDING), ("target_id", ASCENDING), ("value", ASCENDING)],
            name="community_target_value",
        )
        # list_bullets: a piece's bullet comments by anchor position.
        indexes.add(
            self.bullets,
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("anchor", ASCENDING), ("position", ASCENDING)],
            name="community_content_anchor_position",
        )
        # count_recent_bullets: the per-member rate limit.
        indexes.add(
            self.bullets,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", ASCENDING)],
            name="community_member_created",
        )
        # list_comments: a piece's comments in order.
        indexes.add(
            self.comments,
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("created_at", ASCENDING)],
            name="community_content_created",
        )
        # count_shares: shares of a piece.
        indexes.add(self.shares, [("community_id", ASCENDING), ("content_id", ASCENDING)], name="community_content")
        # add_share: one share per member per piece, by the database (repeats do not inflate engagement).
        indexes.add(
            self.shares,
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("member_id", ASCENDING)],
            name="one_share_per_member",
            unique=True,
        )
        await indexes.create()

    async def cast_vote(
        self,
        community_id: ObjectId,
        target_type: str,
        target_id: str,
        member_id: ObjectId,
        value: str,
        at: datetime,
        *,
        session: Session | None,
    ) -> Doc | None:
        """Insert or replace the member's vote; returns the previous one (None for a first vote)."""
        return await self.votes.find_one_and_update(
            {"community_id": community_id, "target_id": target_id, "member_id": member_id},
            {
                "$set": {"value": value, "updated_at": at, "target_type": target_type},
                "$setOnInsert": {"created_at": at},
            },
            upsert=True,
            return_document=ReturnDocument.BEFORE,
            session=session,
        )

    async def tally(self, community_id: ObjectId, target_id: str) -> tuple[int, int]:
        up = await self.votes.count_documents({"community_id": community_id, "target_id": target_id, "value": "UP"})
        down = await self.votes.count_documents({"community_id": community_id, "target_id": target_id, "value": "DOWN"})
        return up, down

    async def tally_many(self, community_id: ObjectId, target_ids: list[str]) -> dict[str, dict[str, int]]:
        cursor = await self.votes.aggregate(
            [
                {"$match": {"community_id": community_id, "target_id": {"$in": target_ids}}},
                {"$group": {"_id": {"t": "$target_id", "v": "$value"}, "n": {"$sum": 1}}},
            ]
        )
        out: dict[str, dict[str, int]] = {}
        async for d in cursor:
            out.setdefault(d["_id"]["t"], {})[d["_id"]["v"]] = int(d["n"])
        return out

    async def get_vote(self, community_id: ObjectId, target_id: str, member_id: ObjectId) -> Doc | None:
        return await self.votes.find_one({"community_id": community_id, "target_id": target_id, "member_id": member_id})

    async def count_recent_bullets(self, community_id: ObjectId, member_id: ObjectId, since: datetime) -> int:
        return await self.bullets.count_documents(
            {"community_id": community_id, "member_id": member_id, "created_at": {"$gt": since}}
        )

    async def insert_bullet(self, doc: Doc, *, session: Session | None = None) -> Doc:
        result = await self.bullets.insert_one(doc, session=session)
        return {**doc, "_id": result.inserted_id}

    async def insert_comment(self, doc: Doc, *, session: Session | None = None) -> Doc:
        result = await self.comments.insert_one(doc, session=session)
        return {**doc, "_id": result.inserted_id}

    async def list_bullets(
        self, community_id: ObjectId, content_id: ObjectId, *, anchor: str, start: int, end: int, limit: int
    ) -> list[Doc]:
        cursor = (
            self.bullets.find(
                {
                    "community_id": community_id,
                    "content_id": content_id,
                    "anchor": anchor,
                    "position": {"$gte": start, "$lte": end},
                }
            )
            .sort([("position", ASCENDING), ("created_at", ASCENDING)])
            .limit(limit)
        )
        return [d async for d in cursor]

    async def get_comment(self, community_id: ObjectId, comment_id: ObjectId) -> Doc | None:
        return await self.comments.find_one({"_id": comment_id, "community_id": community_id})

    async def list_comments(self, community_id: ObjectId, content_id: ObjectId, limit: int) -> list[Doc]:
        cursor = (
            self.comments.find({"community_id": community_id, "content_id": content_id})
            .sort("created_at", 1)
            .limit(limit)
        )
        return [d async for d in cursor]

    async def count_shares(self, community_id: ObjectId, content_id: ObjectId) -> int:
        return await self.shares.count_documents({"community_id": community_id, "content_id": content_id})

    async def add_share(self, doc: Doc, *, session: Session | None) -> tuple[Doc, bool]:
        """Record a member's share of a piece once; returns the share and whether it is new."""
        key = {k: doc[k] for k in ("community_id", "content_id", "member_id")}
        before = await self.shares.find_one_and_update(
            key, {"$setOnInsert": doc}, upsert=True, return_document=ReturnDocument.BEFORE, session=session
        )
        if before is not None:
            return before, False
        saved = await self.shares.find_one(key, session=session)
        assert saved is not None
        return saved, True

    async def engagement(
        self, community_id: ObjectId, authors: dict[ObjectId, ObjectId | None]
    ) -> dict[str, dict[str, int]]:
        """Per piece (content id → author id): distinct non-author members who voted up or down, commented,
        bullet-commented or shared. The database groups by (piece, member); the author's own row is dropped."""
        content_ids = list(authors)
        ids = [str(i) for i in content_ids]
        by_str = {str(c): a for c, a in authors.items()}
        out: dict[str, dict[str, int]] = {
            i: {"up": 0, "down": 0, "comments": 0, "bullets": 0, "shares": 0} for i in ids
        }
        votes = await self.votes.aggregate(
            [
                {"$match": {"community_id": community_id, "target_id": {"$in": ids}}},
                {"$group": {"_id": {"c": "$target_id", "m": "$member_id", "v": "$value"}}},
            ]
        )
        async for d in votes:
            if d["_id"]["m"] != by_str[d["_id"]["c"]]:
                out[d["_id"]["c"]]["up" if d["_id"]["v"] == "UP" else "down"] += 1
        for collection, key in ((self.comments, "comments"), (self.bullets, "bullets"), (self.shares, "shares")):
            cursor = await collection.aggregate(
                [
                    {"$match": {"community_id": community_id, "content_id": {"$in": content_ids}}},
                    {"$group": {"_id": {"c": "$content_id", "m": "$member_id"}}},
                ]
            )
            async for d in cursor:
                if d["_id"]["m"] != authors[d["_id"]["c"]]:
                    out[str(d["_id"]["c"])][key] += 1
        return out
