"""ContentClient's calls about pieces: publish, read, look up, the ranker's reads and bulk import."""

from __future__ import annotations

from datetime import datetime

from content_service.schemas.access import ANONYMOUS_VIEWER, ViewerRef
from content_service.schemas.content import (
    CandidateList,
    CandidateSources,
    ContentCountsByAuthor,
    ContentCreate,
    ContentIdCheck,
    ContentIdCheckResult,
    ContentImportBatch,
    ContentLookupResult,
    ContentRead,
    ContentSummary,
)
from content_service.schemas.pages import ContentPage
from infra.bulk import ImportResult, SourceIdLookup, SourceIdMap
from infra.http import ServiceClient
from infra.paths import community_path, segment


class ContentCalls(ServiceClient):
    async def publish(self, community_id: str, content_in: ContentCreate) -> ContentRead:
        body = await self._call("POST", f"{community_path(community_id)}/content", json=content_in.to_wire())
        return ContentRead.model_validate(body)

    async def get(
        self, community_id: str, content_id: str, *, viewer: ViewerRef = ANONYMOUS_VIEWER, viewer_id: str | None = None
    ) -> ContentRead:
        """One piece as `viewer` (`viewer_id`: that member) may receive it: NOT_FOUND unless they may read it
        (author, operator, or visible), its body empty and `locked` true where the paywall keeps it from them.
        Services that need every body say `viewer=SERVICE`; naming no one reads as anonymous."""
        who = ViewerRef.member(viewer_id) if viewer_id else viewer
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}"
        return await self._call_model(ContentRead, "GET", path, params={"viewer": who.to_wire()})

    async def published_page(
        self,
        community_id: str,
        *,
        first: int,
        after: str | None = None,
        tag: str | None = None,
        viewer: ViewerRef = ANONYMOUS_VIEWER,
    ) -> ContentPage:
        """A keyset page of every published piece, newest first, as `viewer` may receive each; `after` is a
        cursor from an earlier page."""
        params: dict[str, str | int] = {"first": first, "viewer": viewer.to_wire()}
        if after is not None:
            params["after"] = after
        if tag is not None:
            params["tag"] = tag
        return await self._call_model(
            ContentPage, "GET", f"{community_path(community_id)}/content/published", params=params
        )

    async def lookup(
        self,
        community_id: str,
        content_ids: list[str],
        *,
        viewer: ViewerRef = ANONYMOUS_VIEWER,
        cached: bool = False,
    ) -> list[ContentRead | None]:
        """Content in the order asked, as `viewer` may receive each; None where an id is not content of this
        community. `cached=True` (a feed's cards) may describe pieces as they were up to
        CONTENT_CARD_TTL_SECONDS ago; the paywall still decides for the viewer now."""
        path = f"{community_path(community_id)}/content/lookup"
        wire: dict[str, object] = {"ids": content_ids, "viewer": viewer.to_wire()}
        if cached:
            wire["cached"] = True
        return (await self._call_model(ContentLookupResult, "POST", path, json=wire)).items

    async def candidates(self, community_id: str, *, limit: int = 500) -> list[ContentSummary]:
        path = f"{community_path(community_id)}/content/candidates"
        return CandidateList.model_validate(await self._call("GET", path, params={"limit": limit})).items

    async def candidate_sources(
        self,
        community_id: str,
        *,
        tags: list[str],
        author_ids: list[str],
        per_source: int = 500,
        per_key: int | None = None,
    ) -> CandidateSources:
        """Published items carrying any of `tags` (at most 200), by any of `author_ids` (at most 1000), and with an
        exposure boost running now: three lists, each at most `per_source` (1..1000) long; with `per_key`, the tag
        and author lists hold at most that many items per asked tag and per asked author. Sent unchecked: the
        service names the offending field (BadInputError) and reads nothing then."""
        path = f"{community_path(community_id)}/content/candidates/sources"
        body: dict[str, object] = {"tags": tags, "authorIds": author_ids, "perSource": per_source}
        if per_key is not None:
            body["perKey"] = per_key
        return CandidateSources.model_validate(await self._call("POST", path, json=body))

    async def counts_by_author(self, community_id: str, since: datetime | None = None) -> dict[str, dict[str, int]]:
        """Member id → {kind: published pieces} since `since`; members who published nothing are absent."""
        path = f"{community_path(community_id)}/content/by-author"
        params = {"since": since.isoformat()} if since else None
        return ContentCountsByAuthor.model_validate(await self._call("GET", path, params=params)).authors

    async def import_content(self, community_id: str, batch: ContentImportBatch) -> ImportResult:
        """Create content from another platform; items in the order sent, each CREATED, SKIPPED or REJECTED."""
        path = f"{community_path(community_id)}/content/import"
        return ImportResult.model_validate(await self._call("POST", path, json=batch.to_wire()))

    async def known_ids(self, community_id: str, content_ids: list[str]) -> set[str]:
        """The ids among `content_ids` (at most 1000) that name content of this community."""
        path = f"{community_path(community_id)}/content/known"
        body = await self._call("POST", path, json=ContentIdCheck(ids=content_ids).to_wire())
        return set(ContentIdCheckResult.model_validate(body).known)

    async def known_threads(self, community_id: str, content_ids: list[str]) -> dict[str, str | None]:
        """The ids among `content_ids` (at most 1000) that name content of this community, each with its thread
        (a reply's parent; None for an item at the top of its thread)."""
        path = f"{community_path(community_id)}/content/known"
        body = ContentIdCheckResult.model_validate(
            await self._call("POST", path, json=ContentIdCheck(ids=content_ids).to_wire())
        )
        return {i: body.threads.get(i) for i in body.known}

    async def content_ids_by_source(self, community_id: str, source: str, source_ids: list[str]) -> dict[str, str]:
        """Source id -> content id for the content an import of `source` created (at most 1000 ids a call)."""
        path = f"{community_path(community_id)}/content/by-source"
        body = await self._call("POST", path, json=SourceIdLookup(source=source, source_ids=source_ids).to_wire())
        return SourceIdMap.model_validate(body).ids
