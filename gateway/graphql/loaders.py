"""The batching every domain's loaders share: keys are (community id, id), one call per community."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from infra.errors import ServiceError

T = TypeVar("T")
Key = tuple[str, str]  # (community id, id): every lookup is scoped to a community.
Lookup = Callable[[str, list[str]], Awaitable[Sequence[T | None]]]
Batch = Callable[[list[Key]], Awaitable[list[T | None | BaseException]]]


def scoped_batch(lookup: Lookup[T]) -> Batch[T]:
    """Batch keys by community; a failed call puts its error in each of that community's slots."""

    async def load(keys: list[Key]) -> list[T | None | BaseException]:
        by_community: dict[str, list[str]] = defaultdict(list)
        for community_id, item_id in keys:
            by_community[community_id].append(item_id)
        found: dict[Key, T | None | BaseException] = {}
        for community_id, ids in by_community.items():
            unique = list(dict.fromkeys(ids))
            try:
                values = await lookup(community_id, unique)
            except ServiceError as exc:
                for item_id in unique:
                    found[(community_id, item_id)] = exc
                continue
            for item_id, value in zip(unique, values, strict=True):
                found[(community_id, item_id)] = value
        return [found[key] for key in keys]

    return load


K = TypeVar("K")


def one_by_one(call: Callable[[K], Awaitable[T]]) -> Callable[[list[K]], Awaitable[list[T | BaseException]]]:
    """A load function for a service that answers one key a call: each key once, its error in its own slot."""

    async def load(keys: list[K]) -> list[T | BaseException]:
        results: list[T | BaseException] = []
        for key in keys:
            try:
                results.append(await call(key))
            except ServiceError as exc:
                results.append(exc)
        return results

    return load
