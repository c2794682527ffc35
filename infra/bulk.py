"""Batched, idempotent imports shared by the services: the result shape and an unordered insert that reports.

A service's import endpoint takes a batch of items keyed by `source` + `sourceId` (a unique partial
index per collection), inserts what is new in one `insert_many(ordered=False)` and answers per item whether it
was created, skipped (already there) or rejected (with the reason), so a re-run of an import creates nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from infra.schemas import ApiInput, ApiModel

MAX_IMPORT_BATCH = 1000
DUPLICATE_KEY = 11000

SourceKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class ImportOutcome(StrEnum):
    CREATED = "CREATED"
    SKIPPED = "SKIPPED"
    REJECTED = "REJECTED"


class ImportedItem(ApiModel):
    source_id: str
    outcome: ImportOutcome
    id: str | None = None
    reason: str | None = None


class ImportResult(ApiModel):
    """Counts for the whole batch; `items` in the order sent (event imports list only the rejected ones)."""

    created: int = 0
    skipped: int = 0
    rejected: int = 0
    items: list[ImportedItem] = Field(default_factory=list)


def tally(items: Sequence[ImportedItem], *, keep: frozenset[ImportOutcome] | None = None) -> ImportResult:
    """The result of a batch from its per-item outcomes; `keep` limits which items are listed."""
    counts = {outcome: 0 for outcome in ImportOutcome}
    for item in items:
        counts[item.outcome] += 1
    listed = [i for i in items if keep is None or i.outcome in keep]
    return ImportResult(
        created=counts[ImportOutcome.CREATED],
        skipped=counts[ImportOutcome.SKIPPED],
        rejected=counts[ImportOutcome.REJECTED],
        items=listed,
    )


async def insert_many_reporting(
    collection: AsyncCollection[dict[str, Any]], docs: list[dict[str, Any]]
) -> dict[int, str]:
    """Insert `docs` unordered; the ones a unique index refused, as {position: fields of that index}.

    Any other write error is raised. Documents get their `_id` in place, as with `insert_many`.
    """
    if not docs:
        return {}
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        refused: dict[int, str] = {}
        for error in exc.details.get("writeErrors", []):
            if error.get("code") != DUPLICATE_KEY:
                raise
            refused[int(error["index"])] = ",".join(error.get("keyPattern", {}).keys())
        return refused
    return {}


class SourceIdLookup(ApiInput):
    """Which platform ids the import gave these source ids (tools that name things as the source system does)."""

    source: SourceKey
    source_ids: list[SourceKey] = Field(max_length=MAX_IMPORT_BATCH)


class SourceIdMap(ApiModel):
    """Source id -> platform id, for the source ids an import created; the others are absent."""

    ids: dict[str, str]
