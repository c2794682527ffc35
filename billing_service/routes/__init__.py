"""billing_service's HTTP API (internal: reached through `BillingClient`); transport only, one module per concept."""

from __future__ import annotations

from starlette.routing import Route

from billing_service.routes import analytics, commerce, invoices, operations, rewards, subscriptions

routes: list[Route] = [
    *subscriptions.ROUTES,
    *analytics.ROUTES,
    *commerce.ROUTES,
    *invoices.ROUTES,
    *operations.ROUTES,
    *rewards.ROUTES,
]
