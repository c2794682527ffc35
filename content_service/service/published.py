"""Reads over a community's published content: the ranker's candidates and sources, output per author, the mix.

Each first releases scheduled pieces whose time has come (the candidate sources excepted: the ranker asks for
`candidates` first in the same decision)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from content_service.domain.kinds import normalise_tags
from content_service.domain.mix import mix_report
from content_service.schemas.access import ViewerRef
from content_service.schemas.content import CandidateSources, CandidateSourcesRequest, ContentSummary
from content_service.schemas.pages import ContentEdge, ContentPage
from content_service.schemas.production import ContentMixRead, KindShareRead
from content_service.service.pieces import PiecesService
from content_service.service.settings import SettingsService
from content_service.store import ContentStore
from infra.errors import BadInputError
from infra.keyset import page_cursors, page_request

MAX_CANDIDATES = 2000


class PublishedService:
    def __init__(self, store: ContentStore, pieces: PiecesService, settings: SettingsService) -> None:
        self.store = store
        self.pieces = pieces
        self.settings = settings

    async def candidates(self, community_id: ObjectId, *, limit: int) -> list[ContentSummary]:
        await self.pieces.release_scheduled(community_id)
        items = await self.store.pieces.list_published_summaries(community_id, limit=max(1, min(limit, MAX_CANDIDATES)))
        if not items:
            return items
        # Every boost running in the community (few: content-star winners), on one indexed query.
        return _with_boosts(items, await self.store.incentives.list_active_boosts(community_id))

    async def page(
        self, community_id: ObjectId, *, first: int, after: str | None, tag: str | None, viewer: ViewerRef
    ) -> ContentPage:
        """Every published piece (answers too), newest first, `first` at a time after the cursor `after`, each as
        `viewer` may receive it (locked pieces stay in the page as teasers)."""
        limit, position = page_request(first, after)
        tags = normalise_tags([tag]) if tag is not None else []
        await self.pieces.release_scheduled(community_id)
        pieces = self.store.pieces
        found = await pieces.list_published_page(
            community_id, tag=tags[0] if tags else None, after=position, limit=limit
        )
        marks, has_next = page_cursors([(doc["published_at"], str(doc["_id"])) for doc in found], first)
        reads = await self.pieces.paywall.present(community_id, viewer, list(found[: len(marks)]))
        edges = [ContentEdge(cursor=mark, node=read) for mark, read in zip(marks, reads, strict=True) if read]
        return ContentPage(
            edges=edges,
            has_next_page=has_next,
            end_cursor=marks[-1] if marks else None,
            total_count=await pieces.count_published(community_id, tag=tags[0] if tags else None),
        )

    async def candidate_sources(self, community_id: ObjectId, request: CandidateSourcesRequest) -> CandidateSources:
        """Published items by tag, by author and boosted; each newest first (boosted: highest boost first)."""
        limit, per_key = request.per_source, request.per_key
        tags = normalise_tags(request.tags)
        authors = [ObjectId(a) for a in dict.fromkeys(request.author_ids)]
        pieces = self.store.pieces
        by_tag = (
            await pieces.list_published_summaries_by_tags(community_id, tags, limit=limit, per_key=per_key)
            if tags
            else []
        )
        by_author = (
            await pieces.list_published_summaries_by_authors(community_id, authors, limit=limit, per_key=per_key)
            if authors
            else []
        )
        # Every boost running now, on one indexed query: the `boosted` source, and each other item's exposure boost
        # (the same value `candidates` reads: the highest factor of the piece's running boosts).
        factors = await self.store.incentives.list_active_boosts(community_id)
        return CandidateSources(
            by_tag=_with_boosts(by_tag, factors),
            by_author=_with_boosts(by_author, factors),
            boosted=await self._boosted(community_id, factors, limit=limit),
        )

    async def _boosted(self, community_id: ObjectId, factors: dict[str, float], *, limit: int) -> list[ContentSummary]:
        if not factors:
            return []
        found = await self.store.pieces.list_published_summaries_by_ids(community_id, [ObjectId(i) for i in factors])
        items = _with_boosts(list(found.values()), factors)
        items.sort(key=lambda s: (s.exposure_boost, s.published_at, s.id), reverse=True)
        return items[:limit]

    async def counts_by_author(self, community_id: ObjectId, since: datetime | None) -> dict[str, dict[str, int]]:
        return await self.store.pieces.count_published_by_author(community_id, since)

    async def mix(self, community_id: ObjectId, *, window_days: int | None) -> ContentMixRead:
        if window_days is not None and not 1 <= window_days <= 366:
            raise BadInputError("window must be between 1 and 366 days", field="window")
        await self.pieces.release_scheduled(community_id)
        s = await self.settings.get(community_id)
        days = window_days or s.mix_window_days
        now = datetime.now(UTC)
        counts = await self.store.pieces.count_published_by_kind(community_id, now - timedelta(days=days), now)
        report = mix_report(
            counts,
            target=s.mix_target,
            margin_points=s.mix_margin_points,
            window_days=days,
            frequency_target=s.update_frequency_target,
        )
        return ContentMixRead(
            window_days=report.window_days,
            total=report.total,
            shares=[KindShareRead.model_validate(share.__dict__) for share in report.shares],
            margin_points=report.margin_points,
            alert=report.alert,
            pieces_per_week=report.pieces_per_week,
            pieces_per_week_target=report.pieces_per_week_target,
            frequency_alert=report.frequency_alert,
            computed_at=now,
        )


def _with_boosts(items: list[ContentSummary], factors: dict[str, float]) -> list[ContentSummary]:
    return [i.model_copy(update={"exposure_boost": factors[i.id]}) if i.id in factors else i for i in items]
