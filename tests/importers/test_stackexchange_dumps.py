"""The shared Stack Exchange dumps import cleanly side by side, re-import changes nothing, a newcomer gets a feed.

The three dumps are imported once for the module, as three communities of one platform (one set of databases).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from composition.importers.stackexchange.pipeline import import_dump
from composition.topology import Topology
from infra.settings import SERVICE_NAMES, Settings
from tests.conftest import running_gateway
from tests.factories import ADMIN_KEY, JWT_SECRET, Api, register

DUMPS = Settings().stackexchange_data_dir
NAMES = ("bicycles.meta", "french.meta", "cardano")
pytestmark = [
    pytest.mark.dumps,
    pytest.mark.skipif(not DUMPS.is_dir(), reason=f"no Stack Exchange dumps at {DUMPS}"),
]
FEED = """
{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) {
    items { content { id title kind status } } } }
"""


@dataclass
class Imported:
    api: Api
    first: dict[str, dict[str, Any]]
    again: dict[str, Any]


def slug(dump: str) -> str:
    return dump.replace(".", "-")


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


async def run_import(api: Api, dump: str) -> dict[str, Any]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    report = await import_dump(services, DUMPS / dump, slug(dump), progress=lambda line: None)
    return report.summary()


@pytest.fixture(scope="module")
async def imported(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings = Settings(
        app_env="test",
        mongodb_uri=mongo_uri,
        db_prefix=prefix,
        jwt_secret=JWT_SECRET,
        platform_admin_key=ADMIN_KEY,
        var_dir=tmp_path_factory.mktemp("var"),
        seed_demo=False,
    )
    try:
        async with running_gateway(settings) as api:
            first = {dump: await run_import(api, dump) for dump in NAMES}
            # The smallest dump again: what a re-run does.
            again = await run_import(api, "french.meta")
            yield Imported(api, first, again)
    finally:
        client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri)
        for service in SERVICE_NAMES:
            client.drop_database(f"{prefix}_{service}")
        client.close()


@pytest.mark.parametrize("dump", NAMES)
def test_dump_imports_every_member_and_post(imported: Imported, dump: str) -> None:
    summary = imported.first[dump]
    expected = file_counts(DUMPS / dump)
    assert (summary["created"]["members"], summary["created"]["content"]) == (expected["members"], expected["content"])
    assert (summary["rejected"]["members"], summary["rejected"]["content"]) == (0, 0)


def test_bicycles_meta_events_are_all_engagement_on_imported_posts(imported: Imported) -> None:
    summary = imported.first["bicycles.meta"]
    # 971 answers + 2448 comments + 5575 accept/up/down/favourite votes, less 117 on posts missing from Posts.xml.
    assert (summary["created"]["events"], summary["rejected"]["events"]) == (8877, 117)


def test_reimport_creates_nothing_and_skips_what_the_first_run_created(imported: Imported) -> None:
    assert imported.again["created"] == {"members": 0, "content": 0, "events": 0}
    assert imported.again["skipped"] == imported.first["french.meta"]["created"]
    assert imported.again["rejected"] == imported.first["french.meta"]["rejected"]


async def test_newcomer_to_an_imported_community_gets_a_full_first_page_of_its_own_content(imported: Imported) -> None:
    api = imported.api
    newcomer = await register(api, "cardano", f"newcomer-{uuid.uuid4().hex[:6]}")
    items = (await api.data(FEED, token=newcomer.token))["feed"]["items"]
    # `content` resolves in the caller's community only: a null would be another community's item.
    assert len([i for i in items if i["content"] is not None]) == 20
    assert {(i["content"]["kind"], i["content"]["status"]) for i in items} == {("UGC", "PUBLISHED")}
