"""Where each service is: the clients of all four, over HTTP when a URL is set, else mounted in this process.

This is the platform's composition root. In-process mode builds each service's real ASGI app and reaches it
through the same client class over an in-process transport, and runs the apps' lifespans (database
connection, indexes) exactly as uvicorn would for a service on its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.http import AppSlot, ServiceClient
from infra.settings import ServiceName, Settings
from users_service.client import UsersClient

CLIENT_CLASSES: dict[ServiceName, type[ServiceClient]] = {
    "users": UsersClient,
    "content": ContentClient,
    "distribution": DistributionClient,
    "billing": BillingClient,
}
# Lifespans start in this order so that a service's dependencies are up before it.
START_ORDER: tuple[ServiceName, ...] = ("users", "billing", "content", "distribution")


def make_client(settings: Settings, service: ServiceName, *, url: str) -> ServiceClient:
    return CLIENT_CLASSES[service](
        url, timeout=settings.service_timeout_seconds, internal_token=settings.internal_api_token
    )


class Topology:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.apps: dict[ServiceName, Starlette] = {}
        slots: dict[ServiceName, AppSlot] = {}
        clients: dict[ServiceName, ServiceClient] = {}
        for service, cls in CLIENT_CLASSES.items():
            url = settings.service_url(service)
            if url:
                clients[service] = make_client(settings, service, url=url)
            else:
                slots[service] = AppSlot(service)
                clients[service] = cls.in_process(
                    slots[service], timeout=settings.service_timeout_seconds, internal_token=settings.internal_api_token
                )
        self.users: UsersClient = clients["users"]  # type: ignore[assignment]
        self.content: ContentClient = clients["content"]  # type: ignore[assignment]
        self.distribution: DistributionClient = clients["distribution"]  # type: ignore[assignment]
        self.billing: BillingClient = clients["billing"]  # type: ignore[assignment]
        self.clients = clients
        for service, slot in slots.items():
            slot.app = self.apps[service] = self._create_app(service)

    def _create_app(self, service: ServiceName) -> Starlette:
        if service == "users":
            from users_service.app import create_app as create_users_app

            return create_users_app(
                self.settings, distribution=self.distribution, billing=self.billing, content=self.content
            )
        if service == "content":
            from content_service.app import create_app as create_content_app

            return create_content_app(
                self.settings, users=self.users, distribution=self.distribution, billing=self.billing
            )
        if service == "distribution":
            from distribution_service.app import create_app as create_distribution_app

            return create_distribution_app(self.settings, content=self.content, users=self.users, billing=self.billing)
        from billing_service.app import create_app as create_billing_app

        return create_billing_app(self.settings, users=self.users, distribution=self.distribution, content=self.content)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Topology]:
        """Run the lifespans of the in-process apps; close every client on the way out."""
        async with AsyncExitStack() as stack:
            for client in self.clients.values():
                stack.push_async_callback(client.aclose)
            for service in START_ORDER:
                app = self.apps.get(service)
                if app is not None:
                    await stack.enter_async_context(app.router.lifespan_context(app))
            yield self
