"""Secrets for development: generated once, kept in `var/dev-secrets.json`; production must set its own."""

from __future__ import annotations

import json
import os
import secrets

from infra.settings import Settings

FILE_NAME = "dev-secrets.json"


def with_secrets(settings: Settings) -> Settings:
    """Settings with `JWT_SECRET` and `PLATFORM_ADMIN_KEY` present; refuses to invent them in production."""
    if settings.jwt_secret and settings.platform_admin_key:
        return settings
    if settings.is_production:
        raise RuntimeError("APP_ENV=production needs JWT_SECRET and PLATFORM_ADMIN_KEY in the environment")
    path = settings.var_dir / FILE_NAME
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    stored.setdefault("jwt_secret", secrets.token_urlsafe(48))
    stored.setdefault("platform_admin_key", "dev-" + secrets.token_urlsafe(24))
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(stored, handle)
    return settings.model_copy(
        update={
            "jwt_secret": settings.jwt_secret or stored["jwt_secret"],
            "platform_admin_key": settings.platform_admin_key or stored["platform_admin_key"],
        }
    )
