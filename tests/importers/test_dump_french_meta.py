"""french.meta, the smallest dump, imports every member and post, and run again creates nothing.

The re-import runs on french.meta: 1,702 members, 761 posts and 5,993 events are enough to prove that a re-run
skips every record the first run created (all three kinds) and rejects what the first run rejected.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import gateway_on_own_databases
from tests.importers.dumps import MARKS, assert_every_member_and_post, run_import

DUMP = "french.meta"
pytestmark = MARKS


@dataclass
class Imported:
    first: dict[str, Any]
    again: dict[str, Any]


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    async with gateway_on_own_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        first = await run_import(api, DUMP)
        yield Imported(first, await run_import(api, DUMP))


def test_dump_imports_every_member_and_post(imported: Imported) -> None:
    assert_every_member_and_post(imported.first, DUMP)


def test_reimport_creates_nothing_and_skips_what_the_first_run_created(imported: Imported) -> None:
    assert imported.again["created"] == {"members": 0, "content": 0, "events": 0}
    assert imported.again["skipped"] == imported.first["created"]
    assert imported.again["rejected"] == imported.first["rejected"]
