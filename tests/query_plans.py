"""Which index each store finder's queries use: capture the commands a finder sends, explain them on the server.

A pymongo command listener records every read/write command a store method sends; `plans()` explains each one on
the real server (find, aggregate's first $match, distinct, and the filters of update/findAndModify/delete, which
SecantusDB routes like a find) and returns one "IXSCAN <index>" or "COLLSCAN" per query. Deterministic: plans only,
never timings.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

Doc = dict[str, Any]
QUERY_COMMANDS = {"find", "aggregate", "distinct", "update", "findAndModify", "delete", "count"}


class CommandRecorder(CommandListener):
    def __init__(self) -> None:
        self.commands: list[tuple[str, Doc]] = []

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name in QUERY_COMMANDS:
            self.commands.append((event.command_name, dict(event.command)))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


def _winning(plan: Doc) -> str:
    stage: Doc | None = plan
    while stage is not None:
        if stage.get("stage") == "IXSCAN":
            return f"IXSCAN {stage['indexName']}"
        if stage.get("stage") == "COLLSCAN":
            return "COLLSCAN"
        stage = stage.get("inputStage")
    return f"unknown {plan}"


class PlanProbe:
    """A database on the test server whose commands are recorded, and their plans read back."""

    def __init__(self, db: AsyncDatabase[Doc], recorder: CommandRecorder) -> None:
        self.db = db
        self.recorder = recorder

    def clear(self) -> None:
        self.recorder.commands.clear()

    async def _explain_find(
        self, collection: str, query: Doc, sort: Doc | None = None, hint: str | Doc | None = None
    ) -> str:
        command: Doc = {"find": collection, "filter": query}
        if sort:
            command["sort"] = sort
        if hint:
            command["hint"] = hint
        result = await self.db.command("explain", command)
        return _winning(result["queryPlanner"]["winningPlan"])

    async def plans(self) -> list[str]:
        """One plan per query sent since `clear()` (each write's filter counts as a query)."""
        found: list[str] = []
        for name, command in list(self.recorder.commands):
            collection = command[name]
            if name == "find":
                found.append(
                    await self._explain_find(
                        collection, command.get("filter", {}), command.get("sort"), command.get("hint")
                    )
                )
            elif name == "aggregate":
                result = await self.db.command("aggregate", collection, pipeline=command["pipeline"], explain=True)
                found.append(_winning(result["stages"][0]["$cursor"]["queryPlanner"]["winningPlan"]))
            elif name == "distinct":
                result = await self.db.command(
                    "explain", {"distinct": collection, "key": command["key"], "query": command.get("query", {})}
                )
                found.append(_winning(result["queryPlanner"]["winningPlan"]))
            elif name == "findAndModify":
                found.append(await self._explain_find(collection, command.get("query", {})))
            elif name in ("update", "delete"):
                key = "updates" if name == "update" else "deletes"
                for statement in command[key]:
                    found.append(await self._explain_find(collection, statement["q"]))
            else:
                found.append(await self._explain_find(collection, command.get("query", {})))
        return found


@asynccontextmanager
async def plan_probe(mongo_uri: str) -> AsyncIterator[PlanProbe]:
    """A fresh database on the session's server, dropped afterwards."""
    recorder = CommandRecorder()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri, event_listeners=[recorder])
    name = f"plans{uuid.uuid4().hex[:10]}"
    try:
        yield PlanProbe(client[name], recorder)
    finally:
        await client.drop_database(name)
        await client.close()
