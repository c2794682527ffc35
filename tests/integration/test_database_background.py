"""DATABASE_BACKGROUND: every service mounted in a process so set names its database client background
(infra/mongo.py), and the embedded server serves those connections at SECANTUS_BACKGROUND_NICE."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from composition.topology import Topology
from infra.mongo import BACKGROUND_APP_SUFFIX
from infra.settings import Settings


def application_names(topology: Topology) -> dict[str, str]:
    return {
        service: app.state.mongo.options.pool_options.metadata["application"]["name"]
        for service, app in topology.apps.items()
    }


@pytest.mark.parametrize("background", [True, False])
async def test_every_mounted_service_names_its_client_as_the_setting_says(
    make_settings: Callable[..., Settings], background: bool
) -> None:
    async with Topology(make_settings(database_background=background)).running() as topology:
        names = application_names(topology)
    assert sorted(names) == ["billing", "content", "distribution", "users"]
    assert all(name.endswith(BACKGROUND_APP_SUFFIX) is background for name in names.values()), names
    assert {name.removesuffix(BACKGROUND_APP_SUFFIX) for name in names.values()} == {
        f"{service}_service" for service in names
    }
