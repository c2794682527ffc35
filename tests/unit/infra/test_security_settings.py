"""Production starts with exactly five variables, each secret strong; every other mode still has a token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.routing import Route

from infra.dev_secrets import with_secrets
from infra.service_app import create_service_app
from infra.settings import SANDBOX_WEBHOOK_SECRET, Settings

STRONG = "s" * 32
FIVE = {
    "MONGODB_URI": "mongodb://db.internal:27017",
    "JWT_SECRET": "j" * 32,
    "PLATFORM_ADMIN_KEY": "a" * 32,
    "INTERNAL_API_TOKEN": "i" * 32,
    "BILLING_WEBHOOK_SECRET": "w" * 32,
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A clean environment: only what a test sets is seen."""
    for name in [*FIVE, "APP_ENV", "METRICS_TOKEN", "REDIS_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return monkeypatch


def production(env: pytest.MonkeyPatch, **overrides: str | None) -> Settings:
    env.setenv("APP_ENV", "production")
    for name, value in {**FIVE, **overrides}.items():
        if value is None:
            env.delenv(name, raising=False)
        else:
            env.setenv(name, value)
    return Settings()


def test_production_starts_with_exactly_the_five(env: pytest.MonkeyPatch) -> None:
    settings = production(env)
    assert settings.is_production
    assert settings.internal_api_token == "i" * 32
    assert settings.metrics_token is None
    assert not settings.internal_token_generated


@pytest.mark.parametrize("missing", list(FIVE))
def test_production_names_each_missing_variable(env: pytest.MonkeyPatch, missing: str) -> None:
    with pytest.raises(ValidationError, match=f"{missing} must be set"):
        production(env, **{missing: None})


@pytest.mark.parametrize("variable", [name for name in FIVE if name != "MONGODB_URI"])
def test_production_refuses_short_secrets(env: pytest.MonkeyPatch, variable: str) -> None:
    with pytest.raises(ValidationError, match=f"{variable} must be at least 32 bytes"):
        production(env, **{variable: "x"})


def test_production_refuses_the_sandbox_webhook_secret(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="BILLING_WEBHOOK_SECRET must be set: the sandbox's documented default"):
        production(env, BILLING_WEBHOOK_SECRET=SANDBOX_WEBHOOK_SECRET)


def test_development_processes_of_one_var_dir_share_a_generated_token(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("VAR_DIR", str(tmp_path / "var"))
    first, second = Settings(), Settings()
    # each alone has a token nobody else knows...
    assert first.internal_api_token
    assert first.internal_token_generated
    assert first.internal_api_token != second.internal_api_token
    # ...and the development file makes every process of this VAR_DIR agree on one
    shared_first, shared_second = with_secrets(first), with_secrets(second)
    assert shared_first.internal_api_token == shared_second.internal_api_token
    assert shared_first.internal_api_token
    assert len(shared_first.internal_api_token) >= 32
    assert not shared_first.internal_token_generated


def test_a_given_token_is_kept(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("VAR_DIR", str(tmp_path / "var"))
    env.setenv("INTERNAL_API_TOKEN", STRONG)
    assert with_secrets(Settings()).internal_api_token == STRONG


def test_a_service_refuses_to_be_built_without_a_token() -> None:
    async def nothing(request: Any) -> Any:
        return None

    with pytest.raises(RuntimeError, match="INTERNAL_API_TOKEN"):
        create_service_app(name="users", routes=[Route("/x", nothing)], lifespan=None, internal_token=None)  # type: ignore[arg-type]


def test_production_without_mail_mode_queues_mail_instead_of_marking_it_sent(env: pytest.MonkeyPatch) -> None:
    env.delenv("MAIL_MODE", raising=False)
    assert production(env).mail_delivery == "off"
    assert Settings(app_env="development").mail_delivery == "log"
    assert production(env, MAIL_MODE="smtp").mail_delivery == "smtp"
