"""users_service's ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.routes import routes
from users_service.service import UsersService
from users_service.store import UsersStore


def create_app(settings: Settings) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = UsersStore(db, login_failure_window_seconds=settings.login_failure_window_seconds)
        await store.ensure_indexes()
        await store.ensure_import_indexes()  # issue 4
        app.state.service = UsersService(store, login_max_failures=settings.login_max_failures)

    return create_service_app(
        name="users",
        routes=routes,
        lifespan=database_lifespan(
            uri=settings.mongodb_uri, database=settings.database_name("users"), app_name="users_service", setup=setup
        ),
        internal_token=settings.internal_api_token,
    )
