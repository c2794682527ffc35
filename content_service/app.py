"""content_service's ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from content_service.routes import routes
from content_service.service import ContentService
from content_service.store import ContentStore
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.client import UsersClient


def create_app(settings: Settings, *, users: UsersClient) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = ContentStore(db)
        await store.ensure_indexes()
        await store.ensure_import_indexes()  # issue 4
        app.state.service = ContentService(store, users)

    return create_service_app(
        name="content",
        routes=routes,
        lifespan=database_lifespan(
            uri=settings.mongodb_uri,
            database=settings.database_name("content"),
            app_name="content_service",
            setup=setup,
        ),
        internal_token=settings.internal_api_token,
    )
