"""The operator console: static files (HTML, ES modules, two string catalogues, a vendored chart library) at /console.

The console is a browser client of the public /graphql like any partner's: it signs in with `login`, sends the
operator's bearer token and reads only public fields. The gateway hands out its files and nothing more, so the
console holds no rule the API does not; nothing is built at start-up (the files are shipped as they are served).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
# Only the console's own files, and only /graphql to talk to; no inline script, no framing by another site.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidated on every load (ETag), so a new release shows at once without stale modules.
    "Cache-Control": "no-cache",
}


class ConsoleFiles(StaticFiles):
    """StaticFiles with the console's security and caching headers on every answer."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


async def _to_console(request: Request) -> Response:
    return RedirectResponse("/console/", status_code=308)


def console_routes() -> list[BaseRoute]:
    """`/console/` serves index.html; `/console` without the slash is sent there (relative module paths need it)."""
    return [
        Route("/console", _to_console, methods=["GET", "HEAD"]),
        Mount("/console", app=ConsoleFiles(directory=STATIC, html=True), name="console"),
    ]
