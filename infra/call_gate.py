"""A gate around the service calls of one task context: how a caller paces its own calls to the services.

`ServiceClient` sends every call through `gated`: with no gate set (every request but the gateway's heavy
operations) the call goes out at once. The gateway's cost lane (gateway/cost_pacing.py) sets a gate for the context
of a heavy operation, so that each of its calls (a ranked page, a batch of content lookups) takes a turn. A gate
clears itself for what runs inside a call it admitted (an in-process service's own calls, tasks it starts), so that
nested calls pass straight through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
CallGate = Callable[[], AbstractAsyncContextManager[None]]

call_gate: ContextVar[CallGate | None] = ContextVar("call_gate", default=None)


async def gated(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`'s result, made and awaited inside the context's gate when one is set."""
    gate = call_gate.get()
    if gate is None:
        return await call()
    async with gate():
        return await call()
