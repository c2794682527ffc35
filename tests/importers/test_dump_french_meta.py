"""french.meta imports every member and post; run again it creates nothing; a newcomer gets a full first page.

The re-import and the newcomer run on french.meta, the smallest dump: 1,702 members, 761 posts and 5,993 events
are enough to prove that a re-run skips every record the first run created (all three kinds) and that the feed
has twenty of the community's own items for someone who just joined.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import gateway_on_own_databases
from tests.factories import Api, register
from tests.importers.dumps import MARKS, assert_every_member_and_post, run_import, slug

DUMP = "french.meta"
pytestmark = MARKS
FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) {
    items { content { id title kind status } } } }
"""


@dataclass
class Imported:
    api: Api
    first: dict[str, Any]
    again: dict[str, Any]


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    async with gateway_on_own_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        first = await run_import(api, DUMP)
        yield Imported(api, first, await run_import(api, DUMP))


def test_dump_imports_every_member_and_post(imported: Imported) -> None:
    assert_every_member_and_post(imported.first, DUMP)


def test_reimport_creates_nothing_and_skips_what_the_first_run_created(imported: Imported) -> None:
    assert imported.again["created"] == {"members": 0, "content": 0, "events": 0}
    assert imported.again["skipped"] == imported.first["created"]
    assert imported.again["rejected"] == imported.first["rejected"]


async def test_newcomer_to_an_imported_community_gets_a_full_first_page_of_its_own_content(imported: Imported) -> None:
    api = imported.api
    newcomer = await register(api, slug(DUMP), f"newcomer-{uuid.uuid4().hex[:6]}")
    items = (await api.data(FEED, token=newcomer.token))["feed"]["items"]
    # `content` resolves in the caller's community only: a null would be another community's item.
    assert len([i for i in items if i["content"] is not None]) == 20
    assert {(i["content"]["kind"], i["content"]["status"]) for i in items} == {("UGC", "PUBLISHED")}
