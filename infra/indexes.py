"""A store's indexes, declared one by one where they are explained and built with one command per collection.

Each `createIndexes` is a round trip and, on the embedded server, a catalogue write: a service that declares ~30
indexes over ~10 collections starts ~3x sooner sending one command per collection, all collections at once
(benchmarks/startup.py measures it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.collection import AsyncCollection


class IndexPlan:
    """`add` an index as `create_index` would take it; `create` builds them all."""

    def __init__(self) -> None:
        self._plans: dict[str, tuple[AsyncCollection[Any], list[IndexModel]]] = {}

    def add(
        self,
        collection: AsyncCollection[Any],
        keys: str | Sequence[tuple[str, Any]] | Mapping[str, Any],
        **options: Any,
    ) -> None:
        _, models = self._plans.setdefault(collection.full_name, (collection, []))
        models.append(IndexModel(keys, **options))

    async def create(self) -> None:
        """Every collection's indexes in one `createIndexes` each, the collections concurrently; an index that
        exists with the same definition is left as it is."""
        await asyncio.gather(*(collection.create_indexes(models) for collection, models in self._plans.values()))
