"""users_service's ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.member_value import ROUTES as MEMBER_VALUE_ROUTES
from users_service.member_value import setup_member_value
from users_service.routes import routes
from users_service.service import UsersService
from users_service.store import UsersStore
from users_service.value.service import Upstreams


def create_app(
    settings: Settings, *, distribution: DistributionClient, billing: BillingClient, content: ContentClient
) -> Starlette:
    """users_service's app; member value reads the other services through these clients."""
    upstreams = Upstreams(distribution=distribution, billing=billing, content=content)

    async def setup(app: Starlette, db: Any) -> None:
        store = UsersStore(db, login_failure_window_seconds=settings.login_failure_window_seconds)
        await store.ensure_indexes()
        await store.ensure_import_indexes()  # issue 4
        app.state.service = UsersService(store, login_max_failures=settings.login_max_failures)
        # Issue 6: member value (RFM pyramid, tiers), LTV, NPS, governance, lifecycle stage.
        await setup_member_value(app, db, settings, store, upstreams)

    return create_service_app(
        name="users",
        routes=[*routes, *MEMBER_VALUE_ROUTES],
        lifespan=database_lifespan(
            uri=settings.mongodb_uri, database=settings.database_name("users"), app_name="users_service", setup=setup
        ),
        internal_token=settings.internal_api_token,
    )
