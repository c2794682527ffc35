"""Partner API keys, pure: the scopes a key may hold, how a secret looks and is hashed, when a key is stale."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

# Recognisable in logs, config files and secret scanners: "cpk_" = community partner key.
SECRET_PREFIX = "cpk_"
# The first characters of a secret kept in clear, so an operator can tell keys apart without the secret.
SHOWN_CHARS = len(SECRET_PREFIX) + 6
STALE_AFTER = timedelta(days=90)


class Scope(StrEnum):
    """`resource:action`: what a partner key may do in its community."""

    CONTENT_READ = "content:read"
    CONTENT_WRITE = "content:write"
    MEMBERS_READ = "members:read"
    EVENTS_WRITE = "events:write"
    ANALYTICS_READ = "analytics:read"
    WEBHOOKS_MANAGE = "webhooks:manage"


def new_secret() -> str:
    """256 random bits behind the prefix: shown once, never stored."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 is enough for a 256-bit random secret (no dictionary to guess from) and allows lookup by hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_key(token: str) -> bool:
    return token.startswith(SECRET_PREFIX)


def is_stale(created_at: datetime, last_used_at: datetime | None, now: datetime) -> bool:
    """Unused for 90 days: never used since creation, or not since its last use."""
    return now - (last_used_at or created_at) >= STALE_AFTER
