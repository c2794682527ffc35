"""distribution_service's ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from content_service.client import ContentClient
from distribution_service.ranking.heuristic import HeuristicRanker
from distribution_service.routes import routes
from distribution_service.service import DistributionService
from distribution_service.store import DistributionStore
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings


def create_app(settings: Settings, *, content: ContentClient) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = DistributionStore(db)
        await store.ensure_indexes()
        await store.ensure_import_indexes()  # issue 4
        app.state.service = DistributionService(store, content, HeuristicRanker())

    return create_service_app(
        name="distribution",
        routes=routes,
        lifespan=database_lifespan(
            uri=settings.mongodb_uri,
            database=settings.database_name("distribution"),
            app_name="distribution_service",
            setup=setup,
        ),
        internal_token=settings.internal_api_token,
    )
