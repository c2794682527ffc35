"""bicycles.meta (CRLF line ends) imports every member and post, and its events are all engagement on imported
posts: answers, comments and accept/up/down/favourite votes, the ones on deleted posts refused.

On a slice of the dump (tests/importers/slice.py), checked against counts taken from the slice's own files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.importers.dumps import MARKS, Imported, assert_every_member_and_post, event_counts, imported_slice

DUMP = "bicycles.meta"
pytestmark = MARKS


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    async with imported_slice(DUMP, mongo_uri, tmp_path_factory) as done:
        yield done


def test_dump_imports_every_member_and_post(imported: Imported) -> None:
    assert_every_member_and_post(imported.summary, imported.part.folder)


def test_bicycles_meta_events_are_all_engagement_on_imported_posts(imported: Imported) -> None:
    expected, summary = event_counts(imported.part.folder), imported.summary
    # The slice keeps votes and comments on posts deleted from the dump: the refusal is exercised, not vacuous.
    assert expected["rejected"] > 0
    assert (summary["created"]["events"], summary["rejected"]["events"]) == (expected["created"], expected["rejected"])
    assert summary["reasons"]["events"] == {"post was not imported (deleted, or rejected above)": expected["rejected"]}
