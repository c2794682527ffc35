"""`make run`'s second demo community: the shared dump imported once, in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from infra.importers.demo import demo_dump, import_demo_dump
from infra.settings import Settings
from infra.topology import Topology
from tests.factories import Api
from tests.importers.test_stackexchange_import import write_dump


def token_for(member_id: str, community_id: str) -> str:
    return f"token-{member_id}"


async def test_demo_dump_is_imported_once_and_then_only_greeted(
    api: Api, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    write_dump(tmp_path / "shop.meta")
    settings = make_settings(stackexchange_data_dir=tmp_path, demo_stackexchange_dump="shop.meta", var_dir=tmp_path)
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    first: list[str] = []
    second: list[str] = []
    assert await import_demo_dump(services, settings, token_for, first.append) == "shop-meta"
    assert await import_demo_dump(services, settings, token_for, second.append) == "shop-meta"
    assert [line.split(":")[0] for line in first] == [
        f"importing {tmp_path / 'shop.meta'} as community 'shop-meta' in the background...",
        "imported 'shop-meta'",
        "  shop-meta newcomer (guest)",
    ]
    assert [line.split(":")[0] for line in second] == ["  shop-meta newcomer (guest)"]


def test_no_demo_dump_when_the_shared_data_is_absent(tmp_path: Path, make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(stackexchange_data_dir=tmp_path / "nowhere")
    assert demo_dump(settings) is None
