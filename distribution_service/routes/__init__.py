"""distribution_service's HTTP API (internal: reached through `DistributionClient`); transport only, one module
per concept."""

from __future__ import annotations

from starlette.routing import Route

from distribution_service.routes import events, experiments, feed, relations, slots

routes: list[Route] = [*events.ROUTES, *feed.ROUTES, *slots.ROUTES, *relations.ROUTES, *experiments.ROUTES]
