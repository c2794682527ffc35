"""users_service's only MongoDB package: one store class per collection group, composed here.

Each collection is opened by exactly one class (`members` by `MembersStore` only); other code reaches a
collection through that class's named finders, each filtered by community.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.asynchronous.database import AsyncDatabase

from users_service.store.acquisition import AcquisitionStore
from users_service.store.api_keys import ApiKeysStore
from users_service.store.base import Doc, Session, in_transaction
from users_service.store.campaign_rewards import CampaignRewardsStore
from users_service.store.campaigns import CampaignsStore
from users_service.store.communities import CommunitiesStore
from users_service.store.governance import GovernanceStore
from users_service.store.health import HealthStore
from users_service.store.jobs import JobsStore
from users_service.store.login_failures import LoginFailuresStore
from users_service.store.ltv import LtvStore
from users_service.store.members import MembersStore, MemberState
from users_service.store.offline_events import OfflineEventsStore
from users_service.store.value import ValueStore
from users_service.store.voice import VoiceStore

__all__ = ["Doc", "MemberState", "Session", "UsersStore"]
T = TypeVar("T")


class UsersStore:
    def __init__(self, db: AsyncDatabase[Doc], *, login_failure_window_seconds: int = 900) -> None:
        self.db = db
        self.communities = CommunitiesStore(db)
        self.members = MembersStore(db)
        self.login_failures = LoginFailuresStore(db, window_seconds=login_failure_window_seconds)
        self.value = ValueStore(db)
        self.ltv = LtvStore(db)
        self.jobs = JobsStore(db)
        self.voice = VoiceStore(db)
        self.governance = GovernanceStore(db)
        self.acquisition = AcquisitionStore(db)
        self.health = HealthStore(db)
        self.api_keys = ApiKeysStore(db)
        self.campaigns = CampaignsStore(db)
        self.campaign_rewards = CampaignRewardsStore(db)
        self.offline_events = OfflineEventsStore(db)

    async def ensure_indexes(self) -> None:
        parts = (
            self.communities,
            self.members,
            self.login_failures,
            self.value,
            self.ltv,
            self.jobs,
            self.voice,
            self.governance,
            self.acquisition,
            self.health,
            self.api_keys,
            self.campaigns,
            self.campaign_rewards,
            self.offline_events,
        )
        for part in parts:
            await part.ensure_indexes()

    async def transaction(self, callback: Callable[[Session], Awaitable[T]]) -> T:
        return await in_transaction(self.db, callback)
