"""`make run`'s demo seeding: the demo community, and the shared dump imported once in the background.

`SEED_DEMO=false` turns both off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

import gateway.__main__ as gateway_main
from composition.demo import DEMO_PASSWORD, DEMO_SLUG
from composition.importers.demo import OPERATOR_HANDLE, demo_dump, import_demo_dump
from composition.topology import Topology
from infra.errors import NotFoundError
from infra.settings import Settings
from tests.factories import Api
from tests.importers.test_stackexchange_import import write_dump


def token_for(member_id: str, community_id: str) -> str:
    return f"token-{member_id}"


async def test_demo_dump_is_imported_once_and_then_only_greeted(
    api: Api, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    write_dump(tmp_path / "shop.meta")
    settings = make_settings(
        stackexchange_data_dir=tmp_path, demo_stackexchange_dump="shop.meta", var_dir=tmp_path, seed_demo=True
    )
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    first: list[str] = []
    second: list[str] = []
    assert await import_demo_dump(services, settings, token_for, first.append) == "shop-meta"
    assert await import_demo_dump(services, settings, token_for, second.append) == "shop-meta"
    assert [line.split(":")[0] for line in first] == [
        f"importing {tmp_path / 'shop.meta'} as community 'shop-meta' in the background...",
        "imported 'shop-meta'",
        "  shop-meta newcomer (guest)",
        "  shop-meta operator (console at /console/)",
    ]
    assert [line.split(":")[0] for line in second] == [
        "  shop-meta newcomer (guest)",
        "  shop-meta operator (console at /console/)",
    ]


async def test_demo_dump_gets_an_operator_for_the_console_and_a_first_health_snapshot(
    api: Api, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    write_dump(tmp_path / "shop.meta")
    settings = make_settings(
        stackexchange_data_dir=tmp_path, demo_stackexchange_dump="shop.meta", var_dir=tmp_path, seed_demo=True
    )
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    await import_demo_dump(services, settings, token_for, lambda line: None)
    login = "mutation($i: LoginInput!) { login(input: $i) { token } }"
    credentials = {"communitySlug": "shop-meta", "handle": OPERATOR_HANDLE, "password": DEMO_PASSWORD}
    token = (await api.data(login, {"i": credentials}))["login"]["token"]
    grid = await api.data("{ healthIndicators { status computedAt } }", token=token)
    assert len(grid["healthIndicators"]) == 12
    assert all(row["computedAt"] is not None for row in grid["healthIndicators"])


def test_no_demo_dump_when_the_shared_data_is_absent(tmp_path: Path, make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(stackexchange_data_dir=tmp_path / "nowhere")
    assert demo_dump(settings) is None


async def test_seed_demo_false_imports_no_dump(
    api: Api, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    write_dump(tmp_path / "shop.meta")
    settings = make_settings(
        stackexchange_data_dir=tmp_path, demo_stackexchange_dump="shop.meta", var_dir=tmp_path, seed_demo=False
    )
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    lines: list[str] = []
    assert demo_dump(settings) is None
    assert await import_demo_dump(services, settings, token_for, lines.append) is None
    assert lines == []
    with pytest.raises(NotFoundError):
        await services.users.get_community_by_slug("shop-meta")


async def _has_community(services: Topology, slug: str) -> bool:
    try:
        await services.users.get_community_by_slug(slug)
    except NotFoundError:
        return False
    return True


@pytest.mark.parametrize("seed_demo", [True, False])
async def test_the_gateway_process_seeds_demo_data_only_when_seed_demo_is_on(
    seed_demo: bool, make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(seed_demo=seed_demo)
    dump_imports: list[str] = []
    served: list[Starlette] = []

    async def record_dump_import(services: Topology, settings: Settings, *args: Any) -> str | None:
        dump_imports.append(settings.db_prefix)
        return None

    def serve(app: Starlette, **where: Any) -> None:
        served.append(app)

    monkeypatch.setattr(gateway_main, "resolved_settings", lambda: settings)
    monkeypatch.setattr(gateway_main, "import_demo_dump", record_dump_import)
    monkeypatch.setattr(gateway_main, "serve", serve)
    gateway_main.main()
    [app] = served
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0)  # one turn of the loop: a background import, if any, has begun
        assert await _has_community(app.state.services, DEMO_SLUG) is seed_demo
        assert dump_imports == ([settings.db_prefix] if seed_demo else [])
