"""infra/deploy/compose.yaml, read as YAML (no Docker engine here): a laptop-sized production that starts in a
health-gated order, within resource limits, with its secrets from the environment."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.image import DEPLOY, module_of

SECRETS = ("JWT_SECRET", "PLATFORM_ADMIN_KEY", "INTERNAL_API_TOKEN", "BILLING_WEBHOOK_SECRET")
APPS = {"users", "content", "distribution", "billing", "gateway", "worker", "migrate"}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    found: dict[str, Any] = compose["services"]
    return found


@pytest.fixture(scope="module")
def volumes() -> set[str]:
    return set(yaml.safe_load((DEPLOY / "compose.yaml").read_text())["volumes"])


def apps(services: dict[str, Any]) -> dict[str, Any]:
    return {name: spec for name, spec in services.items() if "build" in spec}


def test_the_platform_runs_each_role_beside_mongodb_and_redis(services: dict[str, Any], tmp_path: Path) -> None:
    assert set(services) == {*APPS, "mongo", "redis"}
    assert set(apps(services)) == APPS
    for name, spec in apps(services).items():
        role = spec["environment"]["ROLE"]
        assert role == name
        assert importlib.util.find_spec(module_of(role, tmp_path)) is not None


def test_production_mode_with_the_five_from_the_environment(services: dict[str, Any]) -> None:
    for name, spec in apps(services).items():
        env = spec["environment"]
        assert env["APP_ENV"] == "production", name
        for secret in SECRETS:
            # `${NAME:?message}`: compose refuses to start when the operator did not set it.
            assert str(env[secret]).startswith(f"${{{secret}:?"), (name, secret)
        assert env["MONGODB_URI"].startswith("${MONGODB_URI:-mongodb://mongo:27017/"), name
        assert "replicaSet=rs0" in env["MONGODB_URI"], name


def test_mongodb_is_a_replica_set_initiated_with_its_host_name(services: dict[str, Any], volumes: set[str]) -> None:
    mongo = services["mongo"]
    command = mongo["command"]
    assert command[command.index("--replSet") + 1] == "rs0"
    probe = " ".join(mongo["healthcheck"]["test"])
    assert re.search(
        rf"rs\.initiate\(\{{_id: 'rs0', members: \[\{{_id: 0, host: '{mongo['hostname']}:27017'\}}\]", probe
    )
    assert "isWritablePrimary" in probe
    mounts = {mount.split(":")[1]: mount.split(":")[0] for mount in mongo["volumes"]}
    assert set(mounts) == {"/data/db", "/data/configdb"}
    assert set(mounts.values()) <= volumes


def test_every_container_is_health_checked_and_limited(services: dict[str, Any]) -> None:
    for name, spec in services.items():
        limits = spec["deploy"]["resources"]["limits"]
        assert set(limits) == {"cpus", "memory"}, name
        if name != "migrate":
            assert spec["healthcheck"]["test"][0] == "CMD", name


def test_start_order_is_gated_on_health(services: dict[str, Any]) -> None:
    one_shot = {name for name, spec in services.items() if spec.get("restart") == "no"}
    assert one_shot == {"migrate"}
    for name, spec in services.items():
        for dependency, condition in spec.get("depends_on", {}).items():
            expected = "service_completed_successfully" if dependency in one_shot else "service_healthy"
            assert condition == {"condition": expected}, (name, dependency)
    for name in APPS - {"migrate"}:
        assert {"mongo", "migrate"} <= set(services[name]["depends_on"]), name
    assert {"users", "content", "distribution", "billing", "redis"} <= set(services["gateway"]["depends_on"])


def test_only_the_worker_runs_the_schedulers(services: dict[str, Any]) -> None:
    running = {
        name
        for name, spec in apps(services).items()
        if spec["environment"]["SLOT_SCHEDULER_ENABLED"] == "true"
        or float(spec["environment"]["BILLING_SCHEDULER_INTERVAL_SECONDS"]) > 0
    }
    assert running == {"worker"}


def test_only_the_gateway_is_published(services: dict[str, Any]) -> None:
    assert {name for name, spec in services.items() if "ports" in spec} == {"gateway"}
