"""The content figures users_service's health indicators read; each one an indexed aggregation here."""

from __future__ import annotations

from datetime import datetime, timedelta

from bson import ObjectId

from content_service.domain.kinds import ContentKind
from content_service.schemas.figures import ContentFigures
from content_service.service.crisis import CrisisService
from content_service.store import ContentStore

WINDOW = timedelta(days=30)


class FiguresService:
    def __init__(self, store: ContentStore, crisis: CrisisService) -> None:
        self.store = store
        self.crisis = crisis

    async def content(self, cid: ObjectId, as_of: datetime) -> ContentFigures:
        since = as_of - WINDOW
        # count_published_by_kind's window is closed at its end; a moment before as_of keeps W half-open.
        kinds = await self.store.pieces.count_published_by_kind(cid, since, as_of - timedelta(microseconds=1))
        hourly = await self.store.moderation.complaints_by_hour(cid, since, as_of)
        incidents = await self.crisis.metrics(cid)
        return ContentFigures(
            as_of=as_of,
            published_pgc=kinds.get(ContentKind.PGC.value, 0),
            published_ugc=kinds.get(ContentKind.UGC.value, 0),
            published_commercial=kinds.get(ContentKind.COMMERCIAL.value, 0),
            authors=await self.store.pieces.count_authors_between(cid, since, as_of),
            complaints=sum(hourly),
            peak_hourly_complaints=max(hourly, default=0),
            hidden=await self.store.moderation.count_hidden_between(cid, since, as_of),
            open_incidents=incidents.open_incidents,
            first_response_minutes=incidents.median_first_response_minutes,
            steps_on_time_rate=incidents.steps_on_time_rate,
        )
