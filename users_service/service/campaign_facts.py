"""What the records say a member did in a campaign's window, read from the services that own each record.

Events from distribution's event log, publications from content, streaks, referrals and on-site check-ins
from users' own collections: a task is never marked done on the member's word.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from infra.moments import as_utc
from users_service.domain.campaigns import EVENT_TYPE_OF, Facts, TaskKind
from users_service.service.campaigns import streak_of
from users_service.service.upstreams import Upstreams
from users_service.store.base import Doc
from users_service.store.campaigns import CampaignsStore
from users_service.store.offline_events import OfflineEventsStore

PUBLICATIONS_READ = 500  # the member's newest publications checked for a tag


class CampaignFacts:
    def __init__(self, store: CampaignsStore, offline: OfflineEventsStore, upstreams: Upstreams) -> None:
        self.store = store
        self.offline = offline
        self.upstreams = upstreams

    async def facts(self, cid: ObjectId, campaign: Doc, task: Doc, member_id: ObjectId) -> Facts:
        """The facts one task needs (only those: each source is asked only when the task reads it)."""
        kind = TaskKind(task["kind"])
        since = as_utc(campaign["starts_at"])
        until = min(datetime.now(UTC), as_utc(campaign["ends_at"]))
        counts: dict[str, int] = {}
        best = tagged = referrals = attended = 0
        if kind in EVENT_TYPE_OF:
            counts = await self.upstreams.distribution.member_event_counts(
                str(cid), str(member_id), since=since, until=until
            )
        elif kind == TaskKind.CHECK_IN_STREAK:
            best = streak_of(await self.store.get_participant(cid, campaign["_id"], member_id)).best
        elif kind == TaskKind.PUBLISH_WITH_TAG:
            sources = await self.upstreams.content.candidate_sources(
                str(cid), tags=[], author_ids=[str(member_id)], per_source=PUBLICATIONS_READ
            )
            tagged = sum(
                1 for item in sources.by_author if task["tag"] in item.tags and since <= item.published_at < until
            )
        elif kind == TaskKind.INVITE:
            referrals = await self.store.count_referrals(cid, campaign["_id"], member_id)
        elif kind == TaskKind.ATTEND:
            events = [e["_id"] for e in await self.offline.list_for_campaign(cid, campaign["_id"])]
            attended = await self.offline.count_attended(cid, member_id, events)
        return Facts(
            event_counts=counts, best_streak=best, tagged_publications=tagged, referrals=referrals, attended=attended
        )
