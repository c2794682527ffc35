"""users_service's ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.governance.routes import routes as governance_routes
from users_service.governance.service import GovernanceService, GovernanceTargets
from users_service.governance.store import GovernanceStore
from users_service.ltv.routes import routes as ltv_routes
from users_service.ltv.service import LtvService
from users_service.ltv.store import LtvStore
from users_service.routes import routes
from users_service.service import UsersService
from users_service.store import UsersStore
from users_service.value.routes import routes as value_routes
from users_service.value.service import Upstreams, ValueService
from users_service.value.store import ValueStore
from users_service.voice.routes import routes as voice_routes
from users_service.voice.service import VoiceService
from users_service.voice.store import VoiceStore


def create_app(settings: Settings, *, upstreams: Upstreams) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = UsersStore(db, login_failure_window_seconds=settings.login_failure_window_seconds)
        await store.ensure_indexes()
        app.state.service = UsersService(store, login_max_failures=settings.login_max_failures)
        # Issue 6: member value (RFM pyramid, tiers), LTV, NPS, lifecycle stage, governance.
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

    return create_service_app(
        name="users",
        routes=[*routes, *value_routes, *ltv_routes, *voice_routes, *governance_routes],
        lifespan=database_lifespan(
            uri=settings.mongodb_uri, database=settings.database_name("users"), app_name="users_service", setup=setup
        ),
        internal_token=settings.internal_api_token,
    )
