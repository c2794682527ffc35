"""`UsersClient`: the only way other services and the gateway reach users_service.

One mixin per concept (communities, members, acquisition, value, LTV, background jobs, NPS, governance, stage,
health, partner API keys, batch offers); every path is built with `infra.paths` (`community_path`, `segment`), so
a malformed id or slug is BAD_USER_INPUT before any request leaves.
"""

from __future__ import annotations

from infra.http import ServiceClient
from users_service.client.accounts import AccountsClientMixin
from users_service.client.acquisition import AcquisitionClientMixin
from users_service.client.api_keys import ApiKeysClientMixin
from users_service.client.campaigns import CampaignsClientMixin
from users_service.client.communities import CommunitiesClientMixin
from users_service.client.governance import GovernanceClientMixin
from users_service.client.health import HealthClientMixin
from users_service.client.jobs import JobsClientMixin
from users_service.client.ltv import LtvClientMixin
from users_service.client.members import MembersClientMixin
from users_service.client.offers import OffersClientMixin
from users_service.client.offline_events import OfflineEventsClientMixin
from users_service.client.stage import StageClientMixin
from users_service.client.sub_communities import SubCommunitiesClientMixin
from users_service.client.value import ValueClientMixin
from users_service.client.voice import VoiceClientMixin

__all__ = ["UsersClient"]


class UsersClient(
    CommunitiesClientMixin,
    MembersClientMixin,
    AcquisitionClientMixin,
    ValueClientMixin,
    LtvClientMixin,
    JobsClientMixin,
    VoiceClientMixin,
    GovernanceClientMixin,
    StageClientMixin,
    SubCommunitiesClientMixin,
    HealthClientMixin,
    ApiKeysClientMixin,
    CampaignsClientMixin,
    OfflineEventsClientMixin,
    AccountsClientMixin,
    OffersClientMixin,
    ServiceClient,
):
    service_name = "users"
