"""The heavy lane's child reads the gateway's settings back from its environment (gateway/heavy_lane.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gateway.heavy_lane import CHILD_QUIET, SOCKET_ENV, child_environment
from infra.settings import Settings


def test_the_child_reads_the_gateways_settings_back_but_charges_nothing_and_starts_no_child(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gateway = Settings(
        app_env="test",
        mongodb_uri="mongodb://127.0.0.1:27999/?directConnection=true",
        db_prefix="lane",
        jwt_secret="x" * 40,
        var_dir=tmp_path,
        heavy_lane_process=True,
        heavy_lane_nice=7,
        query_cost_lane_threshold=2,
        stage_content_mix_target=(0.5, 0.4, 0.1),
        billing_dunning_retry_days=[2, 3],
    )
    env = child_environment(gateway, tmp_path / "lane.sock")
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    child = Settings()
    assert env[SOCKET_ENV] == str(tmp_path / "lane.sock")
    # No child of its own, no budgets nor rate limits (charged by the gateway), no demo data.
    assert (child.heavy_lane_process, child.rate_limits_enabled, child.seed_demo) == (False, False, False)
    assert child.ingest_interval_seconds == 0  # the gateway's worker derives the events
    assert child.database_background is True  # its database work waits behind the cheap requests'
    # No periodic task: no slot pushes, billing cycles, relays, mail, snapshots or campaign releases.
    assert child.slot_scheduler_enabled is False
    assert child.outbox_relay_enabled is False
    assert (
        child.billing_scheduler_interval_seconds,
        child.mail_worker_interval_seconds,
        child.health_snapshot_interval_seconds,
        child.campaign_release_interval_seconds,
    ) == (0, 0, 0, 0)
    changed = {
        "heavy_lane_process",
        "rate_limits_enabled",
        "seed_demo",
        "ingest_interval_seconds",
        "database_background",
        *CHILD_QUIET,
    }
    expected = {k: v for k, v in gateway.model_dump().items() if k not in changed}
    assert {k: v for k, v in child.model_dump().items() if k not in changed} == expected
    # The internal token the gateway generated is the child's too: the services it mounts accept the same calls.
    assert child.internal_api_token == gateway.internal_api_token


def test_the_lane_is_on_by_default_except_under_test_and_as_set() -> None:
    from gateway.heavy_lane import lane_enabled

    assert lane_enabled(Settings.model_construct(app_env="development", heavy_lane_process=None)) is True
    assert lane_enabled(Settings.model_construct(app_env="production", heavy_lane_process=None)) is True
    assert lane_enabled(Settings.model_construct(app_env="test", heavy_lane_process=None)) is False
    assert lane_enabled(Settings.model_construct(app_env="production", heavy_lane_process=False)) is False
    assert lane_enabled(Settings.model_construct(app_env="test", heavy_lane_process=True)) is True
