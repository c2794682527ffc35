"""graphql-core's execution context without its reference cycle: each request's execution freed at once.

graphql-core 3.3's `ExecutionContext` keeps helpers for resolvers (`async_helpers`) made of its own bound methods,
so every execution is a reference cycle (context, helpers, methods) and with it everything the context reaches
(the request's context, its DataLoaders, their caches) is freed only by a pass of the cyclic garbage collector:
~130 objects per `{ __typename }` request, a young pass every five requests at 2,500 requests/s, and what was still
in flight at a pass promoted towards the old generation (infra/gc_pause.py). Here the helpers hold the context
weakly; they are called only while the context executes (from its own methods), so it is alive whenever they run.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql.pyutils import gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Awaitables tracked after their execution context was freed (not expected): kept until they settle.
_orphans: set[asyncio.Future[Any]] = set()


def _gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
    """What `ExecutionContext.gather_async_work` does (it uses nothing of the context)."""
    return gather_with_cancel(*values)


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context whose resolver helpers do not hold it: no cycle, freed by reference count."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        context = weakref.ref(self)

        def track(values: Sequence[Any]) -> None:
            alive = context()
            if alive is not None:
                alive.track_async_work(values)
                return
            for value in values:
                if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
                    settled = asyncio.ensure_future(value)
                    _orphans.add(settled)
                    settled.add_done_callback(_orphans.discard)

        self.async_helpers = GraphQLResolveInfoHelpers(gather=_gather, track=track)
