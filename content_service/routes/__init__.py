"""content_service's HTTP API (internal: reached through `ContentClient`), transport only, one module per concept."""

from __future__ import annotations

from starlette.routing import BaseRoute

from content_service.routes import (
    crisis,
    figures,
    incentives,
    interaction,
    moderation,
    notifications,
    pieces,
    settings,
    templates,
    topics,
    webhooks,
)

routes: list[BaseRoute] = [
    *pieces.ROUTES,
    *settings.ROUTES,
    *interaction.ROUTES,
    *topics.ROUTES,
    *moderation.ROUTES,
    *crisis.ROUTES,
    *figures.ROUTES,
    *templates.ROUTES,
    *incentives.ROUTES,
    *notifications.ROUTES,
    *webhooks.ROUTES,
]
