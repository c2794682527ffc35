"""Issue 6's part of users_service: member value, LTV, NPS, governance and lifecycle stage, wired in one place."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from infra.settings import Settings
from users_service.acquisition.routes import routes as acquisition_routes
from users_service.acquisition.service import AcquisitionService, AcquisitionTargets
from users_service.acquisition.store import AcquisitionStore
from users_service.governance.routes import routes as governance_routes
from users_service.governance.service import GovernanceService, GovernanceTargets
from users_service.governance.store import GovernanceStore
from users_service.ltv.routes import routes as ltv_routes
from users_service.ltv.service import LtvService
from users_service.ltv.store import LtvStore
from users_service.stage.routes import routes as stage_routes
from users_service.stage.service import StageService, StageTargets
from users_service.stage.store import StageStore
from users_service.store import UsersStore
from users_service.value.routes import routes as value_routes
from users_service.value.service import Upstreams, ValueService
from users_service.value.store import ValueStore
from users_service.voice.routes import routes as voice_routes
from users_service.voice.service import VoiceService
from users_service.voice.store import VoiceStore

ROUTES = [*value_routes, *ltv_routes, *voice_routes, *governance_routes, *stage_routes, *acquisition_routes]


async def setup_member_value(
    app: Starlette, db: Any, settings: Settings, store: UsersStore, upstreams: Upstreams
) -> None:
    value_store = ValueStore(db)
    await value_store.ensure_indexes()
    app.state.value = ValueService(value_store, store, upstreams)
    ltv_store = LtvStore(db)
    await ltv_store.ensure_indexes()
    app.state.ltv = LtvService(ltv_store, app.state.value, upstreams)
    voice_store = VoiceStore(db)
    await voice_store.ensure_indexes()
    app.state.voice = VoiceService(voice_store, store, excellent_above=settings.nps_excellent_above)
    governance_store = GovernanceStore(db)
    await governance_store.ensure_indexes()
    targets = GovernanceTargets(
        committee=settings.governance_committee_target,
        expert_panel=settings.governance_expert_panel_target,
        adoption_rate=settings.governance_target_adoption_rate,
    )
    app.state.governance = GovernanceService(governance_store, store, targets)
    stage_store = StageStore(db)
    await stage_store.ensure_indexes()
    stage_targets = StageTargets(
        seed_members=settings.stage_seed_members_target,
        koc_share=settings.stage_koc_share_target,
        mau=settings.stage_mau_target,
        content_mix=settings.stage_content_mix_target,
        funnel_conversion=settings.stage_funnel_conversion_target,
        committee=settings.governance_committee_target,
        sub_communities=settings.stage_sub_communities_target,
    )
    acquisition_store = AcquisitionStore(db)
    await acquisition_store.ensure_indexes()
    acquisition_targets = AcquisitionTargets(
        camp_conversion=settings.trial_camp_conversion_target,
        plan_retention=settings.trial_plan_retention_target,
        ltv_to_cac_healthy_above=settings.ltv_to_cac_healthy_above,
    )
    app.state.acquisition = AcquisitionService(acquisition_store, store, upstreams, acquisition_targets)
    app.state.stage = StageService(stage_store, store, app.state.value, governance_store, upstreams, stage_targets)
