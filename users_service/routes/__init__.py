"""users_service's HTTP API, transport only: one module per concept, concatenated here."""

from __future__ import annotations

from starlette.routing import BaseRoute

from users_service.routes import (
    accounts,
    acquisition,
    api_keys,
    campaigns,
    communities,
    governance,
    health,
    jobs,
    ltv,
    members,
    offers,
    offline_events,
    stage,
    sub_communities,
    value,
    voice,
)

routes: list[BaseRoute] = [
    *communities.ROUTES,
    *members.ROUTES,
    *acquisition.ROUTES,
    *value.ROUTES,
    *ltv.ROUTES,
    *jobs.ROUTES,
    *voice.ROUTES,
    *governance.ROUTES,
    *stage.ROUTES,
    *sub_communities.ROUTES,
    *health.ROUTES,
    *api_keys.ROUTES,
    *campaigns.ROUTES,
    *offline_events.ROUTES,
    *accounts.ROUTES,
    *offers.ROUTES,
]
