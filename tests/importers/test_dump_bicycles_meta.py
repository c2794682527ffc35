"""bicycles.meta imports every member and post, and its events are all engagement on imported posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import gateway_on_own_databases
from tests.importers.dumps import MARKS, assert_every_member_and_post, run_import

DUMP = "bicycles.meta"
pytestmark = MARKS


@pytest.fixture(scope="module")
async def summary(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    async with gateway_on_own_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        yield await run_import(api, DUMP)


def test_dump_imports_every_member_and_post(summary: dict[str, Any]) -> None:
    assert_every_member_and_post(summary, DUMP)


def test_bicycles_meta_events_are_all_engagement_on_imported_posts(summary: dict[str, Any]) -> None:
    # 971 answers + 2448 comments + 5575 accept/up/down/favourite votes, less 117 on posts missing from Posts.xml.
    assert (summary["created"]["events"], summary["rejected"]["events"]) == (8877, 117)
