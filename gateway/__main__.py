"""`python -m gateway` (what `make run` starts): the GraphQL endpoint on GATEWAY_PORT (default 8000).

Services whose URL is unset are mounted in this process; in development the demo community is seeded once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from composition.demo import DEMO_PASSWORD, demo_enabled, seed_demo
from composition.importers.demo import import_demo_dump
from gateway.app import create_app
from infra.dev_secrets import with_secrets
from infra.runtime import resolved_settings, serve
from infra.settings import Settings

EXAMPLE_QUERY = (
    "{ me { handle tier community { slug } } "
    "feed(slot: MORNING, scene: BEFORE_DECISION, first: 3) { items { score content { title } } } }"
)


def how_to_query(settings: Settings, token: str, slug: str, base: str) -> str:
    return f"""
GraphQL endpoint: {base}/graphql   (GraphiQL in the browser in development)
Operator console: {base}/console/   (community "{slug}", handle alice, password "{DEMO_PASSWORD}")
  admin key:    X-API-Key: {settings.platform_admin_key}
  demo member:  Authorization: Bearer {token}
  (community "{slug}"; members alice (operator), erin (expert), bob; password "{DEMO_PASSWORD}")

  curl -s {base}/graphql -H 'content-type: application/json' \\
    -H 'Authorization: Bearer {token}' \\
    -d '{{"query": "{EXAMPLE_QUERY}"}}'
"""


def main() -> None:
    settings = with_secrets(resolved_settings())
    app = create_app(settings)
    base = f"http://{settings.bind_host}:{settings.gateway_port}"
    if demo_enabled(settings):
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan_with_demo(app_: Starlette) -> AsyncIterator[None]:
            async with inner(app_):
                demo = await seed_demo(app_.state.services)
                token = app_.state.issuer.issue(member_id=demo.member.id, community_id=demo.community_id)
                print(how_to_query(settings, token, demo.slug, base), flush=True)  # noqa: T201
                # The real bicycles.meta community beside it, imported in the background once.
                issuer = app_.state.issuer
                importing = asyncio.create_task(
                    import_demo_dump(
                        app_.state.services,
                        settings,
                        lambda member_id, community_id: issuer.issue(member_id=member_id, community_id=community_id),
                        lambda line: print(line, flush=True),  # noqa: T201
                    )
                )
                try:
                    yield
                finally:
                    importing.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await importing

        app.router.lifespan_context = lifespan_with_demo
    serve(app, host=settings.bind_host, port=settings.gateway_port, name="gateway")


if __name__ == "__main__":
    main()
