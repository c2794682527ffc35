"""Writes a sampled community through the services' clients, in batches, a few in flight at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np

from composition.communities import get_or_create_community
from composition.generate import shape as sampling
from composition.importers.report import ImportReport, to_stderr
from composition.topology import Topology
from content_service.schemas import ContentImportBatch
from distribution_service.schemas import EventImportBatch
from infra.bulk import MAX_IMPORT_BATCH, ImportResult
from users_service.schemas import CommunityCreate, MemberImportBatch

T = TypeVar("T")
FIRST_NAMES = "li wang zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo".split()


@dataclass(frozen=True)
class GenerateOptions:
    community: str
    members: int
    days: int
    seed: int
    content: int | None = None
    events: int | None = None
    batch_size: int = MAX_IMPORT_BATCH
    concurrency: int = 2
    shape: sampling.Shape = field(default_factory=sampling.Shape)

    @property
    def content_count(self) -> int:
        return (
            self.content if self.content is not None else max(20, round(self.members * self.shape.content_per_member))
        )

    @property
    def event_count(self) -> int:
        return self.events if self.events is not None else round(self.members * self.shape.events_per_member)


class Generator:
    def __init__(self, services: Topology, options: GenerateOptions, progress: Callable[[str], None] = to_stderr):
        self.services = services
        self.options = options
        self.progress = progress
        self.report = ImportReport(community=options.community)
        self.source = f"generator-{options.seed}"
        self.phases: dict[str, float] = {}

    async def run(self) -> dict[str, Any]:
        o = self.options
        started = time.monotonic()
        rng = np.random.default_rng(o.seed)
        # The community's history ends at today's midnight (UTC), so its newest content is fresh.
        end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = end - timedelta(days=o.days)
        members = sampling.sample_members(rng, o.shape, o.members, o.days)
        content = sampling.sample_content(rng, o.shape, members, o.content_count, o.days)
        events = sampling.sample_events(rng, o.shape, members, content, o.event_count, o.days, self.start.weekday())
        self.phases["sample"] = time.monotonic() - started
        community_id = await self._community()
        member_ids = await self._timed("members", self._members(community_id, members))
        content_ids = await self._timed("content", self._content(community_id, content, member_ids))
        await self._timed("events", self._events(community_id, events, member_ids, content_ids))
        summary = self.report.summary()
        summary["phaseSeconds"] = {k: round(v, 2) for k, v in self.phases.items()}
        summary["perSecond"] = {
            kind: round(summary["created"][kind] / self.phases[kind], 1) if self.phases.get(kind) else 0.0
            for kind in ("members", "content", "events")
        }
        return summary

    async def _timed(self, phase: str, work: Awaitable[T]) -> T:
        started = time.monotonic()
        result = await work
        self.phases[phase] = time.monotonic() - started
        return result

    def _at(self, seconds: float) -> str:
        return (self.start + timedelta(seconds=float(seconds))).isoformat()

    async def _community(self) -> str:
        name = f"Generated community {self.options.community} (seed {self.options.seed})"
        community_in = CommunityCreate(slug=self.options.community, name=name[:120])
        community, _ = await get_or_create_community(self.services.users, community_in)
        return community.id

    async def _batches(
        self, kind: str, rows: Sequence[T], send: Callable[[Sequence[T]], Awaitable[ImportResult]]
    ) -> list[ImportResult]:
        """Send `rows` in batches, at most `concurrency` in flight; results in batch order."""
        size = self.options.batch_size
        chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
        results: list[ImportResult | None] = [None] * len(chunks)
        gate = asyncio.Semaphore(self.options.concurrency)
        done = 0
        every = max(1, len(chunks) // 20)

        async def one(index: int) -> None:
            nonlocal done
            async with gate:
                results[index] = await send(chunks[index])
            self.report.add(kind, results[index])  # type: ignore[arg-type]
            done += 1
            if done % every == 0 or done == len(chunks):
                self.progress(f"{kind}: {min(done * size, len(rows))}/{len(rows)}")

        await asyncio.gather(*(one(i) for i in range(len(chunks))))
        return [r for r in results if r is not None]

    async def _members(self, community_id: str, members: sampling.Members) -> list[str | None]:
        experts = set(members.experts.tolist())
        operators = set(members.operators.tolist())
        rows = []
        for i in range(len(members.tiers)):
            roles = ["MEMBER"]
            if i in experts:
                roles.append("EXPERT")
            if i in operators:
                roles.append("OPERATOR")
            name = FIRST_NAMES[i % len(FIRST_NAMES)]
            rows.append(
                {
                    "sourceId": f"m{i}",
                    "handle": f"{name}-{i}",
                    "displayName": f"{name.title()} {i}",
                    "joinedAt": self._at(members.joined[i]),
                    "roles": roles,
                    "tier": str(members.tiers[i]),
                }
            )

        async def send(chunk: Sequence[dict[str, Any]]) -> ImportResult:
            batch = MemberImportBatch.model_validate({"source": self.source, "members": list(chunk)})
            return await self.services.users.import_members(community_id, batch)

        results = await self._batches("members", rows, send)
        return [item.id for result in results for item in result.items]

    async def _content(
        self, community_id: str, content: sampling.Content, member_ids: list[str | None]
    ) -> list[str | None]:
        rows = []
        for i in range(len(content.kinds)):
            kind, tags = str(content.kinds[i]), content.tags[i]
            rows.append(
                {
                    "sourceId": f"c{i}",
                    "authorId": member_ids[int(content.authors[i])],
                    "kind": kind,
                    "title": f"{kind} {i}: notes on {' and '.join(tags)}",
                    "body": f"<p>Generated {kind} item {i} about {', '.join(tags)}.</p>",
                    "tags": tags,
                    "createdAt": self._at(content.published[i]),
                }
            )

        async def send(chunk: Sequence[dict[str, Any]]) -> ImportResult:
            batch = ContentImportBatch.model_validate({"source": self.source, "items": list(chunk)})
            return await self.services.content.import_content(community_id, batch)

        results = await self._batches("content", rows, send)
        return [item.id for result in results for item in result.items]

    async def _events(
        self,
        community_id: str,
        events: sampling.Events,
        member_ids: list[str | None],
        content_ids: list[str | None],
    ) -> None:
        rows: list[dict[str, Any]] = []
        for i in range(len(events.types)):
            member, item = member_ids[int(events.members[i])], content_ids[int(events.content[i])]
            if member is None or item is None:
                self.report.reject("events", "its member or content was not created", f"e{i}")
                continue
            row: dict[str, Any] = {
                "sourceId": f"e{i}",
                "memberId": member,
                "contentId": item,
                "type": str(events.types[i]),
                "occurredAt": self._at(events.at[i]),
                "slot": events.slots[i],
                "scene": events.scenes[i],
            }
            if events.dwell_ms[i]:
                row["dwellMs"] = int(events.dwell_ms[i])
            rows.append(row)

        async def send(chunk: Sequence[dict[str, Any]]) -> ImportResult:
            batch = EventImportBatch.model_validate({"source": self.source, "events": list(chunk)})
            return await self.services.distribution.import_events(community_id, batch)

        await self._batches("events", rows, send)
