"""users_service's ASGI app: the store, the service facade and the routes, over the service's own database."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.outbox import OutboxRelay
from infra.periodic import PeriodicTask
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.routes import routes
from users_service.service import Upstreams, UsersService
from users_service.service.webhook_events import WEBHOOKS, webhooks_handler
from users_service.store import UsersStore


def create_app(
    settings: Settings, *, distribution: DistributionClient, billing: BillingClient, content: ContentClient
) -> Starlette:
    """users_service's app; member value reads the other services through these clients."""
    upstreams = Upstreams(distribution=distribution, billing=billing, content=content)

    async def setup(app: Starlette, db: Any) -> None:
        store = UsersStore(db, login_failure_window_seconds=settings.login_failure_window_seconds)
        await store.ensure_indexes()
        service = UsersService(store, upstreams, settings)
        app.state.service = service
        # member.joined and tier.changed go from the outbox to content_service, which owns webhook endpoints.
        relay = OutboxRelay(
            store.outbox,
            {WEBHOOKS: webhooks_handler(content)},
            base_delay_seconds=settings.outbox_retry_base_seconds,
            max_delay_seconds=settings.outbox_retry_max_seconds,
            max_attempts=settings.outbox_max_attempts,
            interval_seconds=settings.outbox_relay_interval_seconds,
            lease_seconds=2 * settings.service_timeout_seconds,
        )
        store.on_commit = relay.notify
        app.state.relay = relay
        if settings.outbox_relay_enabled:
            relay.start()
        # Daily health snapshots; the first waits one interval, so a restart does not recompute at once.
        snapshots = PeriodicTask(
            "health-snapshots", service.health.snapshot_all, interval=settings.health_snapshot_interval_seconds
        )
        app.state.health_snapshots = snapshots
        snapshots.start()

    async def teardown(app: Starlette) -> None:
        relay: OutboxRelay | None = getattr(app.state, "relay", None)
        if relay is not None:
            await relay.stop()
        snapshots: PeriodicTask | None = getattr(app.state, "health_snapshots", None)
        if snapshots is not None:
            await snapshots.stop()

    return create_service_app(
        name="users",
        routes=routes,
        lifespan=database_lifespan(
            uri=settings.mongodb_uri,
            database=settings.database_name("users"),
            app_name="users_service",
            setup=setup,
            teardown=teardown,
        ),
        internal_token=settings.internal_api_token,
    )
