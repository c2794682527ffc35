"""What a reader holds, asked of users (roles, value tier, RFM layer and the perks its treatment grants) and
billing (a live paid subscription, its plan).

Only members are looked up: the admin key and service calls see everything, partner keys and anonymous callers
hold nothing. Answers are kept per process for a short while, but a kept answer may only unlock: the paywall
asks again before it locks anything on a kept answer (`fresh=True`), so a subscription unlocks on the next read.
"""

from __future__ import annotations

import time

from bson import ObjectId

from billing_service.client import BillingClient
from content_service.domain.access import EVERYTHING, NOBODY, Entitlements, ViewerKind
from content_service.schemas.access import ViewerRef
from content_service.service.actors import Actors
from users_service.client import UsersClient
from users_service.schemas import Perk, TreatmentList

MAX_KEPT = 10_000


class TreatmentLookup:
    """The community's layer treatments (which layer grants which perk), kept per process for the TTL: operators
    change them rarely, and a fresh ask (before locking on a kept answer) reads them again."""

    def __init__(self, users: UsersClient, *, ttl_seconds: float) -> None:
        self.users = users
        self.ttl_seconds = ttl_seconds
        self._kept: dict[ObjectId, tuple[float, TreatmentList]] = {}

    async def of(self, community_id: ObjectId, *, fresh: bool = False) -> TreatmentList:
        clock = time.monotonic()
        kept = self._kept.get(community_id)
        if not fresh and kept is not None and kept[0] > clock:
            return kept[1]
        treatments = await self.users.treatments(str(community_id))
        if self.ttl_seconds > 0:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[community_id] = (clock + self.ttl_seconds, treatments)
        return treatments


class EntitlementLookup:
    def __init__(
        self, actors: Actors, billing: BillingClient | None, treatments: TreatmentLookup, *, ttl_seconds: float
    ) -> None:
        self.actors = actors
        self.billing = billing
        self.treatments = treatments
        self.ttl_seconds = ttl_seconds
        self._kept: dict[tuple[ObjectId, str], tuple[float, Entitlements]] = {}

    async def of(self, community_id: ObjectId, viewer: ViewerRef, *, fresh: bool = False) -> tuple[Entitlements, bool]:
        """(what the viewer holds, whether it is a kept answer rather than one asked just now)."""
        if viewer.sees_all:
            return EVERYTHING, False
        if viewer.kind != ViewerKind.MEMBER or viewer.member_id is None:
            return NOBODY, False
        key = (community_id, viewer.member_id)
        clock = time.monotonic()
        kept = self._kept.get(key)
        if not fresh and kept is not None and kept[0] > clock:
            return kept[1], True
        held = await self._ask(community_id, viewer.member_id, fresh=fresh)
        if self.ttl_seconds > 0:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[key] = (clock + self.ttl_seconds, held)
        return held, False

    async def _ask(self, community_id: ObjectId, member_id: str, *, fresh: bool) -> Entitlements:
        actor = await self.actors.get(community_id, member_id)
        if actor.is_operator:
            return Entitlements(sees_all=True, member_id=actor.id, tier=actor.tier)
        perks = (await self.treatments.of(community_id, fresh=fresh)).perks_of(actor.rfm_layer)
        early = Perk.EARLY_ACCESS in perks
        # Without a billing client (a content service run alone without one) nobody has paid: locked, not open.
        membership = None
        if self.billing is not None:
            membership = (await self.billing.lookup_memberships(str(community_id), [actor.id]))[0]
        paid = membership is not None and not membership.access_blocked
        plans = frozenset({membership.plan.id}) if membership is not None and paid else frozenset()
        return Entitlements(member_id=actor.id, paid=paid, plan_ids=plans, tier=actor.tier, early_access=early)
