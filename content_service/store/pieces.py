"""The `content` collection: every piece, and the only class that reads or writes it.

One point finder (`get`) serves every "load a piece" of the service; the rest are named reads and writes, each
scoped by community.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from content_service.domain.kinds import ContentStatus
from content_service.schemas.content import ContentSummary
from content_service.store.base import Doc, Session, in_community
from infra.bulk import insert_many_reporting
from infra.indexes import IndexPlan
from infra.kept_docs import KeptDocs
from infra.keyset import read_keyset_page
from infra.lookups import find_in

SUMMARY_FIELDS = {"author_id": 1, "kind": 1, "tags": 1, "published_at": 1}
# The newest items are looked for in the last day, then week, month and year, then in all time (None); the
# window that sufficed is tried first for this long.
NEWEST_WINDOWS_DAYS: tuple[int | None, ...] = (1, 7, 30, 365, None)
NEWEST_WINDOW_MEMO_SECONDS = 600.0
# A per-key candidate read looks at most this many times its limit of documents for the keys' quotas.
PER_KEY_SCAN_FACTOR = 10


def _summary(doc: Doc) -> ContentSummary:
    return ContentSummary(
        id=str(doc["_id"]),
        author_id=str(doc["author_id"]) if doc.get("author_id") else None,
        kind=doc["kind"],
        tags=doc.get("tags", []),
        published_at=doc["published_at"],
    )


class PiecesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.content = db["content"]
        # Pieces kept for lookups that may be a few seconds old (feed cards); every update below voids them.
        self.cards = KeptDocs()
        # community -> (the window rung that last sufficed for the newest items, until when to start there)
        self._newest_window: dict[ObjectId, tuple[int, float]] = {}

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_published_summaries: newest published content of a community.
        indexes.add(
            self.content,
            [("community_id", ASCENDING), ("status", ASCENDING), ("published_at", DESCENDING)],
            name="community_status_published",
        )
        # list_published_summaries_by_tags: a community's published items carrying any of some tags, newest first
        # (equality on community and status, `$in` on the multikey tags: the planner's one operator).
        indexes.add(
            self.content,
            [("community_id", ASCENDING), ("status", ASCENDING), ("tags", ASCENDING), ("published_at", DESCENDING)],
            name="community_status_tags_published",
        )
        # list_published_summaries_by_authors: a community's published items by some authors, newest first.
        indexes.add(
            self.content,
            [
                ("community_id", ASCENDING),
                ("status", ASCENDING),
                ("author_id", ASCENDING),
                ("published_at", DESCENDING),
            ],
            name="community_status_author_published",
        )
        # list_published_page / count_published: every published piece, newest first, a keyset page at a time
        # (the id breaks ties of one published_at); with a tag on the second index.
        indexes.add(
            self.content,
            [("community_id", ASCENDING), ("status", ASCENDING), ("published_at", DESCENDING), ("_id", DESCENDING)],
            name="community_status_published_id",
        )
        indexes.add(
            self.content,
            [
                ("community_id", ASCENDING),
                ("status", ASCENDING),
                ("tags", ASCENDING),
                ("published_at", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="community_status_tags_published_id",
        )
        # count_published_by_kind: published pieces of a community in a window.
        indexes.add(
            self.content, [("community_id", ASCENDING), ("published_at", ASCENDING)], name="community_published_at"
        )
        # list_due_scheduled: scheduled pieces whose time has come.
        indexes.add(
            self.content,
            [("community_id", ASCENDING), ("status", ASCENDING), ("publish_at", ASCENDING)],
            name="community_status_publish_at",
        )
        # list_ids_by_template: the pieces made from a template.
        indexes.add(self.content, [("community_id", ASCENDING), ("template_id", ASCENDING)], name="community_template")
        # The import's idempotency: one item per source id in a community.
        indexes.add(
            self.content,
            [("community_id", ASCENDING), ("source", ASCENDING), ("source_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"source": {"$type": "string"}},
            name="community_source_unique",
        )
        # list_content_ids_by_source (the server plans no query on a partial index).
        indexes.add(self.content, [("community_id", ASCENDING), ("source_id", ASCENDING)], name="community_source_id")
        await indexes.create()

    async def create_content(
        self,
        *,
        community_id: ObjectId,
        author_id: ObjectId,
        kind: str,
        title: str,
        body: str,
        tags: list[str],
        status: str = ContentStatus.PUBLISHED.value,
        extra: Doc | None = None,
        session: Session | None = None,
    ) -> Doc:
        """Insert a piece; returns it as stored (the paywall renders it for a reader)."""
        now = datetime.now(UTC)
        published = status == ContentStatus.PUBLISHED.value
        doc: Doc = {
            "community_id": community_id,
            "author_id": author_id,
            "kind": kind,
            "status": status,
            "title": title,
            "body": body,
            "tags": tags,
            "created_at": now,
            "published_at": now if published else None,
            **(extra or {}),
        }
        result = await self.content.insert_one(doc, session=session)
        doc["_id"] = result.inserted_id
        return doc

    async def insert(self, doc: Doc, *, session: Session | None = None) -> ObjectId:
        """A piece built whole by the caller (a merged topic)."""
        result = await self.content.insert_one(doc, session=session)
        return ObjectId(result.inserted_id)

    async def get(
        self,
        community_id: ObjectId,
        content_id: ObjectId,
        *,
        fields: list[str] | None = None,
        session: Session | None = None,
    ) -> Doc | None:
        """The piece, or None when it is not content of this community; `fields` narrows what is read."""
        projection = dict.fromkeys([*fields, "community_id"], 1) if fields is not None else None
        doc = await self.content.find_one({"_id": content_id}, projection, session=session)
        return in_community(doc, community_id)

    async def set_status(
        self,
        community_id: ObjectId,
        content_id: ObjectId,
        *,
        expected: str,
        changes: Doc,
        session: Session | None = None,
    ) -> Doc | None:
        """Compare-and-set on the status, so that two concurrent transitions cannot both apply."""
        self.cards.written(community_id, session=session)
        try:
            return await self.content.find_one_and_update(
                {"_id": content_id, "community_id": community_id, "status": expected},
                {"$set": changes},
                return_document=ReturnDocument.AFTER,
                session=session,
            )
        finally:
            self.cards.written(community_id, session=session)

    async def apply_edit(
        self, community_id: ObjectId, content_id: ObjectId, changes: Doc, *, session: Session | None = None
    ) -> Doc | None:
        """Apply `changes` and count the revision; returns the piece as it was before."""
        self.cards.written(community_id, session=session)
        try:
            return await self.content.find_one_and_update(
                {"_id": content_id, "community_id": community_id},
                {"$set": changes, "$inc": {"revision": 1}},
                return_document=ReturnDocument.BEFORE,
                session=session,
            )
        finally:
            self.cards.written(community_id, session=session)

    async def hide(self, community_id: ObjectId, content_id: ObjectId, *, at: datetime, session: Session) -> Doc | None:
        """Hide unless already hidden (compare-and-set on the status); the previous status is kept to restore it.
        Returns the piece as it was before, or None when it was hidden already or is not here."""
        doc = await self.get(community_id, content_id, fields=["status"], session=session)
        if doc is None or doc["status"] == ContentStatus.HIDDEN.value:
            return None
        self.cards.written(community_id, session=session)
        try:
            return await self.content.find_one_and_update(
                {"_id": content_id, "community_id": community_id, "status": doc["status"]},
                {"$set": {"hidden_from": doc["status"], "status": ContentStatus.HIDDEN.value, "hidden_at": at}},
                return_document=ReturnDocument.BEFORE,
                session=session,
            )
        finally:
            self.cards.written(community_id, session=session)

    async def restore(self, community_id: ObjectId, content_id: ObjectId, *, session: Session) -> Doc | None:
        """A hidden piece back to the status it had; None when it is not hidden."""
        hidden = {"_id": content_id, "community_id": community_id, "status": ContentStatus.HIDDEN.value}
        doc = await self.content.find_one(hidden, {"hidden_from": 1}, session=session)
        if doc is None:
            return None
        self.cards.written(community_id, session=session)
        try:
            return await self.content.find_one_and_update(
                hidden,
                {"$set": {"status": doc.get("hidden_from") or ContentStatus.PUBLISHED.value}},
                return_document=ReturnDocument.AFTER,
                session=session,
            )
        finally:
            self.cards.written(community_id, session=session)

    async def list_content_by_ids(
        self, community_id: ObjectId, content_ids: list[ObjectId], *, kept: bool = False
    ) -> dict[str, Doc]:
        """The pieces of this community among `content_ids`, by id. `kept=True` may answer from the pieces this
        process read within the last `cards.ttl_seconds` (feed cards; see infra/kept_docs.py)."""

        async def read(ids: list[ObjectId]) -> list[Doc]:
            return await self.content.find({"_id": {"$in": ids}, "community_id": community_id}).to_list()

        if not kept:
            return {str(doc["_id"]): doc for doc in await read(content_ids)}
        # copies: the kept pieces are shared
        return {str(doc["_id"]): dict(doc) for doc in await self.cards.read_through(community_id, content_ids, read)}

    async def list_published_summaries(self, community_id: ObjectId, *, limit: int) -> list[ContentSummary]:
        """The newest `limit` published items, read through a window of publication time (the last day, week,
        month, year, or all time): one bounded range of community_status_published, so the server sorts only
        that window's items rather than the community's whole history (SecantusDB sorts every match; mongod
        walks the index either way). The window that sufficed is remembered per community for a while, so a
        small community asks once for all time and a busy one once for its last day."""
        clock = time.monotonic()
        start, until = self._newest_window.get(community_id, (0, 0.0))
        if until <= clock:
            start = 0
        now = datetime.now(UTC)
        for rung in range(start, len(NEWEST_WINDOWS_DAYS)):
            days = NEWEST_WINDOWS_DAYS[rung]
            window = {"$gte": now - timedelta(days=days)} if days is not None else None
            found = await self._newest_published(community_id, window, limit=limit)
            if len(found) >= limit or days is None:
                if rung != start or until <= clock:
                    self._newest_window[community_id] = (rung, clock + NEWEST_WINDOW_MEMO_SECONDS)
                return found
        raise AssertionError("the last window is all time")

    async def _newest_published(
        self, community_id: ObjectId, published: Doc | None, *, limit: int
    ) -> list[ContentSummary]:
        query: Doc = {"community_id": community_id, "status": ContentStatus.PUBLISHED.value}
        if published is not None:
            query["published_at"] = published
        cursor = self.content.find(query, projection=SUMMARY_FIELDS).sort("published_at", DESCENDING).limit(limit)
        return [_summary(doc) async for doc in cursor]

    async def list_published_page(
        self, community_id: ObjectId, *, tag: str | None, after: tuple[datetime, ObjectId] | None, limit: int
    ) -> list[Doc]:
        """Published pieces (answers too) newest first, ties by id, strictly after the keyset position `after`."""
        match: Doc = {"community_id": community_id, "status": ContentStatus.PUBLISHED.value}
        if tag is not None:
            match["tags"] = tag
        index = "community_status_tags_published_id" if tag is not None else "community_status_published_id"
        return await read_keyset_page(self.content, match, field="published_at", after=after, limit=limit, index=index)

    async def count_published(self, community_id: ObjectId, *, tag: str | None) -> int:
        match: Doc = {"community_id": community_id, "status": ContentStatus.PUBLISHED.value}
        if tag is not None:
            match["tags"] = tag
        return await self.content.count_documents(match)

    async def list_published_summaries_by_tags(
        self, community_id: ObjectId, tags: list[str], *, limit: int, per_key: int | None = None
    ) -> list[ContentSummary]:
        return await self._published_summaries(community_id, "tags", tags, limit=limit, per_key=per_key)

    async def list_published_summaries_by_authors(
        self, community_id: ObjectId, author_ids: list[ObjectId], *, limit: int, per_key: int | None = None
    ) -> list[ContentSummary]:
        return await self._published_summaries(community_id, "author_id", author_ids, limit=limit, per_key=per_key)

    async def list_published_summaries_by_ids(
        self, community_id: ObjectId, content_ids: list[ObjectId]
    ) -> dict[str, ContentSummary]:
        # `_id` alone: SecantusDB plans point lookups only for it (with community_id beside it, a collection scan);
        # community and status are checked on the documents found.
        cursor = self.content.find(
            {"_id": {"$in": content_ids}}, projection={**SUMMARY_FIELDS, "community_id": 1, "status": 1}
        )
        return {
            str(doc["_id"]): _summary(doc)
            async for doc in cursor
            if doc["community_id"] == community_id and doc["status"] == ContentStatus.PUBLISHED.value
        }

    async def _published_summaries(
        self, community_id: ObjectId, field: str, values: list[Any], *, limit: int, per_key: int | None = None
    ) -> list[ContentSummary]:
        """Items whose `field` is any of `values`, newest first, at most `limit`; with `per_key`, at most that many
        for each value (an item counts for every asked value it carries), so that no busy key crowds out the
        others. The cursor is read newest first until the limit, the quotas or PER_KEY_SCAN_FACTOR x limit
        documents."""
        # Exactly equality on (community_id, status) and one `$in` on the next field of the index: any other shape
        # makes SecantusDB's planner scan the collection.
        query = {"community_id": community_id, "status": ContentStatus.PUBLISHED.value, field: {"$in": values}}
        cursor = self.content.find(query, projection=SUMMARY_FIELDS).sort("published_at", DESCENDING)
        if per_key is None:
            return [_summary(doc) async for doc in cursor.limit(limit)]
        asked = set(values)
        taken: dict[Any, int] = dict.fromkeys(values, 0)
        open_keys = len(asked)
        found: list[ContentSummary] = []
        cursor = cursor.limit(limit * PER_KEY_SCAN_FACTOR).batch_size(limit)
        try:
            async for doc in cursor:
                value = doc.get(field)
                keys = [k for k in (value if isinstance(value, list) else [value]) if k in asked]
                if any(taken[k] < per_key for k in keys):
                    found.append(_summary(doc))
                    for k in keys:
                        taken[k] += 1
                        open_keys -= int(taken[k] == per_key)
                if len(found) >= limit or open_keys <= 0:
                    break
        finally:
            await cursor.close()
        return found

    async def count_published_by_author(
        self, community_id: ObjectId, since: datetime | None
    ) -> dict[str, dict[str, int]]:
        # Served by community_status_published (community, status, published_at).
        match: Doc = {"community_id": community_id, "status": ContentStatus.PUBLISHED.value}
        if since is not None:
            match["published_at"] = {"$gte": since}
        pipeline: list[Doc] = [
            {"$match": match},
            {"$group": {"_id": {"author": "$author_id", "kind": "$kind"}, "n": {"$sum": 1}}},
        ]
        counts: dict[str, dict[str, int]] = {}
        async for row in await self.content.aggregate(pipeline):
            author = row["_id"].get("author")
            if author is None:
                continue
            counts.setdefault(str(author), {})[row["_id"]["kind"]] = int(row["n"])
        return counts

    async def count_published_by_kind(self, community_id: ObjectId, since: datetime, until: datetime) -> dict[str, int]:
        """Pieces published in the window and still live (archived ones count: they were published)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "published_at": {"$gte": since, "$lte": until}}},
            {"$match": {"status": {"$in": [ContentStatus.PUBLISHED.value, ContentStatus.ARCHIVED.value]}}},
            {"$group": {"_id": "$kind", "n": {"$sum": 1}}},
        ]
        cursor = await self.content.aggregate(pipeline)
        return {str(d["_id"]): int(d["n"]) async for d in cursor}

    async def count_authors_between(self, community_id: ObjectId, since: datetime, until: datetime) -> int:
        """Distinct authors of pieces published in the window and still live or archived (health figures)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "published_at": {"$gte": since, "$lt": until}}},
            {"$match": {"status": {"$in": [ContentStatus.PUBLISHED.value, ContentStatus.ARCHIVED.value]}}},
            {"$match": {"author_id": {"$ne": None}}},  # imported pieces of deleted accounts have no author
            {"$group": {"_id": "$author_id"}},
            {"$group": {"_id": None, "n": {"$sum": 1}}},
        ]
        rows = [d async for d in await self.content.aggregate(pipeline)]
        return int(rows[0]["n"]) if rows else 0

    async def list_due_scheduled(self, community_id: ObjectId, now: datetime) -> list[Doc]:
        cursor = self.content.find(
            {"community_id": community_id, "status": ContentStatus.SCHEDULED.value, "publish_at": {"$lte": now}}
        ).limit(500)
        return [d async for d in cursor]

    async def list_month_pieces(self, community_id: ObjectId, start: datetime, end: datetime) -> list[Doc]:
        """Pieces published in the month that are not COMMERCIAL and still live (hidden ones were moderated)."""
        cursor = self.content.find(
            {
                "community_id": community_id,
                "published_at": {"$gte": start, "$lt": end},
                "status": {"$in": [ContentStatus.PUBLISHED.value, ContentStatus.ARCHIVED.value]},
                "kind": {"$ne": "COMMERCIAL"},
            },
            {"author_id": 1},
        )
        return [d async for d in cursor]

    async def list_ids_by_template(self, community_id: ObjectId, template_id: ObjectId) -> list[ObjectId]:
        cursor = self.content.find({"community_id": community_id, "template_id": template_id}, {"_id": 1})
        return [d["_id"] async for d in cursor]

    async def list_corpus(self, community_id: ObjectId, limit: int) -> list[Doc]:
        """Recent published pieces of the community, for tag suggestion and duplicate checks."""
        query = {"community_id": community_id, "status": ContentStatus.PUBLISHED.value}
        cursor = (
            self.content.find(query, {"title": 1, "body": 1, "tags": 1, "access": 1})
            .sort("published_at", DESCENDING)
            .limit(limit)
        )
        return [d async for d in cursor]

    # Imported content, idempotent by (community, source, source id).

    async def list_content_ids_by_source(
        self, community_id: ObjectId, source: str, source_ids: list[str]
    ) -> dict[str, ObjectId]:
        # Exactly the index's fields: the server scans the whole collection for any other shape of this query.
        match = {"community_id": community_id}
        cursor = find_in(self.content, match, "source_id", source_ids, projection={"source_id": 1, "source": 1})
        return {doc["source_id"]: doc["_id"] async for doc in cursor if doc.get("source") == source}

    async def list_known_ids(self, community_id: ObjectId, content_ids: list[ObjectId]) -> dict[ObjectId, str | None]:
        """The ids that name content of this community, each with its parent (None at the top of a thread)."""
        projection = {"_id": 1, "parent_id": 1}
        cursor = find_in(self.content, {"community_id": community_id}, "_id", content_ids, projection=projection)
        return {doc["_id"]: (str(doc["parent_id"]) if doc.get("parent_id") else None) async for doc in cursor}

    async def insert_imported_content(self, docs: list[Doc]) -> dict[int, str]:
        """Insert content documents built by the import; {position: unique key} for the ones refused."""
        return await insert_many_reporting(self.content, docs)
