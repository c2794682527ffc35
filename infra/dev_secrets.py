"""Secrets for development: generated once, kept in `var/dev-secrets.json`; production must set its own.

Every process of one VAR_DIR reads the same file, so split services and the gateway agree on the internal
token without anyone configuring it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

from infra.settings import Settings

FILE_NAME = "dev-secrets.json"


def _generate() -> dict[str, str]:
    return {
        "jwt_secret": secrets.token_urlsafe(48),
        "platform_admin_key": "dev-" + secrets.token_urlsafe(32),
        "internal_api_token": secrets.token_urlsafe(48),
    }


def _stored(path: Path) -> dict[str, str]:
    """The file's secrets, completed and written once; a process racing another keeps the winner's file."""
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = {key: value for key, value in _generate().items() if key not in stored}
    if not missing:
        return stored
    stored.update(missing)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(stored, handle)
    if path.exists():
        os.replace(partial, path)  # completing an older file that lacked a key
    else:
        try:
            os.link(partial, path)  # atomic create: the first process to get here wins
        except FileExistsError:
            stored = json.loads(path.read_text())
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
    return stored


def with_secrets(settings: Settings) -> Settings:
    """Settings with `JWT_SECRET`, `PLATFORM_ADMIN_KEY` and `INTERNAL_API_TOKEN` present.

    Production never gets here without them (the settings refuse to load); elsewhere the missing ones come
    from the development file, so that every process of this VAR_DIR shares them.
    """
    if settings.jwt_secret and settings.platform_admin_key and not settings.internal_token_generated:
        return settings
    if settings.is_production:
        raise RuntimeError("APP_ENV=production needs JWT_SECRET, PLATFORM_ADMIN_KEY and INTERNAL_API_TOKEN")
    stored = _stored(settings.var_dir / FILE_NAME)
    given_token = None if settings.internal_token_generated else settings.internal_api_token
    completed = settings.model_copy(
        update={
            "jwt_secret": settings.jwt_secret or stored["jwt_secret"],
            "platform_admin_key": settings.platform_admin_key or stored["platform_admin_key"],
        }
    )
    return completed.with_internal_token(given_token or stored["internal_api_token"])
