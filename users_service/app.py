"""users_service's ASGI app: the store, the service facade and the routes, over the service's own database."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.leader import leader_lease
from infra.logging import get_logger
from infra.mailer import mailer_for
from infra.outbox import OutboxRelay
from infra.periodic import PeriodicTask
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.routes import routes
from users_service.service import Upstreams, UsersService
from users_service.service.mail import mail_handler
from users_service.service.webhook_events import WEBHOOKS, webhooks_handler
from users_service.store import UsersStore
from users_service.store.mail_outbox import MAIL

log = get_logger(__name__)


def create_app(
    settings: Settings, *, distribution: DistributionClient, billing: BillingClient, content: ContentClient
) -> Starlette:
    """users_service's app; member value reads the other services through these clients."""
    upstreams = Upstreams(distribution=distribution, billing=billing, content=content)

    async def setup(app: Starlette, db: Any) -> None:
        store = UsersStore(db, login_failure_window_seconds=settings.login_failure_window_seconds)
        store.members.keep_callers(settings.member_read_ttl)
        await store.ensure_indexes()
        service = UsersService(store, upstreams, settings)
        app.state.service = service
        mail_relay = OutboxRelay(
            store.mail_outbox.outbox,
            {MAIL: mail_handler(mailer_for(settings))},
            base_delay_seconds=settings.outbox_retry_base_seconds,
            max_delay_seconds=settings.outbox_retry_max_seconds,
            max_attempts=settings.outbox_max_attempts,
            interval_seconds=settings.outbox_relay_interval_seconds,
            # A claimed mail whose relay died before marking it is due again after twice the SMTP timeout.
            lease_seconds=2 * settings.smtp_timeout_seconds,
            # Sent mail keeps its recipient and subject for the log, not its body (it may carry a code).
            scrub=("body",),
        )
        # member.joined and tier.changed go from the outbox to content_service, which owns webhook endpoints.
        webhook_relay = OutboxRelay(
            store.outbox,
            {WEBHOOKS: webhooks_handler(content)},
            base_delay_seconds=settings.outbox_retry_base_seconds,
            max_delay_seconds=settings.outbox_retry_max_seconds,
            max_attempts=settings.outbox_max_attempts,
            interval_seconds=settings.outbox_relay_interval_seconds,
            lease_seconds=2 * settings.service_timeout_seconds,
        )

        def wake_relays() -> None:
            mail_relay.notify()
            webhook_relay.notify()

        store.on_commit = wake_relays
        app.state.mail_relay = mail_relay
        app.state.relay = webhook_relay
        if settings.outbox_relay_enabled:
            webhook_relay.start()
        if settings.outbox_relay_enabled and settings.mail_delivery != "off":
            # MAIL_MODE=off: mail stays queued, to go out once mail is turned on.
            mail_relay.start()
        elif settings.is_production:
            log.warning("mail_off", reason="MAIL_MODE is off or unset: claim codes and receipts wait in the outbox")
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
        for name in ("mail_relay", "relay"):
            relay: OutboxRelay | None = getattr(app.state, name, None)
            if relay is not None:
                await relay.stop()
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
            background=settings.database_background,
            setup=setup,
            teardown=teardown,
        ),
        internal_token=settings.internal_api_token,
    )
