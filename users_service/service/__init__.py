"""users_service's rules, one module per concept, composed into the `UsersService` facade the routes call.

`service.members.register(...)`, `service.value.recompute(...)`: each concept is an attribute, not a base class.
Every method takes the community as an `ObjectId` parsed once by the route.
"""

from __future__ import annotations

from infra.settings import Settings
from users_service.service.accounts import AccountsService
from users_service.service.acquisition import AcquisitionService, AcquisitionTargets
from users_service.service.api_keys import ApiKeysService
from users_service.service.campaign_facts import CampaignFacts
from users_service.service.campaign_referrals import CampaignReferralsService
from users_service.service.campaign_report import CampaignReportService
from users_service.service.campaign_rewards import CampaignRewardsService
from users_service.service.campaigns import CampaignsService
from users_service.service.certificates import CertificatesService
from users_service.service.communities import CommunitiesService
from users_service.service.governance import GovernanceService, GovernanceTargets
from users_service.service.health import HealthService
from users_service.service.health_breakdowns import HealthBreakdownsService
from users_service.service.health_figures import HealthFiguresService
from users_service.service.importing import ImportingService
from users_service.service.jobs import JobsService
from users_service.service.ltv import LtvService
from users_service.service.mail import MailService
from users_service.service.members import MembersService
from users_service.service.offers import OffersService
from users_service.service.offline_events import OfflineEventsService
from users_service.service.stage import StageService, StageTargets
from users_service.service.sub_communities import SubCommunitiesService
from users_service.service.upstreams import Upstreams
from users_service.service.value import ValueService
from users_service.service.voice import VoiceService
from users_service.service.webhook_events import WebhookEvents
from users_service.store import UsersStore

__all__ = ["Upstreams", "UsersService"]


class UsersService:
    def __init__(self, store: UsersStore, upstreams: Upstreams, settings: Settings) -> None:
        self.communities = CommunitiesService(store.communities)
        self.webhook_events = WebhookEvents(store, upstreams.content)
        self.members = MembersService(
            store.members,
            store.login_failures,
            self.communities,
            login_max_failures=settings.login_max_failures,
            events=self.webhook_events,
        )
        self.api_keys = ApiKeysService(store.api_keys, self.communities)
        self.accounts = AccountsService(store, self.communities, self.members, settings)
        self.mail = MailService(store, self.members)
        self.importing = ImportingService(store.members, self.communities)
        self.value = ValueService(store.value, store.members, self.communities, upstreams, self.webhook_events)
        self.offers = OffersService(store.members, self.value, upstreams)
        self.ltv = LtvService(store.ltv, store.members, self.communities, upstreams)
        self.jobs = JobsService(
            store.jobs, self.communities, self.value, self.ltv, lease_seconds=settings.job_lease_seconds
        )
        self.voice = VoiceService(
            store.voice, self.communities, self.members, excellent_above=settings.nps_excellent_above
        )
        self.governance = GovernanceService(
            store.governance,
            store.members,
            self.members,
            GovernanceTargets(
                committee=settings.governance_committee_target,
                expert_panel=settings.governance_expert_panel_target,
                adoption_rate=settings.governance_target_adoption_rate,
            ),
        )
        self.acquisition = AcquisitionService(
            store.acquisition,
            store.members,
            self.communities,
            self.members,
            upstreams,
            AcquisitionTargets(
                camp_conversion=settings.trial_camp_conversion_target,
                plan_retention=settings.trial_plan_retention_target,
                ltv_to_cac_healthy_above=settings.ltv_to_cac_healthy_above,
            ),
        )
        self.stage = StageService(
            store.members,
            self.communities,
            self.value,
            self.governance,
            upstreams,
            StageTargets(
                seed_members=settings.stage_seed_members_target,
                koc_share=settings.stage_koc_share_target,
                mau=settings.stage_mau_target,
                content_mix=settings.stage_content_mix_target,
                funnel_conversion=settings.stage_funnel_conversion_target,
                committee=settings.governance_committee_target,
                sub_communities=settings.stage_sub_communities_target,
            ),
        )
        self.sub_communities = SubCommunitiesService(
            self.communities,
            store.communities,
            store.members,
            self.value,
            self.stage,
            upstreams,
            target_days=settings.incubation_target_days,
        )
        self.health = HealthService(
            store.health,
            self.communities,
            HealthFiguresService(
                self.communities, store.members, self.value, self.voice, self.governance, self.acquisition, upstreams
            ),
            HealthBreakdownsService(store.members, self.voice, upstreams),
            upstreams,
        )
        self.campaigns = CampaignsService(store.campaigns, self.communities, self.members, self.value)
        self.campaign_rewards = CampaignRewardsService(
            store.campaign_rewards,
            self.campaigns,
            self.members,
            CampaignFacts(store.campaigns, store.offline_events, upstreams),
            upstreams,
        )
        secret = (settings.internal_api_token or settings.jwt_secret or "development").encode()
        self.campaign_referrals = CampaignReferralsService(store.campaigns, self.campaigns, self.members, secret=secret)
        self.offline_events = OfflineEventsService(
            store.offline_events, self.campaigns, self.members, upstreams, secret=secret
        )
        self.campaign_report = CampaignReportService(store.campaign_rewards, self.campaigns, self.members, upstreams)
        self.certificates = CertificatesService(
            store.campaign_rewards, self.campaigns, self.members, cjk_font=settings.invoice_cjk_font
        )
