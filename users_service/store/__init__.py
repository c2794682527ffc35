"""users_service's only MongoDB package: one store class per collection group, composed here.

Each collection is opened by exactly one class (`members` by `MembersStore` only); other code reaches a
collection through that class's named finders, each filtered by community.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.asynchronous.database import AsyncDatabase

from infra.kept_docs import transaction_voiding
from infra.outbox import Outbox
from users_service.store.account_codes import AccountCodesStore
from users_service.store.acquisition import AcquisitionStore
from users_service.store.api_keys import ApiKeysStore
from users_service.store.base import Doc, Session
from users_service.store.campaign_rewards import CampaignRewardsStore
from users_service.store.campaigns import CampaignsStore
from users_service.store.communities import CommunitiesStore
from users_service.store.governance import GovernanceStore
from users_service.store.health import HealthStore
from users_service.store.jobs import JobsStore
from users_service.store.login_failures import LoginFailuresStore
from users_service.store.ltv import LtvStore
from users_service.store.mail_outbox import MailOutboxStore
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
        self.account_codes = AccountCodesStore(db)
        self.mail_outbox = MailOutboxStore(db)
        # Set by the app to wake the mail relay once a transaction that queued mail has committed.
        # Webhook events (member.joined, tier.changed) wait here for the relay, written with their change.
        self.outbox = Outbox(db["outbox"])
        # Set by the app to wake the outbox relay once events are committed.
        self.on_commit: Callable[[], None] = lambda: None

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
            self.account_codes,
            self.mail_outbox,
            self.outbox,
        )
        for part in parts:
            await part.ensure_indexes()

    async def transaction(self, callback: Callable[[Session], Awaitable[T]]) -> T:
        """`callback` writes with the session, in one transaction; the mail relay is woken after the commit."""
        result = await transaction_voiding(self.db, callback, self.members.kept)
        self.on_commit()
        return result
