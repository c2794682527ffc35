"""french.meta (LF line ends) imports every member and post, and run again creates nothing.

On a slice of the dump (tests/importers/slice.py): a few hundred members and posts and a thousand events prove that
a re-run skips every record the first run created (all three kinds) and rejects what the first run rejected.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.importers.dumps import MARKS, Imported, assert_every_member_and_post, imported_slice

DUMP = "french.meta"
pytestmark = MARKS


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    async with imported_slice(DUMP, mongo_uri, tmp_path_factory) as done:
        yield done


@pytest.fixture(scope="module")
async def again(imported: Imported) -> dict[str, Any]:
    return await imported.again()


def test_dump_imports_every_member_and_post(imported: Imported) -> None:
    assert_every_member_and_post(imported.summary, imported.part.folder)


def test_reimport_creates_nothing_and_skips_what_the_first_run_created(
    imported: Imported, again: dict[str, Any]
) -> None:
    first = imported.summary
    assert min(first["created"].values()) > 0
    assert again["created"] == {"members": 0, "content": 0, "events": 0}
    assert again["skipped"] == first["created"]
    assert again["rejected"] == first["rejected"]
