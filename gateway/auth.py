"""Who is calling: the platform admin (X-API-Key), a member (Bearer JWT), a partner key (Bearer cpk_...), or nobody."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from gateway.partners.keys import ApiKeyResolver, KeyPrincipal
from infra.errors import UnauthenticatedError
from infra.settings import Settings
from users_service.schemas import API_KEY_PREFIX

ALGORITHM = "HS256"
# Tokens verified lately, kept until their expiry: a client sends the same token on every request, and checking its
# signature and claims again is most of what authenticating a member costs.
VERIFIED_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller. A token names a member and their community; roles are read per request, never from it."""

    is_admin: bool = False
    member_id: str | None = None
    community_id: str | None = None
    # Why a presented credential was refused; raised only where authentication is required.
    auth_error: str | None = None
    # A partner key: `community_id` is its community, `member_id` stays None.
    api_key: KeyPrincipal | None = None

    @property
    def is_member(self) -> bool:
        return self.member_id is not None


class TokenIssuer:
    def __init__(self, settings: Settings) -> None:
        if not settings.jwt_secret:
            raise RuntimeError("JWT_SECRET must be set")
        self.secret = settings.jwt_secret
        self.ttl = timedelta(seconds=settings.jwt_ttl_seconds)
        self.issuer = settings.jwt_issuer
        # token -> (member id, community id, expires at as a Unix time): only tokens that verified are kept.
        self._verified: OrderedDict[str, tuple[str, str, float]] = OrderedDict()

    def issue(self, *, member_id: str, community_id: str, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims = {"sub": member_id, "cid": community_id, "iss": self.issuer, "iat": now, "exp": now + self.ttl}
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> tuple[str, str]:
        """(member id, community id) from a valid token; UNAUTHENTICATED otherwise. A token verified before answers
        from memory until it expires (the same string verifies to the same claims)."""
        kept = self._verified.get(token)
        if kept is not None:
            if time.time() < kept[2]:
                self._verified.move_to_end(token)
                return kept[0], kept[1]
            del self._verified[token]
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                options={"require": ["sub", "cid", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise UnauthenticatedError("token has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise UnauthenticatedError("token is invalid") from exc
        found = str(claims["sub"]), str(claims["cid"])
        self._verified[token] = (*found, float(claims["exp"]))
        while len(self._verified) > VERIFIED_KEPT:
            self._verified.popitem(last=False)
        return found


class Authenticator:
    def __init__(self, settings: Settings, issuer: TokenIssuer, keys: ApiKeyResolver | None = None) -> None:
        if not settings.platform_admin_key:
            raise RuntimeError("PLATFORM_ADMIN_KEY must be set")
        self.admin_key = settings.platform_admin_key
        self.issuer = issuer
        self.keys = keys

    async def authenticate(self, *, api_key: str | None, authorization: str | None) -> Viewer:
        """`viewer`, plus partner keys: a bearer secret with the key prefix is looked up (cached) in users_service."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if (
            api_key is not None
            or self.keys is None
            or scheme.lower() != "bearer"
            or not token.startswith(API_KEY_PREFIX)
        ):
            return self.viewer(api_key=api_key, authorization=authorization)
        try:
            principal = await self.keys.principal(token)
        except UnauthenticatedError as exc:
            return Viewer(auth_error=exc.message)
        return Viewer(community_id=principal.community_id, api_key=principal)

    def viewer(self, *, api_key: str | None, authorization: str | None) -> Viewer:
        if api_key is not None:
            if secrets.compare_digest(api_key.encode(), self.admin_key.encode()):
                return Viewer(is_admin=True)
            return Viewer(auth_error="invalid API key")
        if not authorization:
            return Viewer()
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Viewer(auth_error="Authorization must be 'Bearer <token>'")
        try:
            member_id, community_id = self.issuer.verify(token.strip())
        except UnauthenticatedError as exc:
            return Viewer(auth_error=exc.message)
        return Viewer(member_id=member_id, community_id=community_id)
