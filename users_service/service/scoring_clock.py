"""The moment member value (tiers, the RFM pyramid, LTV) is scored at when the operator names none.

A live community is scored as of now. An imported history is scored as of its last activity: scored as of now,
a dump whose last event is two years old shows every member lapsed (all NEW or POTENTIAL, all in the base layer).
A community counts as an imported history while nothing happened in it after its latest member import.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from users_service.service.communities import CommunitiesService
from users_service.service.upstreams import Upstreams


class ScoringClock:
    def __init__(self, communities: CommunitiesService, upstreams: Upstreams) -> None:
        self.communities = communities
        self.upstreams = upstreams

    async def last_activity_at(self, cid: ObjectId) -> datetime | None:
        activity = await self.upstreams.distribution.activity_by_member(str(cid))
        return max((a.last_at for a in activity.values()), default=None)

    async def moment(self, cid: ObjectId) -> datetime:
        """Now, or the last activity of an imported history with no activity since its import."""
        now = datetime.now(UTC)
        imported_at = await self.communities.imported_at(cid)
        if imported_at is None:
            return now
        last = await self.last_activity_at(cid)
        if last is None or last >= imported_at:
            return now
        return last
