"""content_service's rules, one module per concept, composed here into the `ContentService` facade.

The facade holds one attribute per concept (`service.pieces`, `service.moderation`, ...): routes call exactly one
method of one of them. Community ids arrive as ObjectId, parsed once by the route.
"""

from __future__ import annotations

from billing_service.client import BillingClient
from content_service.service.actors import Actors
from content_service.service.audit import AuditService
from content_service.service.crisis import CrisisService
from content_service.service.entitlements import EntitlementLookup, TreatmentLookup
from content_service.service.figures import FiguresService
from content_service.service.importing import ImportService
from content_service.service.incentives import IncentivesService
from content_service.service.interaction import InteractionService
from content_service.service.moderation import ModerationService
from content_service.service.notifications import NotificationsService
from content_service.service.paywall import PaywallService
from content_service.service.pieces import PiecesService
from content_service.service.published import PublishedService
from content_service.service.settings import SettingsService
from content_service.service.templates import TemplatesService
from content_service.service.topics import TopicsService
from content_service.service.webhook_endpoints import WebhooksService
from content_service.store import ContentStore
from infra.settings import Settings
from users_service.client import UsersClient

__all__ = ["ContentService"]


class ContentService:
    def __init__(
        self, store: ContentStore, users: UsersClient, settings: Settings, billing: BillingClient | None = None
    ) -> None:
        self.store = store
        actors = Actors(users)
        self.settings = SettingsService(store, settings)
        ttl = settings.paywall_entitlement_ttl_seconds
        entitlements = EntitlementLookup(actors, billing, TreatmentLookup(users, ttl_seconds=ttl), ttl_seconds=ttl)
        self.paywall = PaywallService(entitlements, self.settings, billing)
        self.pieces = PiecesService(store, actors, self.settings, self.paywall)
        self.published = PublishedService(store, self.pieces, self.settings)
        self.audit = AuditService(store)
        self.imports = ImportService(store, actors)
        self.interaction = InteractionService(store, actors, self.pieces, self.settings)
        self.topics = TopicsService(store, actors, self.interaction, self.settings)
        self.webhooks = WebhooksService(
            store, production_env=settings.is_production, allow_loopback=settings.webhook_allow_loopback
        )
        self.crisis = CrisisService(store, self.settings, self.webhooks)
        self.figures = FiguresService(store, self.crisis)
        self.moderation = ModerationService(store, actors, self.pieces, self.settings, self.crisis)
        self.templates = TemplatesService(
            store, self.pieces, near_duplicate_similarity=settings.near_duplicate_similarity
        )
        self.incentives = IncentivesService(store, self.pieces, self.settings)
        self.notifications = NotificationsService(store)
