"""What the real-dump import tests share: where the dumps are, the file-count oracle, and one import per module.

Each dump has a module of its own (test_dump_<name>.py) on databases of its own, so that `--dist loadfile` spreads
them over the workers and each module imports only the dump it asserts on.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from composition.importers.stackexchange.pipeline import import_dump
from composition.topology import Topology
from infra.settings import Settings
from tests.factories import Api

DUMPS = Settings().stackexchange_data_dir
MARKS = [
    pytest.mark.dumps,
    pytest.mark.skipif(not DUMPS.is_dir(), reason=f"no Stack Exchange dumps at {DUMPS}"),
]


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


def assert_every_member_and_post(summary: dict[str, Any], dump: str) -> None:
    expected = file_counts(DUMPS / dump)
    assert (summary["created"]["members"], summary["created"]["content"]) == (expected["members"], expected["content"])
    assert (summary["rejected"]["members"], summary["rejected"]["content"]) == (0, 0)
