"""cardano, the largest dump, imports every member and post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import gateway_on_own_databases
from tests.importers.dumps import MARKS, assert_every_member_and_post, run_import

DUMP = "cardano"
pytestmark = MARKS


@pytest.fixture(scope="module")
async def summary(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    async with gateway_on_own_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        yield await run_import(api, DUMP)


def test_dump_imports_every_member_and_post(summary: dict[str, Any]) -> None:
    assert_every_member_and_post(summary, DUMP)
