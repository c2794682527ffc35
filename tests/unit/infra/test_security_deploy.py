"""The container image and the compose file run production mode and pass exactly what production needs."""

from __future__ import annotations

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[3] / "infra" / "deploy"
FIVE = {"MONGODB_URI", "JWT_SECRET", "PLATFORM_ADMIN_KEY", "INTERNAL_API_TOKEN", "BILLING_WEBHOOK_SECRET"}


def test_the_image_runs_production_mode() -> None:
    env_lines = [line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("ENV ")]
    assert any("APP_ENV=production" in line.split() for line in env_lines)


def test_every_compose_service_runs_production_with_the_five() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    # Every container of the platform's image (not MongoDB's nor Redis's).
    platform = {name: spec for name, spec in compose["services"].items() if "build" in spec}
    assert set(platform) == {"users", "content", "distribution", "billing", "gateway", "worker", "migrate"}
    for name, spec in platform.items():
        environment = spec["environment"]
        assert environment["APP_ENV"] == "production", name
        assert FIVE <= set(environment), (name, FIVE - set(environment))
        # secrets come from the operator's environment, never a value written here
        assert all(str(environment[secret]).startswith("${") for secret in FIVE - {"MONGODB_URI"}), name
