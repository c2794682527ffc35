"""The environment of a platform process a test starts (`python -m gateway`, a service, a command-line tool)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from tests.factories import ADMIN_KEY, JWT_SECRET

REPO = Path(__file__).resolve().parents[1]


def process_env(mongodb_uri: str, db_prefix: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment with test mode, the test's database and prefix, its signing and admin keys, no
    demo seed and its own `var/`; `extra` adds or overrides variables (`GATEWAY_PORT="8123"`)."""
    return {
        **os.environ,
        "APP_ENV": "test",
        "MONGODB_URI": mongodb_uri,
        "DB_PREFIX": db_prefix,
        "JWT_SECRET": JWT_SECRET,
        "PLATFORM_ADMIN_KEY": ADMIN_KEY,
        "SEED_DEMO": "false",
        "VAR_DIR": str(var_dir),
        **extra,
    }


def service_addresses(ports: Mapping[str, int], services: Iterable[str]) -> dict[str, str]:
    """Each named service's `<NAME>_SERVICE_PORT` and `<NAME>_SERVICE_URL`, so the others call it over HTTP."""
    addresses: dict[str, str] = {}
    for name in services:
        addresses[f"{name.upper()}_SERVICE_PORT"] = str(ports[name])
        addresses[f"{name.upper()}_SERVICE_URL"] = f"http://127.0.0.1:{ports[name]}"
    return addresses
