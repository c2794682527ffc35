"""The shared Stack Exchange dumps import cleanly, re-import changes nothing, and a newcomer gets a full feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from infra.importers.stackexchange.pipeline import import_dump
from infra.settings import Settings
from infra.topology import Topology
from tests.factories import Api, register

DUMPS = Settings().stackexchange_data_dir
pytestmark = [
    pytest.mark.dumps,
    pytest.mark.skipif(not DUMPS.is_dir(), reason=f"no Stack Exchange dumps at {DUMPS}"),
]
FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) {
    items { content { id title kind status } } } }
"""


def file_counts(folder: Path) -> Counter[str]:
    """The oracle, read straight from the files: users but the bot, and questions plus answers."""
    counts: Counter[str] = Counter()
    for _, row in ET.iterparse(folder / "Users.xml"):
        if row.tag == "row" and row.get("Id") != "-1":
            counts["members"] += 1
    for _, row in ET.iterparse(folder / "Posts.xml"):
        if row.tag == "row" and row.get("PostTypeId") in ("1", "2"):
            counts["content"] += 1
    return counts


async def run_import(api: Api, folder: Path, slug: str) -> dict[str, Any]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    report = await import_dump(services, folder, slug, progress=lambda line: None)
    return report.summary()


@pytest.mark.parametrize("dump", ["bicycles.meta", "french.meta", "cardano"])
async def test_dump_imports_every_member_and_post(api: Api, dump: str) -> None:
    summary = await run_import(api, DUMPS / dump, "imported")
    expected = file_counts(DUMPS / dump)
    assert (summary["created"]["members"], summary["created"]["content"]) == (expected["members"], expected["content"])
    assert (summary["rejected"]["members"], summary["rejected"]["content"]) == (0, 0)


async def test_bicycles_meta_events_and_reimport_change_nothing(api: Api) -> None:
    first = await run_import(api, DUMPS / "bicycles.meta", "bicycles")
    second = await run_import(api, DUMPS / "bicycles.meta", "bicycles")
    # 971 answers + 2448 comments + 5575 accept/up/down/favourite votes, less 117 on posts missing from Posts.xml.
    assert (first["created"]["events"], first["rejected"]["events"]) == (8877, 117)
    assert second["created"] == {"members": 0, "content": 0, "events": 0}
    assert second["skipped"] == first["created"]


async def test_newcomer_to_an_imported_community_gets_a_full_first_page(api: Api) -> None:
    await run_import(api, DUMPS / "bicycles.meta", "bicycles")
    newcomer = await register(api, "bicycles", "newcomer")
    data = await api.data(FEED, token=newcomer.token)
    items = data["feed"]["items"]
    assert len(items) == 20
    assert {(i["content"]["kind"], i["content"]["status"]) for i in items} == {("UGC", "PUBLISHED")}
    first = items[0]["content"]
    content = await api.data(
        "query($id: ID!) { content(id: $id) { id title } }", {"id": first["id"]}, token=newcomer.token
    )
    assert content["content"] == {"id": first["id"], "title": first["title"]}
