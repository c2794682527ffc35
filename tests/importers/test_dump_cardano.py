"""cardano imports every member and post, and a newcomer to it gets a full first page of its own content.

On a slice of the dump (tests/importers/slice.py): cardano's first days, a busy launch with many authors, so the
items alive at the slice's last activity fill a page under the feed's per-author rule. The meta dumps do not prove
the newcomer's page (a newcomer's first page held 6 items on french.meta and 13 on bicycles.meta when tried).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from tests.factories import register
from tests.importers.dumps import MARKS, Imported, assert_every_member_and_post, imported_slice, slug

DUMP = "cardano"
pytestmark = MARKS
FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) {
    items { content { id title kind status } } } }
"""


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    async with imported_slice(DUMP, mongo_uri, tmp_path_factory) as done:
        yield done


def test_dump_imports_every_member_and_post(imported: Imported) -> None:
    assert_every_member_and_post(imported.summary, imported.part.folder)


async def test_newcomer_to_an_imported_community_gets_a_full_first_page_of_its_own_content(imported: Imported) -> None:
    api = imported.api
    newcomer = await register(api, slug(DUMP), f"newcomer-{uuid.uuid4().hex[:6]}")
    items = (await api.data(FEED, token=newcomer.token))["feed"]["items"]
    # `content` resolves in the caller's community only: a null would be another community's item.
    assert len([i for i in items if i["content"] is not None]) == 20
    assert {(i["content"]["kind"], i["content"]["status"]) for i in items} == {("UGC", "PUBLISHED")}
