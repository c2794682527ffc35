"""users_service's ASGI app: the store, the service facade and the routes, over the service's own database."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.leader import leader_lease
from infra.periodic import PeriodicTask
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.routes import routes
from users_service.service import Upstreams, UsersService
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
        # Jobs a dead process left RUNNING (their lease lapsed) are failed before anyone reads them.
        await service.jobs.recover()
        # Daily health snapshots; the first waits one interval, so a restart does not recompute at once.
        snapshots = PeriodicTask(
            "health-snapshots",
            service.health.snapshot_all,
            interval=settings.health_snapshot_interval_seconds,
            lease=leader_lease(settings, "health-snapshots"),
        )
        app.state.health_snapshots = snapshots
        snapshots.start()
        releases = PeriodicTask(
            "campaign-releases",
            service.campaign_rewards.release_all_due,
            interval=settings.campaign_release_interval_seconds,
            lease=leader_lease(settings, "campaign-releases"),
        )
        app.state.campaign_releases = releases
        releases.start()

    async def teardown(app: Starlette) -> None:
        for name in ("health_snapshots", "campaign_releases"):
            task: PeriodicTask | None = getattr(app.state, name, None)
            if task is not None:
                await task.stop()
        service: UsersService | None = getattr(app.state, "service", None)
        if service is not None:
            await service.jobs.stop()

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
