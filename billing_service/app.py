"""billing_service's ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from billing_service.routes import routes
from billing_service.service import BillingService
from billing_service.store import BillingStore
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings


def create_app(settings: Settings) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = BillingStore(app.state.mongo, db)
        await store.ensure_indexes()
        app.state.service = BillingService(store)

    return create_service_app(
        name="billing",
        routes=routes,
        lifespan=database_lifespan(
            uri=settings.mongodb_uri,
            database=settings.database_name("billing"),
            app_name="billing_service",
            setup=setup,
        ),
        internal_token=settings.internal_api_token,
    )
