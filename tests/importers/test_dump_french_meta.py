"""french.meta (LF line ends) imports every member and post, and run again creates nothing.

On a slice of the dump (tests/importers/slice.py): a few hundred members, posts and a few thousand events prove that
a re-run skips every record the first run created (all three kinds) and rejects what the first run rejected.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.importers.dumps import (
    MARKS,
    assert_every_member_and_post,
    dump_slice,
    gateway_on_kept_databases,
    run_import,
    slug,
)
from tests.importers.slice import Slice

DUMP = "french.meta"
pytestmark = MARKS


@dataclass
class Imported:
    part: Slice
    first: dict[str, Any]
    again: dict[str, Any]


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    part = dump_slice(DUMP, tmp_path_factory)
    async with gateway_on_kept_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        first = await run_import(api, part.folder, slug(DUMP))
        yield Imported(part, first, await run_import(api, part.folder, slug(DUMP)))


def test_dump_imports_every_member_and_post(imported: Imported) -> None:
    assert_every_member_and_post(imported.first, imported.part.folder)


def test_reimport_creates_nothing_and_skips_what_the_first_run_created(imported: Imported) -> None:
    assert min(imported.first["created"].values()) > 0
    assert imported.again["created"] == {"members": 0, "content": 0, "events": 0}
    assert imported.again["skipped"] == imported.first["created"]
    assert imported.again["rejected"] == imported.first["rejected"]
