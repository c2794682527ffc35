"""Where a member's history goes in a feed's CPU, stage by stage: `python -m benchmarks.feed_stages`.

    python -m benchmarks.feed_stages [--items 300] [--feeds 300] [--cold] [--distinct N [--events 20]]

benchmarks/feed_history.py's community (members with 0 and 10,000 engagement events, their member_recent documents
as the ingest worker leaves them), its feeds sequential through the gateway in-process. First `--feeds` feeds per
member, alternating in blocks of 20, with nothing measured but the CPU of this process (the gateway and every
service) and of the database server (/proc), per feed. Then as many again with each stage of a decision wrapped:
its CPU in the thread that runs it (`time.thread_time`, exact for a sequential feed: the loop waits on the server
meanwhile) and, for a stage that talks to the database, the server's CPU around it. The wrappers' own cost is in
the second pass only. The content cards and the caller's member read are kept as the hot path's gateway keeps them
(CONTENT_CARD_TTL_SECONDS 5, MEMBER_READ_TTL_SECONDS 2: the caller kept while the community's change stamp stands);
the caller's read is a stage of its own (the in-process users_service call, a kept member's included).

`--cold`: every member's kept state (benchmarks/feed_history.py) forgotten before each feed, as a member's first feed
after an engagement finds it.

`--distinct N`: the audit's many-member condition (benchmarks/feed_many_members.py) in-process instead: N members
with `--events` opens each (of items of their own, as hot_path's `feed_members` picks them; their member_recent
documents as the ingest worker leaves them), each member's feed served once untimed, then one member's repeated feed
("one") against each feed another member's in turn ("distinct": N above the 1,000 members a process keeps, every
feed meets a member not kept). Sequential feeds, so no read is grouped with another feed's.

Prints the table "stage: no history vs history" (ms per feed) and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import wraps
from itertools import cycle
from typing import Any

import httpx
from bson import ObjectId

from benchmarks.common import print_summary, scratch_settings
from benchmarks.feed_cpu import cpu_seconds
from benchmarks.feed_history import FEED, community_with_histories, forget_member_state
from content_service.schemas import ContentCreate
from distribution_service.service import ranker
from distribution_service.service.decision_writer import DecisionWriter
from distribution_service.service.feature_inputs import FeatureInputs
from distribution_service.service.member_state import PoolTexts
from distribution_service.service.pool_reader import CandidatePoolReader
from distribution_service.store.events import EventsStore
from gateway.app import create_app
from infra.embedded import EmbeddedServer
from infra.settings import Settings
from users_service.client.members import MembersClientMixin
from users_service.schemas import CommunityCreate, MemberCreate

# (stage, owner, attribute, talks to the database): what the second pass wraps.
STAGES: tuple[tuple[str, Any, str, bool], ...] = (
    ("caller read (users_service, kept)", MembersClientMixin, "lookup_members", True),
    ("member_recent read", EventsStore, "list_member_docs", True),
    ("engagements", FeatureInputs, "engagements", False),
    ("member_state", ranker, "member_state", False),
    ("interests", ranker, "interests", False),
    ("pool (prepared, shared)", CandidatePoolReader, "pool", True),
    ("text cosines (kept per pool)", PoolTexts, "of", False),
    ("member_matrix", ranker, "member_matrix", False),
    ("rank (scores, diversity, log)", ranker.FeedRanker, "_rank", False),
    ("decision write", DecisionWriter, "write", True),
    ("decide (its loop thread)", ranker.FeedRanker, "decide_many", True),
)
BLOCK = 20
SIZES = (0, 10_000)
# The columns of `--distinct`: one member's repeated feed, then each feed another member's.
DISTINCT = ("one", "distinct")


class Meter:
    """Per stage: gateway CPU (thread time) and server CPU (process), summed over the calls."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.gateway: dict[str, float] = {}
        self.server: dict[str, float] = {}

    def wrap(self, stage: str, call: Callable[..., Any], database: bool) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(call):

            @wraps(call)
            async def async_wrapped(*args: Any, **kwargs: Any) -> Any:
                server = cpu_seconds(self.server_pid) if database else 0.0
                started = time.thread_time()
                try:
                    return await call(*args, **kwargs)
                finally:
                    self._add(stage, time.thread_time() - started)
                    if database:
                        self.server[stage] = self.server.get(stage, 0.0) + cpu_seconds(self.server_pid) - server

            return async_wrapped

        @wraps(call)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                self._add(stage, time.thread_time() - started)

        return wrapped

    def _add(self, stage: str, seconds: float) -> None:
        self.gateway[stage] = self.gateway.get(stage, 0.0) + seconds


async def distinct_members(app: Any, settings: Settings, items: int, members: int, events: int) -> list[str]:
    """`members` members of a community of `items` items (7 tags, one author: the hot path's community), each with
    `events` opens of items of their own (hot_path's `feed_members` choice: item (k * 7 + j) mod items), stored in
    `events` over the last 60 days and their member_recent documents built as the ingest worker leaves them: their
    tokens."""
    services = app.state.services
    community = await services.users.create_community(CommunityCreate(slug="bench", name="Bench"))
    cid = ObjectId(community.id)
    author = await services.users.register_member(community.id, MemberCreate(handle="author", display_name="A"))
    content_ids = [
        (
            await services.content.publish(
                community.id,
                ContentCreate(author_id=author.id, title=f"Item {n}", body="b", kind="UGC", tags=[f"t{n % 7}"]),
            )
        ).id
        for n in range(items)
    ]
    distribution = app.state.services.apps["distribution"].state
    stored = distribution.mongo[settings.database_name("distribution")]["events"]
    now = datetime.now(UTC)
    tokens, mids = [], []
    for k in range(members):
        member = await services.users.register_member(community.id, MemberCreate(handle=f"m{k}", display_name="M"))
        mids.append(ObjectId(member.id))
        tokens.append(app.state.issuer.issue(member_id=member.id, community_id=community.id))
    docs = [
        {
            "community_id": cid,
            "member_id": mid,
            "content_id": ObjectId(content_ids[n]),
            "type": "OPEN",
            "engaged": True,
            "occurred_at": now - timedelta(days=60) * (j / max(events, 1)),
            "tags": [f"t{n % 7}"],
            "author_id": author.id,
            "kind": "UGC",
        }
        for k, mid in enumerate(mids)
        for j in range(events)
        for n in [(k * 7 + j) % items]
    ]
    for lo in range(0, len(docs), 2_000):
        await stored.insert_many(docs[lo : lo + 2_000], ordered=False)
    for lo in range(0, len(mids), 200):
        await distribution.service.store.events.seed_member_recent(cid, mids[lo : lo + 200])
    return tokens


def columns(tokens: dict[str, list[str]]) -> dict[str, Iterator[str]]:
    """Each column's next feed's token: the same one, or each another in turn."""
    return {label: cycle(mine) for label, mine in tokens.items()}


async def run(
    items: int, count: int, cold: bool = False, distinct: int = 0, events: int = 20
) -> tuple[dict[str, Any], tuple[str, ...]]:
    server = EmbeddedServer(":memory:")
    server.start()
    assert server.process is not None
    server_pid = server.process.pid
    os.environ["BENCH_MONGODB_URI"] = server.uri
    figures: dict[str, Any] = {"items": items, "feeds": count, "cold": cold}
    labels = DISTINCT if distinct else tuple(f"{size}_events" for size in SIZES)
    try:
        # The kept reads at the hot path's gateway's defaults (APP_ENV=development there; the scratch settings' test
        # environment keeps no cards and no member reads, so every feed would read both).
        with scratch_settings(
            ranking_pool_ttl_seconds=5.0, content_card_ttl_seconds=5.0, member_read_ttl_seconds=2.0
        ) as settings:
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                if distinct:
                    members = await distinct_members(app, settings, items, distinct + 1, events)
                    tokens = {"one": members[:1], "distinct": members[1:]}
                    figures["distinct_members"] = f"{distinct} members with {events} events each"
                else:
                    made = await community_with_histories(app, settings, items, SIZES)
                    tokens = {label: [token] for label, token in zip(labels, made, strict=True)}
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

                    async def feed(token: str) -> None:
                        if cold:
                            forget_member_state(app)
                        await http.post("/graphql", json={"query": FEED}, headers={"Authorization": f"Bearer {token}"})

                    # Warm: the pools, the items' facts, the models' pointer; every member's feed once.
                    for mine in tokens.values():
                        for token in mine if len(mine) > 1 else mine * 10:
                            await feed(token)
                    nexts = columns(tokens)
                    # Pass 1: whole feeds, nothing wrapped.
                    whole: dict[str, list[float]] = {label: [0.0, 0.0] for label in labels}
                    for _ in range(0, count, BLOCK):
                        for label in labels:
                            gateway, db = time.process_time(), cpu_seconds(server_pid)
                            for _ in range(BLOCK):
                                await feed(next(nexts[label]))
                            whole[label][0] += time.process_time() - gateway
                            whole[label][1] += cpu_seconds(server_pid) - db
                    # Pass 2: each stage wrapped.
                    meters = {label: Meter(server_pid) for label in labels}
                    originals = [(owner, name, getattr(owner, name)) for _, owner, name, _ in STAGES]
                    try:
                        for _ in range(0, count, BLOCK):
                            for label in labels:
                                for (stage, owner, name, database), (_, _, call) in zip(STAGES, originals, strict=True):
                                    setattr(owner, name, meters[label].wrap(stage, call, database))
                                for _ in range(BLOCK):
                                    await feed(next(nexts[label]))
                                for owner, name, call in originals:
                                    setattr(owner, name, call)
                    finally:
                        for owner, name, call in originals:
                            setattr(owner, name, call)
    finally:
        server.stop()
        os.environ.pop("BENCH_MONGODB_URI", None)
    n = count
    ms = lambda seconds: round(seconds / n * 1000, 3)  # noqa: E731
    for label in labels:
        figures[f"feed_{label}_gateway_cpu_ms"] = ms(whole[label][0])
        figures[f"feed_{label}_server_cpu_ms"] = ms(whole[label][1])
        for stage, _, _, database in STAGES:
            key = stage.split(" (")[0].replace(" ", "_")
            figures[f"{key}_{label}_gateway_cpu_ms"] = ms(meters[label].gateway.get(stage, 0.0))
            if database:
                figures[f"{key}_{label}_server_cpu_ms"] = ms(meters[label].server.get(stage, 0.0))
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return figures, labels


def table(figures: dict[str, Any], labels: tuple[str, ...]) -> str:
    heads = {"0_events": "no history", "10000_events": "10,000 events", "one": "one member", "distinct": "distinct"}
    lines = [f"{'stage (ms per feed, gateway + server)':42} {heads[labels[0]]:>16} {heads[labels[1]]:>16} {'step':>14}"]
    rows = [("whole feed (unwrapped)", "feed", True)] + [
        (stage, stage.split(" (")[0].replace(" ", "_"), database) for stage, _, _, database in STAGES
    ]
    for label, key, database in rows:
        cells = []
        for column in labels:
            gateway = figures[f"{key}_{column}_gateway_cpu_ms"]
            server = figures.get(f"{key}_{column}_server_cpu_ms", 0.0) if database else 0.0
            cells.append((gateway, server))
        (g0, s0), (g1, s1) = cells
        lines.append(f"{label:42} {g0:7.3f} + {s0:6.3f} {g1:7.3f} + {s1:6.3f} {g1 - g0:+6.3f} {s1 - s0:+6.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--cold", action="store_true", help="forget every member's kept state before each feed")
    parser.add_argument("--distinct", type=int, default=0, help="members fed in turn against one member's repeats")
    parser.add_argument("--events", type=int, default=20, help="opens of each --distinct member")
    args = parser.parse_args()
    figures, labels = asyncio.run(run(args.items, args.feeds, args.cold, args.distinct, args.events))
    print(table(figures, labels))
    print_summary(figures)


if __name__ == "__main__":
    main()
