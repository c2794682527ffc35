"""content_service's rules: who may publish what, and reads scoped to one community."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from content_service.domain.kinds import REQUIRED_ROLE, ContentStatus, may_publish, normalise_tags
from content_service.domain.lifecycle import initial_status, paragraph_count
from content_service.schemas import (
    CandidateSources,
    CandidateSourcesRequest,
    ContentCreate,
    ContentRead,
    ContentSummary,
)
from content_service.store import ContentStore
from content_service.unit_of_work import webhook_event
from content_service.visibility import require_readable
from infra.errors import ForbiddenError, NotFoundError
from infra.schemas import object_id
from users_service.client import UsersClient

MAX_CANDIDATES = 2000
ReviewCheck = Callable[..., Awaitable[list[str]]]
ActiveBoosts = Callable[[ObjectId], Awaitable[dict[str, float]]]
Release = Callable[[str], Awaitable[int]]


class ContentService:
    def __init__(
        self,
        store: ContentStore,
        users: UsersClient,
        *,
        review_check: ReviewCheck | None = None,
        release_scheduled: Release | None = None,
        uow: Any = None,
        active_boosts: ActiveBoosts | None = None,
    ) -> None:
        self.store = store
        self.users = users
        self.review_check = review_check
        self.release_scheduled = release_scheduled
        self.uow = uow
        self.active_boosts = active_boosts

    async def publish(
        self, community_id: str, content_in: ContentCreate, *, extra_fields: dict[str, Any] | None = None
    ) -> ContentRead:
        cid = object_id(community_id, field="communityId")
        author = await self.users.get_member(community_id, content_in.author_id)
        if not may_publish(content_in.kind, author.roles):
            raise ForbiddenError(
                f"{content_in.kind} content needs the {REQUIRED_ROLE[content_in.kind]} role", field="kind"
            )
        reasons: list[str] = []
        if self.review_check is not None:
            reasons = await self.review_check(
                community_id,
                kind=content_in.kind,
                tier=author.tier.value,
                text=f"{content_in.title}\n{content_in.body}",
            )
        now = datetime.now(UTC)
        status = initial_status(
            draft=content_in.draft, needs_review=bool(reasons), publish_at=content_in.publish_at, now=now
        )
        extra: dict[str, Any] = {
            "paragraphs": paragraph_count(content_in.body),
            "review_reasons": reasons,
            "revision": 0,
        }
        for key in ("publish_at", "media_duration_ms", "production_cost_minor", "production_cost_currency"):
            value = getattr(content_in, key)
            if value is not None:
                extra[key] = value
        extra.update(extra_fields or {})
        return await self.create(cid, author.id, content_in, status=status, extra=extra)

    async def create(
        self, cid: ObjectId, author_id: str, content_in: ContentCreate, *, status: ContentStatus, extra: dict[str, Any]
    ) -> ContentRead:
        """Insert a piece with its audit entry (and its publication event) in one transaction."""
        if self.uow is None:
            return await self.store.create_content(
                community_id=cid,
                author_id=ObjectId(author_id),
                kind=content_in.kind,
                title=content_in.title,
                body=content_in.body,
                tags=normalise_tags(content_in.tags),
                status=status.value,
                extra=extra,
            )

        async def work(s: Any) -> ContentRead:
            read = await self.store.create_content(
                community_id=cid,
                author_id=ObjectId(author_id),
                kind=content_in.kind,
                title=content_in.title,
                body=content_in.body,
                tags=normalise_tags(content_in.tags),
                status=status.value,
                extra=extra,
                session=s,
            )
            events = []
            if status == ContentStatus.PUBLISHED:
                events.append(webhook_event(str(cid), "content.published", {"contentId": read.id}))
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=author_id,
                action="CONTENT_CREATED",
                target_type="CONTENT",
                target_id=read.id,
                detail={
                    "status": status.value,
                    "kind": content_in.kind.value,
                    "reviewReasons": extra.get("review_reasons", []),
                },
                events=events,
            )
            return read

        result: ContentRead = await self.uow.run(work)
        return result

    async def get_or_raise(self, community_id: str, content_id: str, *, viewer_id: str | None = None) -> ContentRead:
        content = await self.store.get_content(
            object_id(community_id, field="communityId"), object_id(content_id, field="contentId")
        )
        if content is None:
            raise NotFoundError(f"no content with id {content_id} in this community", field="contentId")
        await require_readable(
            self.users,
            community_id,
            content_id=content_id,
            status=content.status.value,
            author_id=content.author_id,
            viewer_id=viewer_id,
        )
        return content

    async def lookup(self, community_id: str, content_ids: list[str]) -> list[ContentRead | None]:
        cid = object_id(community_id, field="communityId")
        found = await self.store.list_content_by_ids(cid, [ObjectId(i) for i in dict.fromkeys(content_ids)])
        return [found.get(i) for i in content_ids]

    async def candidates(self, community_id: str, *, limit: int) -> list[ContentSummary]:
        cid = object_id(community_id, field="communityId")
        if self.release_scheduled is not None:
            await self.release_scheduled(community_id)
        items = await self.store.list_published_summaries(cid, limit=max(1, min(limit, MAX_CANDIDATES)))
        if self.active_boosts is None or not items:
            return items
        # Every boost running in the community (few: content-star winners), on one indexed query.
        return _with_boosts(items, await self.active_boosts(cid))

    async def candidate_sources(self, community_id: str, request: CandidateSourcesRequest) -> CandidateSources:
        """Published items by tag, by author and boosted; each newest first (boosted: highest boost first). The
        ranker asks `candidates` first in the same decision, which releases due scheduled pieces: not repeated
        here."""
        cid = object_id(community_id, field="communityId")
        limit = request.per_source
        tags = normalise_tags(request.tags)
        authors = [ObjectId(a) for a in dict.fromkeys(request.author_ids)]
        per_key = request.per_key
        by_tag = (
            await self.store.list_published_summaries_by_tags(cid, tags, limit=limit, per_key=per_key) if tags else []
        )
        by_author = (
            await self.store.list_published_summaries_by_authors(cid, authors, limit=limit, per_key=per_key)
            if authors
            else []
        )
        # Every boost running now, on one indexed query: the `boosted` source, and each other item's exposure boost
        # (the same value `candidates` reads: the highest factor of the piece's running boosts).
        factors = await self.active_boosts(cid) if self.active_boosts is not None else {}
        return CandidateSources(
            by_tag=_with_boosts(by_tag, factors),
            by_author=_with_boosts(by_author, factors),
            boosted=await self._boosted(cid, factors, limit=limit),
        )

    async def _boosted(self, cid: ObjectId, factors: dict[str, float], *, limit: int) -> list[ContentSummary]:
        if not factors:
            return []
        found = await self.store.list_published_summaries_by_ids(cid, [ObjectId(i) for i in factors])
        items = _with_boosts(list(found.values()), factors)
        items.sort(key=lambda s: (s.exposure_boost, s.published_at, s.id), reverse=True)
        return items[:limit]

    async def counts_by_author(self, community_id: str, since: datetime | None) -> dict[str, dict[str, int]]:
        return await self.store.count_published_by_author(object_id(community_id, field="communityId"), since)


def _with_boosts(items: list[ContentSummary], factors: dict[str, float]) -> list[ContentSummary]:
    return [i.model_copy(update={"exposure_boost": factors[i.id]}) if i.id in factors else i for i in items]
