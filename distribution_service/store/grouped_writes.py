"""Group commit: concurrent callers' documents written by one write (one transaction), not one each.

A recorded event's transaction costs the database about as much again as the event's own indexed insert: the
transaction's start and commit, a fresh storage session and its cursors, each command's own checks (SecantusDB).
Under load many recorders of one process wait on the database at once; `GroupedWrites` lets the first write go at
once, gathers whoever arrives while it is in flight, and writes all of them together next (up to `max_docs`), so a
burst of N single events costs one transaction, not N.

A caller hears of its documents only once the group's write returned, so acknowledged still means written by a
committed write; and, given `after` (the journal barrier), only once `after` returned too: it runs once per group,
right after the group's write, while the next group is written. Each caller waiting for the barrier on its own made
about one and a half barriers a group, not one: the first caller to resume started one, and the others of the same
group, finding it running, rode the next (JournalBarrier cannot tell their commit came before it started).

A group that wrote all of its callers' documents or none of them (a transaction) fails whole: a refusal that may be
another caller's (a duplicate key: `refusals`) is answered `GroupRefused` to every caller of a group of several, who
then write apart (and hear their own refusal, if theirs it was); a caller alone in its group hears the write's own
error, as if it had written alone. Any other error (the database unreachable, or `after`'s) reaches every caller of
the group: each would have met it alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

Doc = dict[str, Any]


class GroupRefused(Exception):
    """The group's write was refused (possibly for another caller's document): nothing of it was written; write
    these documents alone."""


class GroupedWrites:
    def __init__(
        self,
        write: Callable[[list[Doc]], Awaitable[None]],
        *,
        max_docs: int,
        refusals: tuple[type[BaseException], ...],
        after: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._write = write
        self._after = after
        # The groups written whose `after` is still running (held: a task nobody references may be collected).
        self._finishing: set[asyncio.Task[None]] = set()
        self.max_docs = max_docs
        self.refusals = refusals
        self._waiting: list[tuple[list[Doc], asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        # How many writes the groups made, and for how many callers (a test's and a probe's figure).
        self.groups = 0
        self.callers = 0
        # Told each group's callers as it is written (the process's metrics: distribution_service/app.py).
        self.observe: Callable[[int], None] | None = None

    async def write(self, docs: Sequence[Doc]) -> None:
        """Write `docs` in the next group; returns once that group's write (and `after`) did. Raises GroupRefused
        (write them alone), the write's own error or `after`'s."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        if self._task is not None and self._task.get_loop() is not loop:
            # A loop that ended (a test's) took its drain with it: its callers are gone too.
            self._task = None
            self._waiting = [(d, f) for d, f in self._waiting if f.get_loop() is loop]
        self._waiting.append((list(docs), done))
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._drain())
        # Shielded: a caller that goes away (its client hung up) leaves the group's write to finish for the others.
        await asyncio.shield(done)

    async def _drain(self) -> None:
        """Write groups until nobody waits: each the callers waiting when the previous write returned."""
        while self._waiting:
            group = self._next_group()
            self.groups += 1
            self.callers += len(group)
            if self.observe is not None:
                self.observe(len(group))
            try:
                await self._write([doc for docs, _ in group for doc in docs])
            except self.refusals as exc:
                for _, done in group:
                    _settle(done, exc if len(group) == 1 else GroupRefused())
            except BaseException as exc:  # noqa: BLE001 - handed to every caller, each re-raises it
                for _, done in group:
                    _settle(done, exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
            else:
                if self._after is None:
                    for _, done in group:
                        _settle(done, None)
                else:
                    task = asyncio.ensure_future(self._finish(group))
                    self._finishing.add(task)
                    task.add_done_callback(self._finishing.discard)

    async def _finish(self, group: list[tuple[list[Doc], asyncio.Future[None]]]) -> None:
        """`after` once for a written group, then its callers answered (with `after`'s error, if it failed)."""
        assert self._after is not None
        try:
            await self._after()
        except BaseException as exc:  # noqa: BLE001 - handed to every caller of the group, each re-raises it
            for _, done in group:
                _settle(done, exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
        else:
            for _, done in group:
                _settle(done, None)

    def _next_group(self) -> list[tuple[list[Doc], asyncio.Future[None]]]:
        """The oldest waiting callers, as many as hold up to `max_docs` documents (at least one caller)."""
        size = 0
        count = 0
        for docs, _ in self._waiting:
            if count and size + len(docs) > self.max_docs:
                break
            size += len(docs)
            count += 1
        group, self._waiting = self._waiting[:count], self._waiting[count:]
        return group


def _settle(done: asyncio.Future[None], outcome: BaseException | None) -> None:
    if done.done():
        return
    if isinstance(outcome, asyncio.CancelledError):
        done.cancel()
    elif outcome is None:
        done.set_result(None)
    else:
        done.set_exception(outcome)
