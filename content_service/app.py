"""content_service's ASGI app: the store, the service facade, the routes, the outbox relay, the webhook worker and
the crisis tick."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.domain.webhooks import retry_delays
from content_service.routes import routes
from content_service.service import ContentService
from content_service.service.crisis import CrisisService
from content_service.service.events import BILLING, DISTRIBUTION, WEBHOOK
from content_service.service.relay import billing_handler, distribution_handler
from content_service.service.webhook_worker import DisablePolicy, WebhookWorker
from content_service.service.webhooks import WebhookSender
from content_service.store import ContentStore
from distribution_service.client import DistributionClient
from infra.leader import LeaderLease, leader_lease
from infra.outbox import Handler, OutboxRelay
from infra.periodic import PeriodicTask
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.client import UsersClient

CRISIS_TICK_SECONDS = 30.0


def crisis_tick(
    crisis: CrisisService, *, interval: float = CRISIS_TICK_SECONDS, lease: LeaderLease | None = None
) -> PeriodicTask:
    """Overdue incident steps and lost 'opened' notifications, every `interval` seconds, in one replica."""
    return PeriodicTask("crisis-tick", crisis.tick, interval=interval, lease=lease)


def webhook_worker(store: ContentStore, sender: WebhookSender, settings: Settings) -> WebhookWorker:
    """The webhook delivery worker with the settings' retry schedule and disabling policy."""
    delays = retry_delays(
        base_seconds=settings.webhook_retry_base_seconds,
        factor=settings.webhook_retry_factor,
        max_delay_seconds=settings.webhook_retry_max_delay_seconds,
        window_hours=settings.webhook_retry_window_hours,
    )
    policy = DisablePolicy(
        after_failures=settings.webhook_disable_after_failures, after_hours=settings.webhook_disable_after_hours
    )
    # A claimed delivery whose worker died is due again after the lease: longer than one call's timeout.
    lease = 2 * settings.webhook_timeout_seconds + 5
    return WebhookWorker(
        store.webhooks,
        sender,
        delays=delays,
        policy=policy,
        lease_seconds=lease,
        interval_seconds=settings.webhook_worker_interval_seconds,
    )


def create_app(
    settings: Settings,
    *,
    users: UsersClient,
    distribution: DistributionClient | None = None,
    billing: BillingClient | None = None,
) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = ContentStore(db.client, db)
        store.pieces.cards.ttl_seconds = settings.content_card_ttl
        await store.ensure_indexes()
        service = ContentService(store, users, settings, billing)
        webhooks = WebhookSender(
            timeout=settings.webhook_timeout_seconds,
            production=settings.is_production,
            allow_loopback=settings.webhook_allow_loopback,
        )
        worker = webhook_worker(store, webhooks, settings)
        service.webhooks.on_queued = worker.notify
        await service.webhooks.adopt_legacy()
        # content's own events fan out to the subscribed endpoints; the worker sends them.
        handlers: dict[str, Handler] = {WEBHOOK: service.webhooks.outbox_handler}
        if distribution is not None:
            handlers[DISTRIBUTION] = distribution_handler(distribution)
        if billing is not None:
            handlers[BILLING] = billing_handler(billing, store.incentives.mark_payout_awarded)
        relay = OutboxRelay(
            store.outbox,
            handlers,
            base_delay_seconds=settings.outbox_retry_base_seconds,
            max_delay_seconds=settings.outbox_retry_max_seconds,
            max_attempts=settings.outbox_max_attempts,
            interval_seconds=settings.outbox_relay_interval_seconds,
            # A claimed event whose relay died (or lost the database) before marking it is due again after the
            # lease: twice a delivery's own timeout, not the default minute, so a crash delays it by seconds.
            lease_seconds=2 * settings.service_timeout_seconds,
        )
        store.on_commit = relay.notify
        tick = crisis_tick(service.crisis, lease=leader_lease(settings, "crisis-tick"))
        app.state.store = store
        app.state.service = service
        app.state.webhooks = webhooks
        app.state.outbox = store.outbox
        app.state.relay = relay
        app.state.crisis_tick = tick
        app.state.webhook_worker = worker
        if settings.outbox_relay_enabled:
            # The relay and the webhook worker wake on every commit or queued delivery (not on a fixed period), so
            # they keep their own loops.
            relay.start()
            worker.start()
            tick.start()

    async def teardown(app: Starlette) -> None:
        relay: OutboxRelay | None = getattr(app.state, "relay", None)
        if relay is not None:
            await relay.stop()
        worker: WebhookWorker | None = getattr(app.state, "webhook_worker", None)
        if worker is not None:
            await worker.stop()
        tick: PeriodicTask | None = getattr(app.state, "crisis_tick", None)
        if tick is not None:
            await tick.stop()

    return create_service_app(
        name="content",
        routes=routes,
        lifespan=database_lifespan(
            uri=settings.mongodb_uri,
            database=settings.database_name("content"),
            app_name="content_service",
            background=settings.database_background,
            journaled=True,  # money and content: an acknowledged write survives a database crash
            setup=setup,
            teardown=teardown,
        ),
        internal_token=settings.internal_api_token,
    )
