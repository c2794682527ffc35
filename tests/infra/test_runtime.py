"""A service refuses to run alone in production without the internal token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from infra.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_service_alone_in_production_needs_internal_token(settings: Settings, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "APP_ENV": "production",
        "MONGODB_URI": settings.mongodb_uri or "",
        "DB_PREFIX": settings.db_prefix,
        "VAR_DIR": str(tmp_path),
        "USERS_SERVICE_PORT": "0",
    }
    env.pop("INTERNAL_API_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "users_service"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "configuration refused: APP_ENV=production" in result.stderr
    assert "INTERNAL_API_TOKEN must be set" in result.stderr
