"""What the real-dump import tests share: where the dumps are, a slice of each, the oracles, one import per module.

Each dump has a module of its own (test_dump_<name>.py) on databases of its own, so that `--dist loadfile` spreads
them over the workers. Each imports a slice of its dump (tests/importers/slice.py: the dump as it stood at its
SLICE_POSTS-th post) and checks it against counts taken straight from the slice's files, not against the importer.
Whole dumps are the benchmark's: `python -m benchmarks.import_dump --dump NAME`.
"""

from __future__ import annotations

import os
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from composition.importers.stackexchange.pipeline import import_dump
from composition.topology import Topology
from infra.settings import Settings
from tests.conftest import gateway_on_own_databases, running_gateway, settings_for
from tests.factories import Api
from tests.importers.slice import Slice, write_slice

DUMPS = Settings().stackexchange_data_dir
MARKS = [
    pytest.mark.dumps,
    pytest.mark.skipif(not DUMPS.is_dir(), reason=f"no Stack Exchange dumps at {DUMPS}"),
]
# Posts per slice: enough for a newcomer's full first page on cardano's, and votes on deleted posts in each.
SLICE_POSTS = 150
BOT = "-1"
# VoteTypeId -> what docs/importing.md says the vote becomes: accept, up, down, favourite; the rest is ignored.
VOTE_KINDS = {"1": "ACCEPT", "2": "VOTE", "3": "DOWNVOTE", "5": "FAVORITE"}


def slug(dump: str) -> str:
    return dump.replace(".", "-")


def dump_slice(dump: str, tmp_path_factory: pytest.TempPathFactory, posts: int = SLICE_POSTS) -> Slice:
    return write_slice(DUMPS / dump, tmp_path_factory.mktemp(slug(dump)), posts)


def rows(path: Path) -> Iterator[dict[str, str]]:
    for _, row in ET.iterparse(path):
        if row.tag == "row":
            yield dict(row.attrib)


def file_counts(folder: Path) -> Counter[str]:
    """The oracle, read straight from the files: users but the bot, and questions plus answers."""
    counts: Counter[str] = Counter()
    counts["members"] = sum(1 for row in rows(folder / "Users.xml") if row.get("Id") != BOT)
    counts["content"] = sum(1 for row in rows(folder / "Posts.xml") if row.get("PostTypeId") in ("1", "2"))
    return counts


def event_counts(folder: Path) -> Counter[str]:
    """The events oracle, by brute force over the files, from docs/importing.md's table (for a dump whose every
    member and post is imported): an answer, a comment and an accept/up/down/favourite vote are each one event;
    one on a post missing from Posts.xml, by a user missing from Users.xml, or an accept of a question is refused."""
    users = {row["Id"] for row in rows(folder / "Users.xml") if row["Id"] != BOT}
    posts = {row["Id"]: row for row in rows(folder / "Posts.xml") if row.get("PostTypeId") in ("1", "2")}
    counts: Counter[str] = Counter(created=0, rejected=0)
    counts["created"] += sum(1 for post in posts.values() if post["PostTypeId"] == "2")
    for row in rows(folder / "Comments.xml"):
        if row["PostId"] not in posts or (row.get("UserId") not in (None, BOT) and row["UserId"] not in users):
            counts["rejected"] += 1
        elif row.get("UserId") != BOT:
            counts["created"] += 1
    for row in rows(folder / "Votes.xml"):
        kind = VOTE_KINDS.get(row["VoteTypeId"])
        if kind is None:
            continue
        refused = (
            row["PostId"] not in posts
            or (kind == "ACCEPT" and posts[row["PostId"]]["PostTypeId"] != "2")
            or (kind == "FAVORITE" and row.get("UserId") not in (None, BOT) and row["UserId"] not in users)
        )
        counts["rejected" if refused else "created"] += 1
    return counts


@asynccontextmanager
async def gateway_on_kept_databases(mongo_uri: str, var_dir: Path) -> AsyncIterator[Api]:
    """`gateway_on_own_databases` whose databases die with the worker's own in-memory server instead of being dropped.

    Dropping costs the server time per stored document (about as long as a third of the slice's import; 15-34 s
    a whole dump), while the server is this worker's alone and gone at the session's end, and stopping it costs the
    same with the data or without. On a server given by TEST_MONGODB_URI, which outlives the run, they are dropped.
    """
    if os.environ.get("TEST_MONGODB_URI"):
        async with gateway_on_own_databases(mongo_uri, var_dir) as api:
            yield api
        return
    async with running_gateway(settings_for(mongo_uri, f"t{uuid.uuid4().hex[:12]}", var_dir)) as api:
        yield api


async def run_import(api: Api, folder: Path, community: str) -> dict[str, Any]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    report = await import_dump(services, folder, community, progress=lambda line: None)
    return report.summary()


@dataclass
class Imported:
    """A module's imported slice: the gateway over its databases, the slice, and the import's summary."""

    api: Api
    part: Slice
    summary: dict[str, Any]

    async def again(self) -> dict[str, Any]:
        return await run_import(self.api, self.part.folder, self.summary["community"])


@asynccontextmanager
async def imported_slice(
    dump: str, mongo_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Imported]:
    """A slice of `dump` imported as the community `slug(dump)`, on databases of the module's own."""
    part = dump_slice(dump, tmp_path_factory)
    async with gateway_on_kept_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        yield Imported(api, part, await run_import(api, part.folder, slug(dump)))


def assert_every_member_and_post(summary: dict[str, Any], folder: Path) -> None:
    expected = file_counts(folder)
    assert (summary["created"]["members"], summary["created"]["content"]) == (expected["members"], expected["content"])
    assert (summary["rejected"]["members"], summary["rejected"]["content"]) == (0, 0)
