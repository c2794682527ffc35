"""Request rate limits per address and per member, from configuration (the `limits` library)."""

from __future__ import annotations

import json

import jwt
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from starlette.types import ASGIApp, Receive, Scope, Send

from infra.errors import RateLimitedError
from infra.settings import Settings
from infra.shared_state import BudgetLimiter


class RateLimiter:
    """Moving-window limits, shared by every gateway replica through Redis when REDIS_URL is set."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self._limiter = BudgetLimiter(storage)
        self.per_address = parse(settings.rate_limit_per_address)
        self.per_member = parse(settings.rate_limit_per_member) if settings.rate_limit_per_member else None
        self.enabled = settings.rate_limits_enabled
        self.register_per_address = parse(settings.rate_limit_register_per_address)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        return await self._limiter.hit(item, *identifiers)

    async def check_registration(self, address: str) -> None:
        if self.enabled and not await self.hit(self.register_per_address, "register", address):
            raise RateLimitedError("too many registrations from this address; slow down")


class RateLimitMiddleware:
    """Refuses a GraphQL request over its address's or member's budget before any work is done."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, jwt_secret: str) -> None:
        self.app = app
        self.limiter = limiter
        self.jwt_secret = jwt_secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.limiter.enabled or scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        allowed = await self.limiter.hit(self.limiter.per_address, "address", address)
        member = self._member(scope)
        if allowed and member and self.limiter.per_member is not None:
            allowed = await self.limiter.hit(self.limiter.per_member, "member", member)
        if allowed:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {"data": None, "errors": [{"message": "rate limit exceeded", "extensions": {"code": "RATE_LIMITED"}}]}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"60")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _member(self, scope: Scope) -> str | None:
        for key, value in scope["headers"]:
            if key == b"authorization":
                token = value.decode("latin-1").partition(" ")[2].strip()
                try:
                    claims = jwt.decode(token, self.jwt_secret, algorithms=["HS256"], options={"verify_exp": False})
                except jwt.InvalidTokenError:
                    return None
                sub = claims.get("sub")
                return str(sub) if sub else None
        return None
