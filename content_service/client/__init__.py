"""`ContentClient`: the only way other services and the gateway reach content_service, one mixin per concept.

Every caller-supplied id enters a path through `infra.paths` (`community_path`, `segment`), so `.`, `..` and `/`
are BAD_USER_INPUT before any request.
"""

from __future__ import annotations

from content_service.client.content import ContentCalls
from content_service.client.crisis import CrisisCalls
from content_service.client.figures import FiguresCalls
from content_service.client.incentives import IncentiveCalls
from content_service.client.interaction import InteractionCalls
from content_service.client.moderation import ModerationCalls
from content_service.client.notifications import NotificationCalls
from content_service.client.production import ProductionCalls
from content_service.client.templates import TemplateCalls
from content_service.client.webhooks import WebhookCalls

__all__ = ["ContentClient"]


class ContentClient(
    ContentCalls,
    ProductionCalls,
    InteractionCalls,
    ModerationCalls,
    CrisisCalls,
    TemplateCalls,
    IncentiveCalls,
    FiguresCalls,
    NotificationCalls,
    WebhookCalls,
):
    service_name = "content"
