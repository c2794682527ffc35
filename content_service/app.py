"""content_service's ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.crisis.routes import routes as crisis_routes
from content_service.crisis.service import CrisisService
from content_service.crisis.store import CrisisStore
from content_service.crisis.webhooks import WebhookSender
from content_service.incentives.routes import routes as incentives_routes
from content_service.incentives.service import IncentivesService
from content_service.incentives.store import IncentivesStore
from content_service.interaction.routes import routes as interaction_routes
from content_service.interaction.service import InteractionService
from content_service.interaction.store import InteractionStore
from content_service.interaction.topics import TopicService
from content_service.moderation.routes import routes as moderation_routes
from content_service.moderation.service import ModerationService
from content_service.moderation.store import ModerationStore
from content_service.production.routes import routes as production_routes
from content_service.production.service import ProductionService
from content_service.production.store import ProductionStore
from content_service.relay import billing_handler, distribution_handler
from content_service.routes import routes
from content_service.service import ContentService
from content_service.store import ContentStore
from content_service.templates.routes import routes as template_routes
from content_service.templates.service import TemplateService
from content_service.templates.store import TemplateStore
from content_service.unit_of_work import BILLING, DISTRIBUTION, WEBHOOK, UnitOfWork
from distribution_service.client import DistributionClient
from infra.logging import get_logger
from infra.outbox import Outbox, OutboxRelay
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.client import UsersClient

log = get_logger(__name__)

CRISIS_TICK_SECONDS = 30.0


def create_app(
    settings: Settings,
    *,
    users: UsersClient,
    distribution: DistributionClient | None = None,
    billing: BillingClient | None = None,
) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = ContentStore(db)
        await store.ensure_indexes()
        await store.ensure_import_indexes()  # issue 4
        outbox = Outbox(db["outbox"])
        await outbox.ensure_indexes()
        uow = UnitOfWork(db, outbox)
        production_store, crisis_store = ProductionStore(db), CrisisStore(db)
        moderation_store, interaction_store = ModerationStore(db), InteractionStore(db)
        template_store, incentives_store = TemplateStore(db), IncentivesStore(db)
        for s in (
            production_store,
            crisis_store,
            moderation_store,
            interaction_store,
            template_store,
            incentives_store,
        ):
            await s.ensure_indexes()
        production = ProductionService(production_store, uow, users, settings)
        crisis = CrisisService(crisis_store, uow, users, production, production_env=settings.is_production)
        app.state.production = production
        app.state.crisis = crisis
        app.state.moderation = ModerationService(moderation_store, uow, users, production, crisis)
        app.state.interaction = InteractionService(interaction_store, uow, users, production)
        app.state.topics = TopicService(
            interaction_store, uow, users, app.state.interaction, review_check=production.entry_review_reasons
        )
        app.state.incentives = IncentivesService(incentives_store, interaction_store, uow, users, production)
        app.state.service = ContentService(
            store,
            users,
            review_check=production.entry_review_reasons,
            release_scheduled=production.release_scheduled,
            uow=uow,
            active_boosts=incentives_store.list_active_boosts,
        )
        app.state.templates = TemplateService(
            template_store,
            interaction_store,
            app.state.service,
            users,
            production,
            near_duplicate_similarity=settings.near_duplicate_similarity,
        )
        app.state.webhooks = WebhookSender(
            crisis_store, timeout=settings.webhook_timeout_seconds, production=settings.is_production
        )
        handlers = {WEBHOOK: app.state.webhooks}
        if distribution is not None:
            handlers[DISTRIBUTION] = distribution_handler(distribution)
        if billing is not None:
            handlers[BILLING] = billing_handler(billing, incentives_store.mark_payout_awarded)
        relay = OutboxRelay(
            outbox,
            handlers,
            base_delay_seconds=settings.outbox_retry_base_seconds,
            max_delay_seconds=settings.outbox_retry_max_seconds,
            max_attempts=settings.outbox_max_attempts,
            interval_seconds=settings.outbox_relay_interval_seconds,
        )
        app.state.outbox = outbox
        app.state.relay = relay
        uow.on_commit = relay.notify
        if settings.outbox_relay_enabled:
            relay.start()
            app.state.crisis_tick = asyncio.create_task(_tick_forever(crisis), name="crisis-tick")

    async def teardown(app: Starlette) -> None:
        relay: OutboxRelay | None = getattr(app.state, "relay", None)
        if relay is not None:
            await relay.stop()
        tick: asyncio.Task[None] | None = getattr(app.state, "crisis_tick", None)
        if tick is not None:
            tick.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tick

    return create_service_app(
        name="content",
        routes=[
            *production_routes,
            *moderation_routes,
            *crisis_routes,
            *interaction_routes,
            *template_routes,
            *incentives_routes,
            *routes,
        ],
        lifespan=database_lifespan(
            uri=settings.mongodb_uri,
            database=settings.database_name("content"),
            app_name="content_service",
            setup=setup,
            teardown=teardown,
        ),
        internal_token=settings.internal_api_token,
    )


async def tick_once(crisis: CrisisService) -> bool:
    """One crisis tick; a failure is logged (with its traceback) and the loop goes on. True when it ran clean."""
    try:
        await crisis.tick()
    except Exception:
        log.exception("crisis_tick_failed")
        return False
    return True


async def _tick_forever(crisis: CrisisService) -> None:
    while True:
        await asyncio.sleep(CRISIS_TICK_SECONDS)
        await tick_once(crisis)
