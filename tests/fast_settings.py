"""`Settings` for tests, validated in full but without re-reading the environment for every test.

Why: `Settings(**values)` runs pydantic-settings' sources over all ~150 fields (environment, dotenv, secrets)
on every call, about 15-50 ms of CPU, and nearly every test builds one. The environment's values are read once
per distinct environment by the same source pydantic-settings uses (`EnvSettingsSource`), so a test that
monkeypatches a variable still sees it; the given values win over them as init arguments do; pydantic then
validates the merge, `_secure_defaults` included, exactly as `Settings(**values)` would.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource, PydanticBaseSettingsSource

from infra.settings import Settings

_environment: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}


class _Given(PydanticBaseSettingsSource):
    """The one source: the environment's values (read before) with the given values over them."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(Settings)
        self._values = values

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return self._values


def environment_values() -> dict[str, Any]:
    """What the environment sets, as pydantic-settings reads it; read again only when the environment changed."""
    key = tuple(sorted(os.environ.items()))
    values = _environment.get(key)
    if values is None:
        _environment.clear()
        values = _environment[key] = EnvSettingsSource(Settings)()
    return values


def build_settings(**values: Any) -> Settings:
    """`Settings(**values)`: names are case-insensitive as Settings reads them; the environment fills the rest."""
    assert Settings.model_config.get("env_file") is None, "a dotenv file would be one more source to read here"
    given = {name.lower(): value for name, value in values.items()}
    return Settings(_build_sources=((_Given({**environment_values(), **given}),), {}))
