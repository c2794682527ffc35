"""bicycles.meta (CRLF line ends) imports every member and post, and its events are all engagement on imported
posts: answers, comments and accept/up/down/favourite votes, the ones on deleted posts refused.

On a slice of the dump (tests/importers/slice.py), checked against counts taken from the slice's own files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.importers.dumps import (
    MARKS,
    assert_every_member_and_post,
    dump_slice,
    event_counts,
    gateway_on_kept_databases,
    run_import,
    slug,
)
from tests.importers.slice import Slice

DUMP = "bicycles.meta"
pytestmark = MARKS


@pytest.fixture(scope="module")
def part(tmp_path_factory: pytest.TempPathFactory) -> Slice:
    return dump_slice(DUMP, tmp_path_factory)


@pytest.fixture(scope="module")
async def summary(
    mongo_uri: str, tmp_path_factory: pytest.TempPathFactory, part: Slice
) -> AsyncIterator[dict[str, Any]]:
    async with gateway_on_kept_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        yield await run_import(api, part.folder, slug(DUMP))


def test_dump_imports_every_member_and_post(summary: dict[str, Any], part: Slice) -> None:
    assert_every_member_and_post(summary, part.folder)


def test_bicycles_meta_events_are_all_engagement_on_imported_posts(summary: dict[str, Any], part: Slice) -> None:
    expected = event_counts(part.folder)
    # The slice keeps votes and comments on posts deleted from the dump: the refusal is exercised, not vacuous.
    assert expected["rejected"] > 0
    assert (summary["created"]["events"], summary["rejected"]["events"]) == (expected["created"], expected["rejected"])
    assert summary["reasons"]["events"] == {"post was not imported (deleted, or rejected above)": expected["rejected"]}
